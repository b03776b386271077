"""The README stays true: CI runs exactly its test command, and it documents every command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _setup_commands() -> list[str]:
    return re.findall(r"```sh\n(apt-get update .*?)\n```", README)


def test_readme_has_the_two_setup_commands() -> None:
    commands = _setup_commands()
    assert len(commands) == 2
    assert commands[0].endswith("briefing build seeds/")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _setup_commands()[1] in ci_lines


def test_both_setup_commands_install_the_same_system_packages() -> None:
    first, second = (c.split(" && pip ")[0] for c in _setup_commands())
    assert first == second


def test_the_when_things_go_wrong_table_names_every_rule_learned_from_the_attacks() -> None:
    table = README.split("### When things go wrong", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| fault")]
    for rule in ("publisher, summary, theme name", "one 200 KB \"sentence\"", "bigger than the email's budget",
                 "language code that is none", "`--lang`", "no ISO week", "nested deeper than 64 levels",
                 "the same id", "`--group-by`", "copied anywhere among the sources"):
        assert any(rule in row for row in rows), f"no row for {rule!r}"
