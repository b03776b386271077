"""The config file: keys as users write them become click's defaults, secrets stay out of argv and
click, `briefing init` writes an example whose every key is a real option."""

from __future__ import annotations

import logging
import os
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import config
from briefing.errors import BadConfig

EXAMPLE_OPTIONS = """\
sources = "news/"
out = "digests"
themes = "my-themes.toml"
templates = "my-templates"
translate = false
sentences = 2

[email]
to = "team@example.org"
from = "briefing@example.org"
smtp-host = "smtp.example.org"
smtp_security = "ssl"
cache = false
smtp_user = "bot"
smtp_password = "hunter2-secret"

[build]
sentences = 4
"""


def _write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "briefing.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_keys_users_write_become_click_parameter_names(tmp_path: Path) -> None:
    from briefing.cli import main

    defaults = config.load_default_map(_write(tmp_path, EXAMPLE_OPTIONS), main.commands)
    email = defaults["email"]
    assert email["sources"] == ["news/"]
    assert email["out_dir"] == "digests"
    assert email["themes_file"] == "my-themes.toml"
    assert email["templates_dir"] == "my-templates"
    assert email["no_translate"] is True and email["no_cache"] is True
    assert email["to"] == ["team@example.org"]
    assert email["sender"] == "briefing@example.org"
    assert email["smtp_host"] == "smtp.example.org"
    assert email["security"] == "ssl"
    assert email["sentences"] == 2
    # a command's own table wins over the top level, and stays with that command
    assert defaults["build"]["sentences"] == 4
    assert "to" not in defaults["build"]
    # the login never enters click's defaults
    assert not {"smtp_user", "smtp_password"} & {k for table in defaults.values() for k in table}


def test_a_yes_no_key_must_be_true_or_false(tmp_path: Path) -> None:
    with pytest.raises(BadConfig, match="cache must be true or false, not 'no'"):
        config.load_default_map(_write(tmp_path, 'cache = "no"\n'), ["build"])


def test_credentials_come_from_the_environment_first(tmp_path: Path) -> None:
    path = _write(tmp_path, EXAMPLE_OPTIONS)
    assert config.credentials(path, {}) == ("bot", "hunter2-secret")
    env = {"BRIEFING_SMTP_USER": "env-bot", "BRIEFING_SMTP_PASSWORD": "env-pass"}
    assert config.credentials(path, env) == ("env-bot", "env-pass")
    assert config.credentials(_write(tmp_path, "out = 'x'\n"), {}) == (None, None)


def test_half_a_login_is_an_error_naming_what_is_missing(tmp_path: Path) -> None:
    path = _write(tmp_path, "[email]\nsmtp_user = 'bot'\n")
    with pytest.raises(BadConfig, match="give BRIEFING_SMTP_PASSWORD in the environment or smtp_password"):
        config.credentials(path, {})


def test_a_password_in_a_file_others_can_read_is_warned_about(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    path = _write(tmp_path, EXAMPLE_OPTIONS, mode=0o644)
    with caplog.at_level(logging.WARNING, logger="briefing"):
        config.credentials(path, {})
    assert "chmod 600" in caplog.text
    assert "hunter2-secret" not in caplog.text
    caplog.clear()
    path.chmod(0o600)
    with caplog.at_level(logging.WARNING, logger="briefing"):
        config.credentials(path, {})
    assert caplog.text == ""


def test_init_writes_an_example_and_keeps_an_existing_file(runner: CliRunner, tmp_path: Path) -> None:
    from briefing.cli import main

    path = tmp_path / "briefing.toml"
    result = runner.invoke(main, ["init", str(path)])
    assert result.exit_code == 0, result.output
    assert f"wrote {path}" in result.output
    assert path.read_text(encoding="utf-8") == config.EXAMPLE
    path.write_text("# mine\n", encoding="utf-8")
    again = runner.invoke(main, ["init", str(path)])
    assert again.exit_code == 1
    assert "already exists" in again.output and "--force" in again.output
    assert path.read_text(encoding="utf-8") == "# mine\n"
    assert runner.invoke(main, ["init", str(path), "--force"]).exit_code == 0
    assert path.read_text(encoding="utf-8") == config.EXAMPLE


def test_init_writes_briefing_toml_in_the_working_folder_by_default(runner: CliRunner, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.cli import main

    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["init"]).exit_code == 0
    assert (tmp_path / "briefing.toml").read_text(encoding="utf-8") == config.EXAMPLE


def test_every_key_of_the_example_is_an_option_of_its_commands() -> None:
    """Commented-out keys too: uncommenting any line of the example must set a real option."""
    from briefing.cli import main

    uncommented = "\n".join(
        line[2:] if line.startswith("# ") and "=" in line.split("#")[1] else line
        for line in config.EXAMPLE.splitlines()
    )
    data = tomllib.loads(uncommented)
    defaults = config.default_map_from(data, Path("example"), main.commands)
    for command in ("build", "email"):
        params = {p.name for p in main.commands[command].params}
        assert set(defaults[command]) <= params, set(defaults[command]) - params
    assert {"smtp_user", "smtp_password"} <= set(data["email"])


def test_a_broken_config_file_is_one_clear_line(runner: CliRunner, tmp_path: Path) -> None:
    from briefing.cli import main

    path = _write(tmp_path, "to = [unclosed\n")
    result = runner.invoke(main, ["--config", str(path), "init", str(tmp_path / "new.toml")])
    assert result.exit_code == 1
    assert f"{path}: not valid TOML" in result.output and "briefing init" in result.output
    assert "Traceback" not in result.output
    assert not os.path.exists(tmp_path / "new.toml")


def _params_of_every_command() -> dict[str, list[str]]:
    from briefing.cli import main

    return {name: [p.name or "" for p in command.params] for name, command in main.commands.items()}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[email]\nsmtp_hots = "mail.example.org"\n', "[email] smtp_hots: no such option"),
        ("sentnces = 2\n", "sentnces: no such option"),
        ('[emial]\nto = ["a@example.org"]\n', "[emial] is not a command"),
        ('[build]\nto = ["a@example.org"]\n', "[build] to: no such option"),
    ],
)
def test_a_key_no_command_has_is_an_error_not_a_silent_default(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(BadConfig, match=re.escape(message)):
        config.check_keys(_write(tmp_path, text), _params_of_every_command())


def test_the_example_and_the_documented_keys_pass_the_check(tmp_path: Path) -> None:
    config.check_keys(_write(tmp_path, config.EXAMPLE), _params_of_every_command())
    config.check_keys(_write(tmp_path, EXAMPLE_OPTIONS), _params_of_every_command())


def test_email_stops_on_a_config_typo_before_building(runner: CliRunner, tmp_path: Path) -> None:
    from briefing.cli import main

    path = _write(tmp_path, '[email]\nto = ["team@example.org"]\nsmtp_hots = "mail.example.org"\n')
    result = runner.invoke(main, ["--config", str(path), "email", "--out", str(tmp_path / "out"), "--dry-run"])
    assert result.exit_code == 1
    assert "smtp_hots: no such option" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("command", "text", "message"),
    [
        (["build"], '[build]\nsentnces = 2\n', "[build] sentnces: no such option"),
        (["ingest"], 'sourcs = ["news/"]\n', "sourcs: no such option"),
        (["summarize"], "[summarize]\nsentence = 3\n", "[summarize] sentence: no such option"),
        (["models", "list"], "outt = 'x'\n", "outt: no such option"),
    ],
)
def test_every_command_stops_on_a_config_typo(runner: CliRunner, tmp_path: Path, command: list[str], text: str,
                                              message: str) -> None:
    from briefing.cli import main

    path = _write(tmp_path, text)
    result = runner.invoke(main, ["--config", str(path), *command], input="")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {path}: {message}; see 'briefing init' for an example of every key"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources = 5\n", "the value 5 for sources is wrong: Value must be an iterable"),
        ('sentences = "many"\n', "the value 'many' for --sentences is wrong: 'many' is not a valid integer range"),
        # a TOML time, number or boolean where a date goes was a TypeError traceback from strptime
        ("today = 10:00:00\n",
         "the value 10:00:00 for --today is wrong: 10:00:00 is not a date; write it as YYYY-MM-DD"),
        ("today = true\n", "the value true for --today is wrong: true is not a date"),
        ("today = 0001-01-01\n", "the value 0001-01-01 for --today is wrong: 0001-01-01 is out of range: give a "
                                 "date from year 2 to 9998"),
        ("max_size = nan\n", "the value nan for --max-size is wrong: nan is not a finite number"),
        ("max_size = true\n", "the value true for --max-size is wrong: true is not a number"),  # was 1 MB
        ("max_size = 2025-01-01\n", "the value 2025-01-01 for --max-size is wrong: not a number"),  # was a TypeError
        # each was converted without a word: 3, "['a', 'b']", true
        ("sentences = 3.5\n", "the value 3.5 for --sentences is wrong: 3.5 is not a whole number"),
        ('title = ["a", "b"]\n', 'the value ["a", "b"] for --title is wrong: ["a", "b"] is not text'),
        ('[build]\nbilingual = "no"\n', "the value 'no' for --bilingual is wrong: 'no' is not true or false"),
    ],
)
def test_a_config_value_of_the_wrong_kind_names_the_file(runner: CliRunner, tmp_path: Path, text: str,
                                                         message: str) -> None:
    from briefing.cli import main

    path = _write(tmp_path, text)
    result = runner.invoke(main, ["--config", str(path), "build", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {path}: {message}; see 'briefing init' for an example of every key"]
    assert not (tmp_path / "out").exists()


_LONG = "a" * 5_000


@pytest.mark.parametrize(
    "text",
    [
        f'engine = "{_LONG}"\n', f'week = "{_LONG}"\n', f'today = "{_LONG}"\n', f'max_size = "{_LONG}"\n',
        f"{_LONG} = 1\n", f"[{_LONG}]\nx = 1\n", f'cache = "{_LONG}"\n',
        "".join(f"key{i} = 1\n" for i in range(10_000)),
    ],
    ids=["engine", "week", "today", "max_size", "key", "table", "yes-no", "10000-keys"],
)
def test_a_long_config_value_or_key_is_shown_cut_in_its_error(runner: CliRunner, tmp_path: Path, text: str) -> None:
    """Each was shown whole: a 5,000-character value made a 10,000-character error line."""
    from briefing.cli import main

    path = _write(tmp_path, text)
    result = runner.invoke(main, ["--config", str(path), "build", "--out", str(tmp_path / "out")])
    assert result.exit_code in (1, 2)
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"Error: {path}: ") or line.startswith("Error: --week")
    assert len(line) < 400
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("text", "keys"), [("max_size = 2\nmax_mb = 50\n", "max_size and max_mb"),
                                            ("[build]\nout = 'a'\nout-dir = 'b'\n", "out and out-dir")])
def test_one_option_set_twice_under_two_spellings_is_refused(runner: CliRunner, tmp_path: Path, text: str,
                                                             keys: str) -> None:
    """The last spelling won without a word (max_size = 2 then max_mb = 50 read 50 MB)."""
    from briefing.cli import main

    path = _write(tmp_path, text)
    result = runner.invoke(main, ["--config", str(path), "build", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output == f"Error: {path}: {keys} set the same option; keep one\n"


def test_a_toml_date_is_a_date(runner: CliRunner, tmp_path: Path, seeds_dir: Path) -> None:
    from briefing.cli import main

    path = _write(tmp_path, "[build]\ntoday = 2025-10-06\nweek = \"last\"\n")
    result = runner.invoke(main, ["--config", str(path), "build", str(seeds_dir), "--no-translate",
                                  "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert [file.name for file in sorted((tmp_path / "out").glob("*.json"))] == ["briefing-2025-W40.json"]


def test_every_command_of_the_cli_can_have_its_table(tmp_path: Path) -> None:
    """The tables come from the CLI's commands, so a new command (like `stories`) needs no list in config.py."""
    for name, params in _params_of_every_command().items():
        options = [p for p in params if p not in ("input_file", "sources", "source_lang", "path")]
        if options:
            config.check_keys(_write(tmp_path, f"[{name}]\n{options[0]} = 1\n"), _params_of_every_command())


def test_a_stories_table_sets_the_stories_command(runner: CliRunner, tmp_path: Path) -> None:
    from briefing.cli import main

    path = _write(tmp_path, "[stories]\nsentences = 2\nno_translate = true\n")
    result = runner.invoke(main, ["--config", str(path), "stories"], input="")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    typo = runner.invoke(main, ["--config", str(_write(tmp_path, "[stories]\nsentenses = 2\n")), "stories"], input="")
    assert typo.exit_code == 1
    assert typo.output.strip().splitlines() == [
        f"Error: {path}: [stories] sentenses: no such option; see 'briefing init' for an example of every key"]


def test_cache_path_in_the_config_puts_the_caches_there(runner: CliRunner, tmp_path: Path, seeds_dir: Path) -> None:
    from briefing.cli import main

    cache = tmp_path / "caches" / "translations.sqlite"
    path = _write(tmp_path, f'cache_path = "{cache}"\ntranslate = false\n')
    result = runner.invoke(main, ["--config", str(path), "build", str(seeds_dir), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert {"embeddings.sqlite", "sources.sqlite"} <= {p.name for p in cache.parent.iterdir()}
