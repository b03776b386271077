"""The embedding cache: vectors by (model, text) in one SQLite file beside the translation cache.

A rerun over the same week embeds nothing: each text's vector comes back from here (see sqlite_cache.py
for how damage and concurrent runs are handled).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from briefing.embed.settings import EMBED_DIM
from briefing.runtime.sqlite_cache import SqliteCache

SCHEMA_VERSION = 1  # bump when what is stored changes meaning; old rows then simply never match


class EmbeddingCache(SqliteCache[bytes]):
    """Cached float32 vectors of one converted model, keyed by a hash of the exact text."""

    value_type = bytes

    def __init__(self, path: Path, *, model: str) -> None:
        self._prefix = f"{SCHEMA_VERSION}\0{model}\0"
        super().__init__(path, table="embeddings", what="embedding cache")

    def _key(self, text: str) -> str:
        return hashlib.sha256((self._prefix + text).encode("utf-8")).hexdigest()

    def get_many(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Cached vectors of those `texts` that have one (keyed by the text as given)."""
        keys = {self._key(t): t for t in texts}
        found = {}
        for key, blob in self.get_keys(list(keys)).items():
            vector = np.frombuffer(blob, dtype=np.float32)
            if vector.shape == (EMBED_DIM,):  # a truncated row is recomputed, not trusted
                found[keys[key]] = vector
        return found

    def put_many(self, pairs: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store (text, vector) pairs in one transaction."""
        self.put_keys((self._key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in pairs)
