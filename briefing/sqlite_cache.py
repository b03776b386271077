"""One SQLite key-value file (WAL mode) shared by every run: the base of the translation and embedding caches.

Keys are hex digests the subclass computes; values are text or bytes. Two runs may read and write at
once (WAL plus a busy timeout). A file that is not a database any more is moved aside and rebuilt, with
a warning; any other cache failure turns the cache off for the run, never the work it speeds up.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Generic, TypeVar

from briefing.log import get_logger
from briefing.settings import CACHE_BUSY_TIMEOUT_S

log = get_logger(__name__)

Value = TypeVar("Value", str, bytes)
_IN_CHUNK = 500  # SQLite's bound-parameter limit is 999 on old builds


def cache_folder() -> Path:
    """$XDG_CACHE_HOME/briefing (~/.cache/briefing when XDG_CACHE_HOME is unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing"


class SqliteCache(Generic[Value]):
    """A table of (key, value) rows in one SQLite file; `what` names the cache in warnings."""

    def __init__(self, path: Path, *, table: str, value_type: str, what: str) -> None:
        self.path = Path(path)
        self._table = table
        self._what = what
        self._schema = f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, output {value_type} NOT NULL)"
        self._db: sqlite3.Connection | None = self._open()

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("%s %s: cannot create its folder (%s); running without a cache", self._what, self.path, exc)
            return None
        for attempt in (1, 2):
            try:
                return self._connect()
            except sqlite3.DatabaseError as exc:
                if attempt == 2 or not _is_corrupt(exc):
                    log.warning("%s %s: %s; running without a cache", self._what, self.path, exc)
                    return None
                aside = self.path.with_name(self.path.name + ".corrupt")
                log.warning("%s %s is damaged (%s); moved to %s and rebuilt", self._what, self.path, exc, aside)
                try:
                    os.replace(self.path, aside)
                except OSError:
                    self.path.unlink(missing_ok=True)
        return None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=CACHE_BUSY_TIMEOUT_S, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL is durable across app crashes
            db.execute(self._schema)
            db.execute(f"SELECT count(*) FROM {self._table} WHERE key = ''").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get_keys(self, keys: Sequence[str]) -> dict[str, Value]:
        """The stored values of those `keys` that have one."""
        if self._db is None or not keys:
            return {}
        found: dict[str, Value] = {}
        key_list = list(dict.fromkeys(keys))
        try:
            for start in range(0, len(key_list), _IN_CHUNK):
                chunk = key_list[start:start + _IN_CHUNK]
                marks = ",".join("?" * len(chunk))
                found.update(self._db.execute(f"SELECT key, output FROM {self._table} WHERE key IN ({marks})", chunk))
        except sqlite3.DatabaseError as exc:
            self._disable(exc)
            return {}
        return found

    def put_keys(self, rows: Iterable[tuple[str, Value]]) -> None:
        """Store (key, value) rows in one transaction."""
        rows = list(rows)
        if self._db is None or not rows:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(f"INSERT OR REPLACE INTO {self._table} (key, output) VALUES (?, ?)", rows)
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            self._disable(exc)

    def _disable(self, exc: sqlite3.DatabaseError) -> None:
        log.warning("%s %s: %s; running on without it", self._what, self.path, exc)
        self.close()

    def close(self) -> None:
        """Close the database (safe to call twice)."""
        if self._db is not None:
            try:
                self._db.close()
            finally:
                self._db = None


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    message = str(exc).lower()
    return "not a database" in message or "malformed" in message or "corrupt" in message
