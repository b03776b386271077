"""Choosing an engine: a missing pair fails up front naming the install command; auto prefers Argos."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import translate
from briefing.cli import main
from briefing.errors import ModelMissing
from briefing.translate import argos
from tests.tiny_argos import build_package
from tests.translate.conftest import needs_apertium


def test_missing_pair_fails_up_front_naming_the_install_command(argos_home: Path, runner: CliRunner) -> None:
    with pytest.raises(ModelMissing, match=r"xx->en.*briefing models install xx en"):
        translate.open_translator("xx", "en", use_cache=False)
    with pytest.raises(ModelMissing, match=r"no Argos model for fr->en.*briefing models install fr en"):
        translate.open_translator("fr", "en", engine="argos", use_cache=False)
    result = runner.invoke(main, ["translate", "--source", "ja", "--no-cache"], input="bonjour\n")
    assert result.exit_code == 1
    assert "no translation engine for ja->en" in result.stderr


@needs_apertium
@pytest.mark.parametrize("spelling", ["FR", "fr-FR", "fr_CA", "fra", " fr "])
def test_translate_reads_a_language_code_in_any_spelling(runner: CliRunner, spelling: str) -> None:
    line = "Le président a signé l'accord avec la Banque mondiale.\n"
    plain = runner.invoke(main, ["translate", "--source", "fr", "--no-cache"], input=line)
    spelled = runner.invoke(main, ["translate", "--source", spelling, "--target", "EN", "--no-cache"], input=line)
    assert plain.exit_code == spelled.exit_code == 0, spelled.output
    assert spelled.stdout == plain.stdout
    assert "president" in plain.stdout


@needs_apertium
def test_translate_keeps_the_code_of_an_installed_variant(runner: CliRunner) -> None:
    """eng_US names apertium's American English; normalised to "en" it gave British spelling without a word."""
    line = "La couleur du centre est organisée par le programme.\n"
    american = runner.invoke(main, ["translate", "--source", "fr", "--target", "eng_US", "--no-cache"], input=line)
    assert american.exit_code == 0, american.output
    assert "color" in american.stdout and "center" in american.stdout


@pytest.mark.parametrize("code", ["zz", "../../etc/passwd", pytest.param("a" * 5_000, id="5000-chars"), "", "fr/../en"])
def test_translate_refuses_a_code_that_names_no_language(argos_home: Path, runner: CliRunner, code: str) -> None:
    for option in ("--source", "--target"):
        args = ["translate", "--source", "fr", option, code, "--no-cache"]
        result = runner.invoke(main, args, input="bonjour\n")
        assert result.exit_code == 2
        assert "is not a language code briefing knows" in result.stderr
        assert max(len(line) for line in result.stderr.splitlines()) < 200
        assert "Traceback" not in result.output


def test_translate_takes_an_installed_argos_model_s_own_code(argos_home: Path, runner: CliRunner,
                                                             tmp_path: Path) -> None:
    argos.install_model_file(build_package(tmp_path / "pb", source="pb", target="en"))
    result = runner.invoke(main, ["translate", "--source", "pb", "--engine", "argos", "--no-cache"], input="bom dia\n")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1


def test_auto_prefers_an_installed_argos_model(argos_home: Path, packages: dict[str, Path]) -> None:
    argos.install_model_file(packages["fr-en"])
    with translate.open_translator("fr", "en", use_cache=False) as translator:
        assert translator.name == "argos"


@needs_apertium
def test_a_language_no_engine_has_is_reported_once_per_build(argos_home: Path, runner: CliRunner,
                                                             seeds_dir: Path, tmp_path: Path) -> None:
    """Grouping (stage 3) and translation (stage 4) each found no engine for Russian and each said so: the
    same warning twice in one build (20 lines for 10 languages)."""
    import json

    week = tmp_path / "week.json"
    text = "Правительство Вьетнама во вторник объявило национальную стратегию искусственного интеллекта. " * 4
    week.write_text(json.dumps([{"title": "Вьетнам объявил стратегию ИИ", "text": text, "date": "2025-10-02",
                                 "lang": "ru", "publisher": "Tass"}], ensure_ascii=False), encoding="utf-8")
    seed = next(seeds_dir.glob("000_*"))
    result = runner.invoke(main, ["build", str(week), str(seed), "--out", str(tmp_path / "out"),
                                  "--cache", str(tmp_path / "cache.sqlite")])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("no translation engine for ru->en") == 1, result.stderr
