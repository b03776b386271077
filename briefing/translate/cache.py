"""The translation cache: one SQLite file (WAL mode) shared by every run (see sqlite_cache.py).

A row maps (engine, model version, language pair, normalised sentence) to the engine's raw output,
so a rerun over the same articles translates nothing. Damaged rows and files are never served
(sqlite_cache.py checks a digest on every row and SQLite's quick_check on opening).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from briefing.runtime.sqlite_cache import SqliteCache, cache_folder
from briefing.translate.settings import TRANSLATION_CACHE_FILE

SCHEMA_VERSION = 1  # bump when what is stored changes meaning; old rows then simply never match
_SPACE = re.compile(r"\s+")


def default_cache_path() -> Path:
    """$XDG_CACHE_HOME/briefing/translations.sqlite (~/.cache/briefing/… when XDG_CACHE_HOME is unset)."""
    return cache_folder() / TRANSLATION_CACHE_FILE


def normalise(sentence: str) -> str:
    """The form a sentence is cached under: NFC, single spaces, no outer spaces."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", sentence)).strip()


class TranslationCache(SqliteCache[str]):
    """Cached engine outputs for one engine, model version and language pair."""

    value_type = str

    def __init__(self, path: Path, *, engine: str, version: str, source: str, target: str) -> None:
        self._prefix = f"{SCHEMA_VERSION}\0{engine}\0{version}\0{source}\0{target}\0"
        super().__init__(path, table="translations", what="translation cache")

    def _key(self, sentence: str) -> str:
        return hashlib.sha256((self._prefix + normalise(sentence)).encode("utf-8")).hexdigest()

    def get_many(self, sentences: Sequence[str]) -> dict[str, str]:
        """Cached outputs of those `sentences` that have one (keyed by the sentence as given)."""
        keys = {self._key(s): s for s in sentences}
        return {keys[key]: output for key, output in self.get_keys(list(keys)).items()}

    def put_many(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Store (sentence, output) pairs in one transaction."""
        self.put_keys((self._key(sentence), output) for sentence, output in pairs)
