"""The real apertium chain: names, figures, codes and URLs kept, one line out per line in, the pivot through
Spanish, and `briefing models list` showing the installed modes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import translate
from briefing.cli import main
from briefing.translate import apertium
from tests.translate.conftest import needs_apertium

SEED_LINES = [
    "Le secrétaire général Tô Lâm a rencontré la JICA et Viettel IDC à Hanoi.",
    "",
    "Le NIC prévoit une économie de l’IA de 130 milliards de dollars d’ici 2040, selon la résolution 57-NQ/TW.",
    "Source : https://mst.gov.vn/day-manh-hop-tac-197251025164051267.htm",
    "Le NIC a lancé le programme VietLeap AI Accelerator.",
]


@needs_apertium
def test_apertium_keeps_names_figures_codes_and_urls(cache_file: Path) -> None:
    with translate.open_translator("fr", "en", engine="apertium", cache_path=cache_file) as translator:
        first, empty, second, source, named = translator.translate_lines(SEED_LINES)
    assert translator.name == "apertium"
    assert empty == ""
    for name in ("Tô Lâm", "JICA", "Viettel IDC", "Hanoi"):
        assert name in first
    for kept in ("NIC", "130 billion dollars", "57-NQ/TW", "2040", "AI"):
        assert kept in second
    assert "https://mst.gov.vn/day-manh-hop-tac-197251025164051267.htm" in source
    assert "milliard" not in second and "*" not in second
    assert "VietLeap AI Accelerator" in named  # English "AI" in a name is not French "ai" (= "have")


@needs_apertium
def test_apertium_writes_figures_the_english_way(cache_file: Path) -> None:
    lines = ["Plus de 1 200 délégués et une croissance de 3,5 % ; un marché de 1,14 milliard de dollars."]
    with translate.open_translator("fr", "en", engine="apertium", cache_path=cache_file) as translator:
        (out,) = translator.translate_lines(lines)
    assert "1,200" in out and "3.5%" in out and "1.14 billion dollars" in out


@needs_apertium
def test_apertium_keeps_one_line_per_line_even_for_odd_lines(cache_file: Path) -> None:
    lines = ["la voiture", "rouge est belle", "", "   ", "tab\tet\x0bvertical\u2028séparateur",
             "«»", "***", "[x] ^y$ \\z"]
    with translate.open_translator("fr", "en", engine="apertium", cache_path=cache_file) as translator:
        out = translator.translate_lines(lines)
    assert len(out) == len(lines)
    assert out[0] == "The car"  # "rouge" did not slip up from the next line, as it does in a plain pipe
    assert out[1].lower().startswith("red")
    assert out[2] == "" and out[3] == ""
    assert all(line.strip() for i, line in enumerate(out) if i not in (2, 3))
    assert "\n" not in "".join(out)


@needs_apertium
def test_apertium_drops_unknown_word_marks_but_not_the_sources_own() -> None:
    engine = apertium.ApertiumEngine("fr", "en")
    out = engine.translate(["Le Zorglubez a écrit à @VNA avec #IA2025.", "Il est *très* content."])
    assert "Zorglubez" in out[0] and "*Zorglubez" not in out[0]
    assert "@VNA" in out[0] and "#IA2025" in out[0]
    assert "*" in out[1]


def test_apertium_mode_chain_pivots_through_spanish() -> None:
    if apertium.find_chain("fr", "en") is None:
        pytest.skip("apertium fr->en is not installed")
    assert apertium.find_chain("fr", "en") == ("fr-es", "spa-eng")
    assert apertium.find_chain("xx", "en") is None


def test_models_list_shows_the_apertium_modes_and_the_chain_of_each_pair(runner: CliRunner) -> None:
    if shutil.which("apertium") is None:
        pytest.fail("apertium is not installed: run the README's set-up command")
    modes = subprocess.run(["apertium", "-l"], capture_output=True, text=True, timeout=30, check=True).stdout.split()
    result = runner.invoke(main, ["models", "list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert f"apertium modes: {', '.join(sorted(modes))}" in lines
    assert "fr->en  apertium  fr-es | spa-eng" in lines  # the pivot through Spanish that `build` uses
    assert "es->en  apertium  spa-eng" in lines
    assert not any(line.startswith("es->es") for line in lines)


def test_models_list_without_apertium_says_what_to_install(tmp_path: Path) -> None:
    no_apertium = {**os.environ, "PATH": str(tmp_path)}  # an empty folder: no apertium on the PATH
    result = subprocess.run([sys.executable, "-m", "briefing", "models", "list"], env=no_apertium,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "apertium modes" not in result.stdout
    assert ("no apertium pair installed; for fr->en: apt-get install apertium apertium-fr-es apertium-eng-spa"
            in result.stdout.splitlines())


def test_cached_translations_follow_the_bytes_of_the_apertium_data(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A data file rewritten with the same size and modification time still makes a new engine version."""
    data = tmp_path / "fr-es.automorf.bin"
    data.write_bytes(b"dictionary v1")
    (tmp_path / "fr-es.mode").write_text(f"lt-proc '{data}'\n", encoding="utf-8")
    monkeypatch.setattr(apertium, "MODE_DIRS", (tmp_path,))
    before, stat = apertium._chain_version(("fr-es",)), data.stat()
    data.write_bytes(b"dictionary v2")
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert apertium._chain_version(("fr-es",)) != before


@needs_apertium
def test_translating_a_language_into_itself_copies_the_lines(runner: CliRunner, cache_file: Path) -> None:
    """fr -> fr went through Apertium's Catalan chain and back: "Bonjour le monde." came out "Bonjour
    l'épluche."."""
    lines = "Bonjour le monde.\n\nLe programme soutient les start-up.\n"
    for target in ("fr", "fra", "FR"):
        result = runner.invoke(main, ["translate", "--source", "fr", "--target", target, "--cache", str(cache_file)],
                               input=lines)
        assert result.exit_code == 0, result.output
        assert result.stdout == lines
        assert "the source and target are both fr: the lines are copied unchanged" in result.stderr
