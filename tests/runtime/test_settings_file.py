"""The TOML files a user writes (config, themes file, glossary): too big, not UTF-8 or nested too deep is one
clear line naming the file, never a traceback or a read that fills memory."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.runtime.settings_file import SETTINGS_FILE_MAX_BYTES

DEEP = "x = " + "[" * 100_000 + "]" * 100_000 + "\n"


@pytest.mark.parametrize(("content", "reason"), [
    (DEEP.encode(), "not valid TOML (brackets nested too deeply)"),
    (b"\xff\xfeout = 'x'\n", "not UTF-8 text; save it as UTF-8"),
    (b"# " + b"x" * SETTINGS_FILE_MAX_BYTES + b"\n", "larger than 1,024 KB"),
])
@pytest.mark.parametrize("kind", ["config", "glossary", "themes"])
def test_a_settings_file_too_deep_not_utf8_or_too_big_is_one_line_naming_it(
        runner: CliRunner, tmp_path: Path, kind: str, content: bytes, reason: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(content)
    records = tmp_path / "in.jsonl"
    records.write_text('{"text": "Oil prices rose on Monday."}\n', encoding="utf-8")
    args = {
        "config": ["--config", str(path), "init", str(tmp_path / "new.toml")],
        "glossary": ["translate", "--source", "fr", "--glossary", str(path)],
        "themes": ["themes", "--themes", str(path), "--input", str(records)],
    }[kind]
    result = runner.invoke(main, args, input="Bonjour\n")
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and str(path) in line and reason in line


def test_a_config_that_is_an_endless_device_is_refused_after_a_megabyte(runner: CliRunner, tmp_path: Path) -> None:
    """/dev/zero as --config read 22 GB before this limit."""
    result = runner.invoke(main, ["--config", "/dev/zero", "init", str(tmp_path / "new.toml")])
    assert result.exit_code == 1
    assert result.stderr == ("Error: /dev/zero: larger than 1,024 KB; a settings file is a few kilobytes of keys; "
                             "fix it or run 'briefing init' for an example\n")
