"""Stage 7 as a whole: a dry run, and `briefing email seeds/` end to end against a real SMTP server."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from briefing import deliver
from tests.deliver.conftest import PASSWORD, SENDER, TEAM, USER, Server, ledger_of, mail_for, parse, write_digest


def test_dry_run_writes_an_eml_and_sends_nothing(tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server()
    digest = write_digest(tmp_path)
    result = deliver.send_digest(digest, mail_for(server, dry_run=True, attach_pdf=True))
    assert result.status == "dry-run"
    assert result.eml == tmp_path / "briefing-2025-W40.eml"
    parsed = parse(result.eml.read_bytes())
    assert [p.get_content_type() for p in parsed.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf"]
    assert server.handler.envelopes == []
    assert ledger_of(tmp_path) == []


# --- end to end: `briefing email seeds/` ------------------------------------------------------


@pytest.fixture
def cli() -> Any:
    """The `briefing` command, once every stage of the build exists."""
    try:
        from briefing import pipeline  # noqa: F401  (imports every stage)
    except ImportError as exc:
        pytest.skip(f"'briefing build' is not available yet ({exc}): the end-to-end email tests need it")
    from briefing.cli import main

    return main


def email_args(seeds_dir: Path, out: Path, server: Server, *extra: str) -> list[str]:
    """`briefing email seeds/` without translation, for the week of the one 2025-W40 seed article."""
    return ["email", str(seeds_dir), "--no-translate", "--out", str(out), "--today", "2026-11-22",
            "--to", TEAM, "--from", SENDER, "--smtp-host", "127.0.0.1", "--smtp-port", str(server.port),
            f"--{server.security}", *extra]


@pytest.mark.slow
def test_email_seeds_sends_once_with_the_pdf(cli: Any, runner: CliRunner, seeds_dir: Path, tmp_path: Path,
                                             smtp_server: Any) -> None:
    server = smtp_server()
    args = email_args(seeds_dir, tmp_path, server, "--week", "2025-W40", "--attach-pdf")
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "sent the Week 40, 2025" in result.output and f"to {TEAM}" in result.output
    (message,) = server.handler.messages()
    assert [p.get_content_type() for p in message.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf"]
    data = json.loads((tmp_path / "briefing-2025-W40.json").read_text(encoding="utf-8"))
    (article,) = data["articles"]
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert " ".join(article["title_en"].split()[:4]) in " ".join(text.split())
    (entry,) = ledger_of(tmp_path)
    assert entry["articles"] == [article["id"]] and entry["recipients"] == [TEAM]
    # the same command again: nothing sent, exit 0, and it says why
    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert re.search(r"already sent|already mailed", again.output), again.output
    assert len(server.handler.envelopes) == 1
    forced = runner.invoke(cli, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert len(server.handler.envelopes) == 2
    assert len(ledger_of(tmp_path)) == 2


@pytest.mark.slow
def test_email_refused_with_554_after_the_body_exits_1_and_the_next_run_delivers_once(
        cli: Any, runner: CliRunner, seeds_dir: Path, tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server()
    server.handler.data_reply = "554 5.6.0 content rejected"
    args = email_args(seeds_dir, tmp_path, server, "--week", "2025-W40")
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 1, refused.output
    assert "refused the message: 554 5.6.0 content rejected; it is not marked sent" in refused.output
    assert "recorded" not in refused.output and "Traceback" not in refused.output
    assert server.handler.envelopes == [] and ledger_of(tmp_path) == []
    server.handler.data_reply = None
    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert len(server.handler.envelopes) == 1
    (entry,) = ledger_of(tmp_path)
    assert len(entry["articles"]) == 1  # the refused digest's article was not left out
    assert runner.invoke(cli, args).exit_code == 0
    assert len(server.handler.envelopes) == 1


@pytest.mark.slow
def test_email_over_starttls_with_the_login_from_the_environment(cli: Any, runner: CliRunner, seeds_dir: Path,
                                                                 tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server("starttls")
    env = {"BRIEFING_SMTP_USER": USER, "BRIEFING_SMTP_PASSWORD": PASSWORD}
    result = runner.invoke(cli, email_args(seeds_dir, tmp_path, server, "--week", "2025-W40"), env=env)
    assert result.exit_code == 0, result.output
    assert server.handler.logins == [USER]
    assert len(server.handler.envelopes) == 1
    assert PASSWORD not in result.output
    wrong = runner.invoke(cli, [*email_args(seeds_dir, tmp_path, server, "--week", "2025-W40"), "--force"],
                          env={**env, "BRIEFING_SMTP_PASSWORD": "not-" + PASSWORD})
    assert wrong.exit_code == 1
    assert "refused the login of 'digest-bot'" in wrong.output and "Traceback" not in wrong.output
    assert PASSWORD not in wrong.output
    assert len(ledger_of(tmp_path)) == 1


@pytest.mark.slow
def test_a_week_without_articles_sends_nothing_and_exits_0(cli: Any, runner: CliRunner, seeds_dir: Path,
                                                          tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server()
    result = runner.invoke(cli, email_args(seeds_dir, tmp_path, server, "--week", "last"))
    assert result.exit_code == 0, result.output
    assert "no articles dated in 2026-W46" in result.output and "no email sent" in result.output
    assert server.handler.envelopes == []
    assert ledger_of(tmp_path) == []


@pytest.mark.slow
def test_dry_run_and_config_file(cli: Any, runner: CliRunner, seeds_dir: Path, tmp_path: Path,
                                 smtp_server: Any) -> None:
    server = smtp_server()
    out = tmp_path / "digests"
    toml = tmp_path / "briefing.toml"
    toml.write_text(
        f'sources = ["{seeds_dir}"]\nout = "{out}"\ntranslate = false\nweek = "2025-W40"\n'
        f'[email]\nto = ["{TEAM}"]\nfrom = "{SENDER}"\nsmtp_host = "127.0.0.1"\nsmtp_port = {server.port}\n'
        'smtp_security = "plain"\n', encoding="utf-8")
    dry = runner.invoke(cli, ["--config", str(toml), "email", "--today", "2026-11-22", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"dry run: wrote {out / 'briefing-2025-W40.eml'}; nothing sent" in dry.output
    parsed = parse((out / "briefing-2025-W40.eml").read_bytes())
    assert parsed["To"] == TEAM and parsed["From"] == SENDER
    assert server.handler.envelopes == [] and ledger_of(out) == []
    # the command line wins over the file
    sent = runner.invoke(cli, ["--config", str(toml), "email", "--today", "2026-11-22", "--to", "boss@example.org"])
    assert sent.exit_code == 0, sent.output
    assert [e.rcpt_tos for e in server.handler.envelopes] == [["boss@example.org"]]
    assert "reusing" in sent.output  # the same inputs as the dry run: nothing rebuilt


@pytest.mark.slow
def test_articles_mailed_in_an_earlier_digest_are_not_repeated(cli: Any, runner: CliRunner, seeds_dir: Path,
                                                               tmp_path: Path, smtp_server: Any) -> None:
    import inspect

    from briefing import pipeline

    if "exclude_ids" not in inspect.getsource(pipeline):
        pytest.skip("pipeline.build does not apply BuildOptions.exclude_ids yet (the lead wires it)")
    server = smtp_server()
    everything = runner.invoke(cli, email_args(seeds_dir, tmp_path, server))
    assert everything.exit_code == 0, everything.output
    (entry,) = ledger_of(tmp_path)
    assert len(entry["articles"]) == 5
    week = runner.invoke(cli, email_args(seeds_dir, tmp_path, server, "--week", "2025-W40"))
    assert week.exit_code == 0, week.output
    assert "already mailed" in week.output and "no email sent" in week.output
    assert len(server.handler.envelopes) == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--to", "nobody"], "--to 'nobody': not one email address"),
        (["--to", "a@example.org\nBcc: b@example.org"], "line breaks and control characters are not allowed"),
        (["--from", "x"], "--from 'x': not one email address"),
    ],
)
def test_address_mistakes_stop_before_the_build(cli: Any, runner: CliRunner, seeds_dir: Path, tmp_path: Path,
                                                smtp_server: Any, extra: list[str], message: str) -> None:
    server = smtp_server()
    result = runner.invoke(cli, [*email_args(seeds_dir, tmp_path, server), *extra])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert not list(tmp_path.glob("briefing-*"))  # nothing was built


@pytest.mark.parametrize(
    ("extra", "env", "message"),
    [
        (["--smtp-host", "smtp..example.org"], {}, "--smtp-host 'smtp..example.org' is not a host name"),
        (["--smtp-host", "a" * 70 + ".example.org"], {}, "is not a host name"),
        (["--smtp-host", ""], {}, "no SMTP server: give --smtp-host"),
        ([], {"BRIEFING_SMTP_USER": USER, "BRIEFING_SMTP_PASSWORD": "pässwort"},
         "the SMTP password has characters outside ASCII, which SMTP logins cannot send: check "
         "BRIEFING_SMTP_PASSWORD or smtp_password"),
    ],
    ids=["empty-label", "long-label", "empty", "non-ascii-password"],
)
def test_server_mistakes_stop_before_the_build(cli: Any, runner: CliRunner, seeds_dir: Path, tmp_path: Path,
                                               smtp_server: Any, extra: list[str], env: dict[str, str],
                                               message: str) -> None:
    """Each was a traceback (UnicodeError from IDNA, UnicodeEncodeError from smtplib's login) or, for an empty
    host, "closed the connection ... run the same command again", after the whole build."""
    server = smtp_server("starttls")
    result = runner.invoke(cli, [*email_args(seeds_dir, tmp_path, server), *extra], env=env)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert "pässwort" not in result.output
    assert not list(tmp_path.glob("briefing-*"))  # nothing was built


def test_a_dry_run_needs_no_smtp_server(cli: Any, runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["email", str(seeds_dir), "--out", str(tmp_path), "--no-translate", "--to", TEAM,
                                 "--from", SENDER, "--smtp-host", "", "--dry-run"],
                           env={"BRIEFING_SMTP_USER": USER, "BRIEFING_SMTP_PASSWORD": "pässwort"})
    assert result.exit_code == 0, result.output
    assert "dry run: wrote" in result.output and "pässwort" not in result.output


def test_no_recipient_is_a_usage_mistake(cli: Any, runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["email", str(seeds_dir), "--out", str(tmp_path), "--from", SENDER])
    assert result.exit_code == 1
    assert "no recipient: give --to ADDR" in result.output
