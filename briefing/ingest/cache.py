"""The source cache: what ingestion read from a local file, by the file's content, beside the translation cache.

A rerun over files that have not changed reads, cleans and dates none of them again. A key covers
everything the result depends on: the file's bytes and shown name, the run date (dates after it are
ignored), the size limit, and the code of this package (any change to briefing's sources or data files
makes every old row stop matching, so an upgrade never serves results of the old code). URLs are not
cached: fetching them is the point. See runtime/sqlite_cache.py for damage and concurrent runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from briefing.records import Article
from briefing.runtime.sqlite_cache import SqliteCache

SCHEMA_VERSION = 1  # bump when what is stored changes meaning; old rows then simply never match
PACKAGE = Path(__file__).resolve().parents[1]  # all of briefing: any stage may change what a file gives

Loaded = tuple[list[Article], list[str], str | None]
"""What reading one source gave: its articles, warnings, and why it was skipped (None when it was not)."""


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of this package's Python sources and data files."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix not in (".pyc", ".pyo")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def source_key(data: bytes, name: str, today: dt.date, max_bytes: int) -> str:
    """The cache key of reading `data` (the file's bytes) shown as `name`."""
    parts = [str(SCHEMA_VERSION), code_fingerprint(), name, today.isoformat(), str(max_bytes),
             hashlib.sha256(data).hexdigest()]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


class SourceCache(SqliteCache[str]):
    """Ingestion results of local files, keyed by `source_key`."""

    value_type = str

    def __init__(self, path: Path) -> None:
        super().__init__(path, table="sources", what="source cache")

    def get_many(self, keys: Sequence[str]) -> dict[str, Loaded]:
        """The cached results of those keys that have one (a row that does not parse is read again)."""
        found = {}
        for key, value in self.get_keys(list(keys)).items():
            try:
                found[key] = _loads(value)
            except (ValueError, KeyError, TypeError):
                continue
        return found

    def put_many(self, pairs: Iterable[tuple[str, Loaded]]) -> None:
        """Store (key, result) pairs in one transaction."""
        self.put_keys((key, _dumps(loaded)) for key, loaded in pairs)


def _dumps(loaded: Loaded) -> str:
    articles, warnings, reason = loaded
    data = {"articles": [a.to_json() for a in articles], "warnings": warnings, "reason": reason}
    return json.dumps(data, ensure_ascii=False)


def _loads(value: str) -> Loaded:
    data = json.loads(value)
    articles = [Article.from_json(row) for row in data["articles"]]
    return articles, [str(w) for w in data["warnings"]], data["reason"]

