"""The embedding cache: a rerun reuses every vector, --no-cache writes nothing, damage is moved aside."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from briefing import embed
from briefing.embed.settings import EMBED_DIM, EMBEDDING_CACHE_FILE
from tests.embed.conftest import real_texts


def test_a_rerun_reuses_every_vector_and_says_so(shared_dir: Path, tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    texts = real_texts(shared_dir)[:12]
    translation_cache = tmp_path / "translations.sqlite"
    caplog.set_level(logging.INFO, logger="briefing")
    with embed.use_cache(True, translation_cache):
        first = embed.embed(texts)
        caplog.clear()
        second = embed.embed([*texts[:5], *texts[:5]])
    assert (tmp_path / EMBEDDING_CACHE_FILE).is_file()
    assert "embeddings: 5 reused from the cache, 0 computed" in caplog.messages
    assert np.array_equal(second[:5], first[:5]) and np.array_equal(second[5:], first[:5])


def test_no_cache_writes_no_cache_file(tmp_path: Path) -> None:
    with embed.use_cache(False, tmp_path / "translations.sqlite"):
        embed.embed(["Stocks fell on Wall Street as oil prices rose."])
    assert not (tmp_path / EMBEDDING_CACHE_FILE).exists()


def test_a_damaged_cache_is_moved_aside_and_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / EMBEDDING_CACHE_FILE).write_bytes(b"this is not a database" * 100)
    with embed.use_cache(True, tmp_path / "translations.sqlite"):
        vectors = embed.embed(["Stocks fell on Wall Street as oil prices rose."])
    assert vectors.shape == (1, EMBED_DIM)
    assert (tmp_path / (EMBEDDING_CACHE_FILE + ".corrupt")).is_file()
    assert any("embedding cache" in m and "damaged" in m for m in caplog.messages)
