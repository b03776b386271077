"""The translation cache: reruns translate nothing, --no-cache writes nothing, damage is rebuilt and never
served, two runs share it safely."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import translate
from briefing.cli import main
from briefing.translate import argos
from briefing.translate.cache import TranslationCache
from tests.translate.conftest import needs_apertium


@pytest.fixture
def warnings_seen(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The warnings of the 'briefing' logger (the CLI leaves it propagating as it found it)."""
    caplog.set_level(logging.WARNING, logger="briefing")
    return caplog


def test_rerun_translates_nothing(argos_home: Path, packages: dict[str, Path], cache_file: Path) -> None:
    argos.install_model_file(packages["fr-en"])
    lines = ["Le programme soutient les start-up.", "La JICA participe.", "", "Le programme soutient les start-up."]
    with translate.open_translator("fr", "en", engine="argos", cache_path=cache_file) as first:
        out = first.translate_lines(lines)
        assert (first.stats.translated, first.stats.cached) == (2, 0)
    with translate.open_translator("fr", "en", engine="argos", cache_path=cache_file) as second:
        assert second.translate_lines(lines) == out
        assert (second.stats.translated, second.stats.cached) == (0, 2)
    with translate.open_translator("fr", "en", engine="argos", use_cache=False) as uncached:
        assert uncached.translate_lines(lines) == out
        assert uncached.stats.translated == 2


def test_no_cache_writes_no_file(argos_home: Path, packages: dict[str, Path], cache_file: Path,
                                 runner: CliRunner) -> None:
    argos.install_model_file(packages["fr-en"])
    result = runner.invoke(main, ["translate", "--source", "fr", "--engine", "argos", "--no-cache",
                                  "--cache", str(cache_file)], input="Le programme.\n")
    assert result.exit_code == 0
    assert not cache_file.exists()


def test_a_corrupt_cache_is_rebuilt_with_a_warning(argos_home: Path, packages: dict[str, Path],
                                                   cache_file: Path, warnings_seen: pytest.LogCaptureFixture) -> None:
    argos.install_model_file(packages["fr-en"])
    cache_file.parent.mkdir(parents=True)
    cache_file.write_bytes(b"this is not a database" * 100)
    with translate.open_translator("fr", "en", engine="argos", cache_path=cache_file) as translator:
        assert translator.translate_lines(["La JICA participe."])[0]
    assert "damaged" in warnings_seen.text and "rebuilt" in warnings_seen.text
    with sqlite3.connect(cache_file) as db:
        assert db.execute("SELECT count(*) FROM translations").fetchone() == (1,)


def _filled_cache(path: Path, count: int) -> dict[str, str]:
    """A real cache file holding `count` translations (several pages of them); returns them."""
    pairs = {f"Phrase numéro {i} du rapport annuel.": f"Sentence number {i:05d} of the yearly report."
             for i in range(count)}
    cache = TranslationCache(path, engine="apertium", version="1", source="fr", target="en")
    cache.put_many(pairs.items())
    cache.close()
    return pairs


def test_a_cache_damaged_deeper_than_its_header_is_rebuilt_once(
        cache_file: Path, warnings_seen: pytest.LogCaptureFixture) -> None:
    pairs = _filled_cache(cache_file, 3000)
    data = bytearray(cache_file.read_bytes())
    assert len(data) > 64 * 1024
    middle = len(data) // 2 // 4096 * 4096  # a whole b-tree page, far past the 100-byte header
    data[middle:middle + 4096] = bytes(range(256)) * 16
    cache_file.write_bytes(bytes(data))
    cache = TranslationCache(cache_file, engine="apertium", version="1", source="fr", target="en")
    found = cache.get_many(list(pairs))
    assert all(pairs[sentence] == output for sentence, output in found.items())  # never garbage
    cache.put_many([("Une phrase.", "A sentence.")])
    cache.close()
    assert "is damaged" in warnings_seen.text and "rebuilt" in warnings_seen.text
    warnings_seen.clear()
    again = TranslationCache(cache_file, engine="apertium", version="1", source="fr", target="en")
    assert again.get_many(["Une phrase."]) == {"Une phrase.": "A sentence."}
    again.close()
    assert warnings_seen.text == ""  # rebuilt for good: no warning on every run


@pytest.mark.parametrize("how", ["bytes", "sql"])
def test_a_changed_translation_in_the_cache_is_never_served(
        cache_file: Path, warnings_seen: pytest.LogCaptureFixture, how: str) -> None:
    pairs = _filled_cache(cache_file, 50)
    if how == "bytes":  # a flipped data page: same lengths, so only the content is wrong
        data = cache_file.read_bytes()
        assert data.count(b"Sentence number 00007 of") == 1
        cache_file.write_bytes(data.replace(b"Sentence number 00007 of", b"Garbage!number 00007 of"))
    else:  # a sound file whose row no longer holds what was stored (another program, a bad merge)
        with sqlite3.connect(cache_file) as db:
            db.execute("UPDATE translations SET output = 'Garbage!' WHERE output LIKE '%00007%'")
    cache = TranslationCache(cache_file, engine="apertium", version="1", source="fr", target="en")
    found = cache.get_many(list(pairs))
    cache.close()
    assert all(pairs[sentence] == output for sentence, output in found.items())
    assert not any("Garbage" in output for output in found.values())
    assert "is damaged" in warnings_seen.text and "rebuilt" in warnings_seen.text


@needs_apertium
@pytest.mark.slow
def test_two_runs_at_once_share_the_cache_safely(tmp_path: Path, cache_file: Path) -> None:
    lines = "\n".join(f"Le forum numéro {i} réunit la JICA et le NIC." for i in range(60)) + "\n"
    executable = shutil.which("briefing")
    if executable is None:
        pytest.skip("the briefing command is not on the PATH (pip install -e .)")
    command = [executable, "translate", "--source", "fr", "--engine", "apertium",
               "--cache", str(cache_file)]
    runs = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=tmp_path) for _ in range(2)]
    results = [run.communicate(lines, timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert results[0][0] == results[1][0]
    assert len(results[0][0].splitlines()) == 60
    with sqlite3.connect(cache_file) as db:
        assert db.execute("SELECT count(*) FROM translations").fetchone() == (60,)


@pytest.mark.parametrize("kind", ["a user's file", "a fifo"])
def test_cache_given_a_file_that_is_no_cache_leaves_it_as_it_is(runner: CliRunner, seeds_dir: Path, tmp_path: Path,
                                                               kind: str) -> None:
    """--cache notes.txt moved the user's file aside as a damaged cache (notes.txt.corrupt); --cache /dev/null
    (as root) had SQLite write /dev/null-journal. A file that is not SQLite's, or not a file, is left alone."""
    import os

    given = tmp_path / "notes.txt"
    if kind == "a fifo":
        os.mkfifo(given)
    else:
        given.write_text("My notes for Monday.\n", encoding="utf-8")
    result = runner.invoke(main, ["build", str(seeds_dir), "--out", str(tmp_path / "out"), "--engine", "apertium",
                                  "--cache", str(given)])
    assert result.exit_code == 0, result.output
    reason = "is not a file" if kind == "a fifo" else "is not an SQLite file, as a cache is"
    assert f"warning: translation cache {given} {reason}; it is left as it is" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("notes")) == ["notes.txt"]
    if kind != "a fifo":
        assert given.read_text(encoding="utf-8") == "My notes for Monday.\n"
