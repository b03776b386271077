"""The translation cache: one SQLite file (WAL mode) shared by every run.

A row maps (engine, model version, language pair, normalised sentence) to the engine's raw output,
so a rerun over the same articles translates nothing. Two runs may read and write at once (WAL
plus a busy timeout). Damage is looked for where it is cheap: SQLite's quick_check when the file is
opened, and a digest of key and output on every row read, so a damaged page never serves a garbage
translation. A damaged file is moved aside and rebuilt, with a warning; any other cache failure turns
the cache off for the run, never the translation.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from briefing.log import get_logger
from briefing.settings import CACHE_BUSY_TIMEOUT_S, TRANSLATION_CACHE_FILE

log = get_logger(__name__)

SCHEMA_VERSION = 1  # bump when what is stored changes meaning; old rows then simply never match
_SCHEMA = "CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, output TEXT NOT NULL, digest TEXT)"
_SPACE = re.compile(r"\s+")


def default_cache_path() -> Path:
    """$XDG_CACHE_HOME/briefing/translations.sqlite (~/.cache/briefing/… when XDG_CACHE_HOME is unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefing" / TRANSLATION_CACHE_FILE


def normalise(sentence: str) -> str:
    """The form a sentence is cached under: NFC, single spaces, no outer spaces."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", sentence)).strip()


class TranslationCache:
    """Cached engine outputs for one engine, model version and language pair."""

    def __init__(self, path: Path, *, engine: str, version: str, source: str, target: str) -> None:
        self.path = Path(path)
        self._prefix = f"{SCHEMA_VERSION}\0{engine}\0{version}\0{source}\0{target}\0"
        self._db: sqlite3.Connection | None = self._open()

    def _key(self, sentence: str) -> str:
        return hashlib.sha256((self._prefix + normalise(sentence)).encode("utf-8")).hexdigest()

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("translation cache %s: cannot create its folder (%s); running without a cache", self.path, exc)
            return None
        for attempt in (1, 2):
            try:
                return self._connect()
            except sqlite3.DatabaseError as exc:
                if attempt == 2 or not _is_corrupt(exc):
                    log.warning("translation cache %s: %s; running without a cache", self.path, exc)
                    return None
                self._move_aside(str(exc))
        return None

    def _move_aside(self, why: str) -> None:
        aside = self.path.with_name(self.path.name + ".corrupt")
        log.warning("translation cache %s is damaged (%s); moved to %s and rebuilt", self.path, why, aside)
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
            db.execute(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(translations)")}
            if "digest" not in columns:  # a cache from before digests: its rows count as unverified
                db.execute("ALTER TABLE translations ADD COLUMN digest TEXT")
            # structure damage beyond the header (a torn page, a broken b-tree): reads every page once,
            # a fraction of a second for the tens of MB a cache reaches
            problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError(f"database disk image is malformed: {'; '.join(problems)[:200]}")
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get_many(self, sentences: Sequence[str]) -> dict[str, str]:
        """Cached outputs of those `sentences` that have one (keyed by the sentence as given)."""
        if self._db is None or not sentences:
            return {}
        keys = {self._key(s): s for s in sentences}
        found: dict[str, str] = {}
        damaged = 0
        key_list = list(keys)
        try:
            for start in range(0, len(key_list), 500):  # SQLite's bound-parameter limit is 999 on old builds
                chunk = key_list[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(f"SELECT key, output, digest FROM translations WHERE key IN ({marks})", chunk)
                for key, output, digest in rows:
                    if key in keys and isinstance(output, str) and digest == _digest(key, output):
                        found[keys[key]] = output
                    elif digest is not None:
                        damaged += 1  # a row whose content changed since it was written: never served
        except sqlite3.DatabaseError as exc:
            self._disable(exc)
            return {}
        if damaged:
            self._rebuild(f"{damaged} row(s) no longer match what was stored")
        return found

    def put_many(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Store (sentence, output) pairs in one transaction."""
        if self._db is None:
            return
        keyed = [(self._key(sentence), output) for sentence, output in pairs]
        rows = [(key, output, _digest(key, output)) for key, output in keyed]
        if not rows:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO translations (key, output, digest) VALUES (?, ?, ?)", rows)
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            self._disable(exc)

    def _disable(self, exc: sqlite3.DatabaseError) -> None:
        if _is_corrupt(exc):
            self._rebuild(str(exc))
            return
        log.warning("translation cache %s: %s; running on without it", self.path, exc)
        self.close()

    def close(self) -> None:
        """Close the database (safe to call twice)."""
        if self._db is not None:
            try:
                self._db.close()
            finally:
                self._db = None


def _digest(key: str, output: str) -> str:
    """What a row's output must hash to: a damaged data page cannot pass for a translation."""
    return hashlib.sha256(f"{key}\0{output}".encode()).hexdigest()[:16]


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    message = str(exc).lower()
    return "not a database" in message or "malformed" in message or "corrupt" in message
