"""Sending over SMTP: STARTTLS and implicit TLS with a login, refusals, dropped connections and unanswered
messages, each leaving the ledger true."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from briefing import deliver
from briefing.deliver.settings import LEDGER_FILE
from briefing.errors import ConnectionLost, DeliveryError, DeliveryUncertain, LoginRefused, RecipientRefused
from briefing.options import MailOptions
from tests.deliver.conftest import PASSWORD, SENDER, TEAM, USER, ledger_of, mail_for, write_digest


def test_starttls_with_login_sends_once_and_records_it(tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server("starttls")
    digest = write_digest(tmp_path)
    mail = mail_for(server, recipients=(TEAM, "Ops@Example.org"))
    result = deliver.send_digest(digest, mail)
    assert result.status == "sent"
    assert server.handler.logins == [USER]
    (envelope,) = server.handler.envelopes
    assert sorted(envelope.rcpt_tos) == ["Ops@Example.org", TEAM]
    (entry,) = ledger_of(tmp_path)
    assert entry["digest"] == digest.content_hash
    assert entry["recipients"] == ["ops@example.org", TEAM]
    assert entry["articles"] == ["a1", "a2"]
    assert entry["period"] == "2025-W40"
    assert entry["message_id"] == server.handler.messages()[0]["Message-ID"]
    # the same digest to the same people: nothing sent, and it says so
    again = deliver.send_digest(digest, mail)
    assert again.status == "already-sent"
    assert "already sent" in again.message and "--force" in again.message
    assert len(server.handler.envelopes) == 1
    # --force sends again and records it again
    assert deliver.send_digest(digest, dataclasses.replace(mail, force=True)).status == "sent"
    assert len(server.handler.envelopes) == 2
    assert len(ledger_of(tmp_path)) == 2
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(f".{LEDGER_FILE}.")]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls_with_login(tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server("ssl")
    assert deliver.send_digest(write_digest(tmp_path), mail_for(server)).status == "sent"
    assert server.handler.logins == [USER]
    assert len(ledger_of(tmp_path)) == 1


def test_refused_recipient_sends_to_nobody_and_records_nothing(tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server()
    server.handler.refuse = {"gone@example.org"}
    digest = write_digest(tmp_path)
    mail = mail_for(server, recipients=(TEAM, "gone@example.org"))
    with pytest.raises(RecipientRefused, match=r"refused gone@example.org \(550 5.1.1 mailbox unavailable\)"):
        deliver.send_digest(digest, mail)
    assert server.handler.envelopes == []
    assert ledger_of(tmp_path) == []
    # the fixed run sends exactly once
    assert deliver.send_digest(digest, dataclasses.replace(mail, recipients=(TEAM,))).status == "sent"
    assert len(server.handler.envelopes) == 1


def test_refused_login_records_nothing_and_never_shows_the_password(tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server("starttls")
    mail = mail_for(server, password="wrong-" + PASSWORD)
    with pytest.raises(LoginRefused, match="refused the login of 'digest-bot' \\(535") as caught:
        deliver.send_digest(write_digest(tmp_path), mail)
    assert PASSWORD not in str(caught.value) and PASSWORD not in repr(mail)
    assert "BRIEFING_SMTP_PASSWORD" in str(caught.value)
    assert server.handler.envelopes == []
    assert ledger_of(tmp_path) == []


def test_dropped_connection_records_nothing_and_a_retry_sends_once(tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server()
    server.handler.drop = True
    digest = write_digest(tmp_path)
    with pytest.raises(ConnectionLost, match="closed the connection before accepting"):
        deliver.send_digest(digest, mail_for(server))
    assert ledger_of(tmp_path) == []
    server.handler.drop = False
    assert deliver.send_digest(digest, mail_for(server)).status == "sent"
    assert len(server.handler.envelopes) == 1
    assert len(ledger_of(tmp_path)) == 1


@pytest.mark.parametrize("reply", ["554 5.7.1 message rejected as spam", "451 4.3.0 try again later"])
def test_a_message_refused_after_its_body_is_not_marked_sent_and_a_retry_sends_once(
        tmp_path: Path, smtp_server: Any, reply: str) -> None:
    server = smtp_server()
    server.handler.data_reply = reply
    digest = write_digest(tmp_path)
    expected = re.escape(f"refused the message: {reply}; it is not marked sent")
    with pytest.raises(DeliveryError, match=expected) as caught:
        deliver.send_digest(digest, mail_for(server))
    assert ("try again later" in str(caught.value)) == reply.startswith("4")
    assert server.handler.envelopes == []
    assert ledger_of(tmp_path) == []
    server.handler.data_reply = None
    assert deliver.send_digest(digest, mail_for(server)).status == "sent"
    assert len(server.handler.envelopes) == 1
    assert [e["status"] for e in ledger_of(tmp_path)] == ["sent"]


@pytest.mark.parametrize("fault", ["store_then_drop", "answer_late"])
def test_an_unanswered_message_is_uncertain_and_the_rerun_asks_before_sending_again(
        tmp_path: Path, smtp_server: Any, fault: str) -> None:
    server = smtp_server()
    if fault == "store_then_drop":
        server.handler.store_then_drop = True
    else:
        server.handler.answer_after_s = 1.5
    digest = write_digest(tmp_path)
    mail = mail_for(server, timeout_s=0.5)
    with pytest.raises(DeliveryUncertain, match=r"received the whole message, then gave no answer .*"
                       r"whether it was delivered is uncertain; recorded as uncertain in "):
        deliver.send_digest(digest, mail)
    assert len(server.handler.envelopes) == 1  # the server did keep it
    (entry,) = ledger_of(tmp_path)
    assert entry["status"] == "uncertain"
    # the same command again sends no second copy; it stops and says what to do
    server.handler.store_then_drop, server.handler.answer_after_s = False, 0.0
    with pytest.raises(DeliveryUncertain, match=r"may already have reached team@example.org.*nothing sent.*--force"):
        deliver.send_digest(digest, mail)
    assert len(server.handler.envelopes) == 1
    # the user's explicit choice: --force sends it again, and the sure record then wins
    assert deliver.send_digest(digest, dataclasses.replace(mail, force=True)).status == "sent"
    assert len(server.handler.envelopes) == 2
    assert [e["status"] for e in ledger_of(tmp_path)] == ["uncertain", "sent"]
    assert deliver.send_digest(digest, mail).status == "already-sent"


@pytest.mark.parametrize("reply", ["2x0 queued", "99 queued"])
def test_a_garbled_answer_to_a_whole_message_is_uncertain_not_a_refusal(tmp_path: Path, smtp_server: Any,
                                                                        reply: str) -> None:
    """It was taken for a refusal ("-1 queued: fix what it says"), so each rerun sent one more copy."""
    server = smtp_server()
    server.handler.garbled_reply = reply
    digest = write_digest(tmp_path)
    mail = mail_for(server)
    with pytest.raises(DeliveryUncertain, match=r"answered something that is no SMTP reply \("):
        deliver.send_digest(digest, mail)
    assert [e["status"] for e in ledger_of(tmp_path)] == ["uncertain"]
    with pytest.raises(DeliveryUncertain, match=r"may already have reached"):
        deliver.send_digest(digest, mail)
    assert len(server.handler.envelopes) == 1


def test_a_temporary_recipient_refusal_says_to_run_again_not_to_remove_the_address(
        tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server()
    server.handler.refuse, server.handler.refuse_reply = {TEAM}, "450 4.2.1 mailbox busy"
    with pytest.raises(RecipientRefused, match=r"450 4.2.1 mailbox busy.*temporary: run the same command again later"
                       ) as caught:
        deliver.send_digest(write_digest(tmp_path), mail_for(server))
    assert "remove" not in str(caught.value)
    assert ledger_of(tmp_path) == []


def test_no_server_listening(tmp_path: Path) -> None:
    port = _free_port()
    mail = MailOptions(recipients=(TEAM,), sender=SENDER, smtp_host="127.0.0.1", smtp_port=port, security="plain")
    with pytest.raises(ConnectionLost, match=f"cannot reach 127.0.0.1:{port} .*check --smtp-host"):
        deliver.send_digest(write_digest(tmp_path), mail)
    assert ledger_of(tmp_path) == []


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_untrusted_certificate_is_refused(tmp_path: Path, smtp_server: Any, monkeypatch: pytest.MonkeyPatch,
                                          certificate: tuple[Path, Path]) -> None:
    server = smtp_server("starttls")
    empty_ca = tmp_path / "no-ca.pem"
    empty_ca.write_text("", encoding="utf-8")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty_ca))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    with pytest.raises(ConnectionLost, match="certificate cannot be trusted"):
        deliver.send_digest(write_digest(tmp_path / "out"), mail_for(server))
    assert server.handler.logins == []  # the password never went to an unverified server
    assert ledger_of(tmp_path / "out") == []


def test_password_over_plain_smtp_is_refused_before_connecting(tmp_path: Path) -> None:
    mail = MailOptions(recipients=(TEAM,), sender=SENDER, security="plain", username=USER, password=PASSWORD,
                       smtp_port=_free_port())
    with pytest.raises(DeliveryError, match="refusing to send the SMTP password unencrypted"):
        deliver.send_digest(write_digest(tmp_path), mail)
