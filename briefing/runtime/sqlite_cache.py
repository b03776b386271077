"""One SQLite key-value file (WAL mode) shared by every run: the base of the translation and embedding caches.

Keys are hex digests the subclass computes; values are text or bytes. Two runs may read and write at
once (WAL plus a busy timeout). Damage is looked for where it is cheap: SQLite's quick_check when the
file is opened, and a digest of key and value on every row read, so a damaged page never serves a
garbage value. A damaged file is moved aside and rebuilt, with a warning; any other cache failure turns
the cache off for the run, never the work it speeds up.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Generic, TypeVar, cast

from briefing.log import get_logger

CACHE_BUSY_TIMEOUT_S = 30.0  # a second run writing at the same moment holds the lock for well under a second

log = get_logger(__name__)

Value = TypeVar("Value", str, bytes)
_IN_CHUNK = 500  # SQLite's bound-parameter limit is 999 on old builds


def cache_folder() -> Path:
    """$XDG_CACHE_HOME/briefing (~/.cache/briefing when XDG_CACHE_HOME is unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing"


_UNUSABLE: set[Path] = set()  # cache folders this process has warned about: one warning each (subfolders too)


def usable_folder(folder: Path) -> bool:
    """Whether the cache folder `folder` exists (it is made when missing) and is a folder.

    A cache is an optimisation: when its folder cannot be used (XDG_CACHE_HOME names a file, a read-only
    disk), the run goes on without it, and the first cache to find out says so in one warning.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return True
    except OSError as exc:
        if not any(folder.is_relative_to(seen) or seen.is_relative_to(folder) for seen in _UNUSABLE):
            _UNUSABLE.add(folder)
            log.warning("cache folder %s cannot be used (%s); running without a cache: point XDG_CACHE_HOME "
                        "at a folder you can write", folder, exc.strerror or exc)
        return False


SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
CACHE_SUFFIX = ".sqlite"  # every cache file briefing names ends so


def _foreign(path: Path) -> str | None:
    """Why the file at `path` is not a cache to open (nor to move aside when damaged), or None.

    Not a regular file (`--cache /dev/null` made SQLite write /dev/null-journal); a file of another name that
    is not an SQLite database: a user's file given to --cache by mistake, which was moved aside as damaged.
    A `.sqlite` file, briefing's own name, is a damaged cache when it reads wrong, moved aside and rebuilt."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if not stat.S_ISREG(found.st_mode):
        return "is not a file"
    if path.suffix == CACHE_SUFFIX or found.st_size == 0:
        return None
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return None if head == SQLITE_HEADER else "is not an SQLite file, as a cache is"


def beside(translation_cache: Path | None, name: str) -> Path:
    """The file `name` in the translation cache's folder (the default cache folder when none is given)."""
    return (translation_cache.parent if translation_cache is not None else cache_folder()) / name


class SqliteCache(Generic[Value]):
    """A table of (key, value, digest) rows in one SQLite file; `what` names the cache in warnings."""

    value_type: type = str

    def __init__(self, path: Path, *, table: str, what: str) -> None:
        self.path = Path(path)
        self._table = table
        self._what = what
        column = "TEXT" if self.value_type is str else "BLOB"
        self._schema = f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, output {column} NOT NULL, " \
            "digest TEXT)"
        self._db: sqlite3.Connection | None = self._open()

    def _open(self) -> sqlite3.Connection | None:
        if not usable_folder(self.path.parent):
            return None
        foreign = _foreign(self.path)
        if foreign:
            log.warning("%s %s %s; it is left as it is, and this run goes without the cache", self._what,
                        self.path, foreign)
            return None
        for attempt in (1, 2):
            try:
                return self._connect()
            except sqlite3.DatabaseError as exc:
                if attempt == 2 or not is_corrupt(exc):
                    log.warning("%s %s: %s; running without a cache", self._what, self.path, exc)
                    return None
                self._move_aside(str(exc))
        return None

    def _move_aside(self, why: str) -> None:
        aside = self.path.with_name(self.path.name + ".corrupt")
        log.warning("%s %s is damaged (%s); moved to %s and rebuilt", self._what, self.path, why, aside)
        for leftover in (self.path.with_name(self.path.name + "-wal"), self.path.with_name(self.path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        try:
            os.replace(self.path, aside)
        except OSError:
            self.path.unlink(missing_ok=True)

    def _rebuild(self, why: str) -> None:
        """Close the damaged database, move it aside and start an empty one."""
        self.close()
        self._move_aside(why)
        self._db = self._open()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=CACHE_BUSY_TIMEOUT_S, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL is durable across app crashes
            db.execute(self._schema)
            columns = {row[1] for row in db.execute(f"PRAGMA table_info({self._table})")}
            if "digest" not in columns:  # a cache from before digests: its rows count as unverified
                db.execute(f"ALTER TABLE {self._table} ADD COLUMN digest TEXT")
            # structure damage beyond the header (a torn page, a broken b-tree): reads every page once,
            # a fraction of a second for the tens of MB a cache reaches
            problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError(f"database disk image is malformed: {'; '.join(problems)[:200]}")
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get_keys(self, keys: Sequence[str]) -> dict[str, Value]:
        """The stored values of those `keys` that have one; a row whose digest fails is never served."""
        if self._db is None or not keys:
            return {}
        wanted = set(keys)
        key_list = list(dict.fromkeys(keys))
        found: dict[str, Value] = {}
        damaged = 0
        try:
            for start in range(0, len(key_list), _IN_CHUNK):
                chunk = key_list[start:start + _IN_CHUNK]
                marks = ",".join("?" * len(chunk))
                # as bytes, decoded here: SQLite's own decoding fails on a damaged byte with an error that
                # quotes the stored text (an article's), and that row could never be told from a busy file
                query = f"SELECT CAST(key AS BLOB), CAST(output AS BLOB), CAST(digest AS BLOB) FROM {self._table} " \
                    f"WHERE key IN ({marks})"
                for raw_key, raw_output, raw_digest in self._db.execute(query, chunk):
                    key, output, digest = _text(raw_key), self._value(raw_output), _text(raw_digest)
                    if key in wanted and output is not None and digest == _digest(key, output):
                        found[key] = output
                    elif raw_digest is not None:
                        damaged += 1  # a row whose content changed since it was written
        except sqlite3.DatabaseError as exc:
            self._disable(exc)
            return {}
        if damaged:
            self._rebuild(f"{damaged} row(s) no longer match what was stored")
        return found

    def _value(self, raw: object) -> Value | None:
        """A stored value as this cache's type, or None when its bytes cannot be one."""
        if not isinstance(raw, bytes):
            return None
        if self.value_type is bytes:
            return cast(Value, raw)
        text = _text(raw)
        return cast(Value, text) if text is not None else None

    def put_keys(self, rows: Iterable[tuple[str, Value]]) -> None:
        """Store (key, value) rows in one transaction."""
        if self._db is None:
            return
        stored = [(key, value, _digest(key, value)) for key, value in rows]
        if not stored:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(f"INSERT OR REPLACE INTO {self._table} (key, output, digest) VALUES (?, ?, ?)", stored)
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            self._disable(exc)

    def _disable(self, exc: sqlite3.DatabaseError) -> None:
        if is_corrupt(exc):
            self._rebuild(str(exc))
            return
        log.warning("%s %s: %s; running on without it", self._what, self.path, exc)
        self.close()

    def close(self) -> None:
        """Close the database (safe to call twice)."""
        db, self._db = self._db, None
        if db is not None:
            db.close()


def _text(raw: object) -> str | None:
    """UTF-8 bytes as text; None for NULL or bytes a damaged page left undecodable."""
    if not isinstance(raw, bytes):
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _digest(key: str, value: str | bytes) -> str:
    """What a row's value must hash to: a damaged data page cannot pass for a value."""
    data = value.encode() if isinstance(value, str) else value
    return hashlib.sha256(key.encode() + b"\0" + data).hexdigest()[:16]


def is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite's error says the file is damaged (rather than busy, read-only or full)."""
    message = str(exc).lower()
    return "not a database" in message or "malformed" in message or "corrupt" in message
