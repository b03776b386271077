"""The embedding model converted once from the wheel into the user's cache folder, or a clear error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing import embed
from tests.conftest import ROOT


def test_the_model_is_converted_once_into_the_user_cache_folder() -> None:
    folder = embed.model_dir()  # converts on first use in this test session (about 15-25 s)
    assert folder.parent == Path(os.environ["XDG_CACHE_HOME"]) / "briefing" / "models"
    model = folder / "model.onnx"
    assert model.is_file() and (folder / "tokenizer.json").is_file()
    stamp = model.stat().st_mtime_ns
    assert embed.model_dir() == folder and model.stat().st_mtime_ns == stamp  # not converted again


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


def test_the_converted_model_follows_every_byte_of_the_weights(tmp_path: Path) -> None:
    """Weights that differ only past their first megabyte, at the same size, are another model."""
    from briefing.embed import convert

    first, second = tmp_path / "a.safetensors", tmp_path / "b.safetensors"
    first.write_bytes(bytes(2 << 20))
    second.write_bytes(bytes((2 << 20) - 1) + b"\x01")
    assert convert._fingerprint(first) != convert._fingerprint(second)


@pytest.mark.slow
def test_an_unusable_cache_folder_means_working_without_a_cache(tmp_path: Path) -> None:
    """XDG_CACHE_HOME naming a file: the model is converted for this run only, with one warning, no traceback."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be\n", encoding="utf-8")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(blocker), "TMPDIR": str(scratch)}
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "briefing", "build", str(ROOT / "seeds"), "--no-translate",
                             "--out", str(out), "--today", "2026-11-22"],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: cache folder {blocker / 'briefing'} cannot be used (Not a directory); "
                        "running without a cache: point XDG_CACHE_HOME at a folder you can write"]
    assert len(list(out.glob("briefing-*.*"))) == 4
    assert list(scratch.glob("briefing-*")) == []  # the model converted for this run is gone with it
