"""Choosing an engine: a missing pair fails up front naming the install command; auto prefers Argos."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import translate
from briefing.cli import main
from briefing.errors import ModelMissing
from briefing.translate import argos


def test_missing_pair_fails_up_front_naming_the_install_command(argos_home: Path, runner: CliRunner) -> None:
    with pytest.raises(ModelMissing, match=r"xx->en.*briefing models install xx en"):
        translate.open_translator("xx", "en", use_cache=False)
    with pytest.raises(ModelMissing, match=r"no Argos model for fr->en.*briefing models install fr en"):
        translate.open_translator("fr", "en", engine="argos", use_cache=False)
    result = runner.invoke(main, ["translate", "--source", "xx", "--no-cache"], input="bonjour\n")
    assert result.exit_code == 1
    assert "no translation engine for xx->en" in result.stderr


def test_auto_prefers_an_installed_argos_model(argos_home: Path, packages: dict[str, Path]) -> None:
    argos.install_model_file(packages["fr-en"])
    with translate.open_translator("fr", "en", use_cache=False) as translator:
        assert translator.name == "argos"
