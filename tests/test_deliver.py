"""Mailing the digest: a real aiosmtpd server on 127.0.0.1 (plain, STARTTLS, implicit TLS, AUTH with a
certificate made by openssl at test time), real digest files, the ledger read back after every outcome."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import email
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from briefing import deliver
from briefing.errors import (
    BadAddress,
    BadLedger,
    ConnectionLost,
    DeliveryError,
    DeliveryUncertain,
    LoginRefused,
    RecipientRefused,
)
from briefing.records import Outputs
from briefing.settings import LEDGER_FILE, BuildOptions, MailOptions

USER, PASSWORD = "digest-bot", "s3cret-Pa55"
TEAM = "team@example.org"
SENDER = "briefing@example.org"


# --- a real SMTP server -----------------------------------------------------------------


class Recorder:
    """aiosmtpd handler: keeps accepted envelopes; can refuse recipients or the message, drop the connection
    before or after the message, or answer late."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.refuse: set[str] = set()
        self.refuse_reply = "550 5.1.1 mailbox unavailable"
        self.drop = False
        self.data_reply: str | None = None  # e.g. "554 ...": refuse the message after its body
        self.store_then_drop = False  # keep the message, then drop the connection without answering
        self.answer_after_s = 0.0  # keep the message, then answer this late
        self.logins: list[str] = []

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return self.refuse_reply
        if self.drop:
            assert isinstance(server.transport, asyncio.Transport)
            server.transport.abort()  # the connection dies before the message goes out
            return "421 gone"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_reply:
            return self.data_reply
        if self.store_then_drop:
            self.envelopes.append(envelope)
            assert isinstance(server.transport, asyncio.Transport)
            server.transport.abort()  # the connection dies before the server says it accepted
            return "421 gone"
        self.envelopes.append(envelope)
        await asyncio.sleep(self.answer_after_s)
        return "250 2.0.0 queued"

    def messages(self) -> list[EmailMessage]:
        """Every accepted message, parsed as a receiving client would."""
        out = []
        for envelope in self.envelopes:
            raw = envelope.original_content or envelope.content
            assert isinstance(raw, bytes)
            out.append(parse(raw))
        return out

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                     auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            USER.encode(), PASSWORD.encode())
        if ok:
            self.logins.append(USER)
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


class EphemeralController(Controller):
    """A Controller on a free port the OS picks (no fixed port to collide with other test runs)."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made now with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.fail("the openssl command is needed to make the test certificate: apt-get install openssl")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


@dataclasses.dataclass
class Server:
    """A running test server and how to reach it."""

    handler: Recorder
    port: int
    security: str


@pytest.fixture
def smtp_server(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Start servers: plain, "starttls" (STARTTLS and AUTH required) or "ssl" (implicit TLS and AUTH).

    The client trusts the test certificate through SSL_CERT_FILE, as a user with a private CA would.
    """
    import ssl

    started: list[Controller] = []
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))

    def start(security: str = "plain") -> Server:
        handler = Recorder()
        kwargs: dict[str, Any] = {}
        if security != "plain":
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*certificate)
            kwargs = {"authenticator": handler.authenticate, "auth_required": True}
            if security == "starttls":
                kwargs |= {"tls_context": context, "require_starttls": True}
            else:  # aiosmtpd only counts STARTTLS as TLS for AUTH; here the whole connection is TLS
                kwargs |= {"ssl_context": context, "auth_require_tls": False}
        controller = EphemeralController(handler, hostname="127.0.0.1", port=0, **kwargs)
        controller.start()
        started.append(controller)
        return Server(handler, controller.port, security)

    yield start
    for controller in started:
        controller.stop()


def mail_for(server: Server, **overrides: Any) -> MailOptions:
    """MailOptions that reach `server` (with the right login when it wants one)."""
    login = {"username": USER, "password": PASSWORD} if server.security != "plain" else {}
    fields: dict[str, Any] = {"recipients": (TEAM,), "sender": SENDER, "smtp_host": "127.0.0.1",
                              "smtp_port": server.port, "security": server.security, **login}
    fields.update(overrides)
    return MailOptions(**fields)


# --- small digest files -----------------------------------------------------------------


def write_digest(folder: Path, *, title: str = "Weekly briefing", label: str = "2025-W40",
                 ids: tuple[str, ...] = ("a1", "a2")) -> deliver.Digest:
    """The four files a build writes, small, with a real one-page PDF."""
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / f"briefing-{label}"
    outputs = Outputs(pdf=base.with_suffix(".pdf"), html=base.with_suffix(".html"),
                      txt=base.with_suffix(".txt"), json=base.with_suffix(".json"))
    articles = [{"id": i, "title_en": f"Story {i}: Hanoi opens an AI centre", "summary_en": "Résumé traduit.",
                 "theme": "Technology", "url": f"https://example.org/{i}"} for i in ids]
    period = {"start": "2025-09-29", "end": "2025-10-05", "week": label}
    outputs.json.write_text(json.dumps({"title": title, "period": period, "articles": articles}), encoding="utf-8")
    outputs.txt.write_text("\n".join(a["title_en"] for a in articles) + "\nCafé — à la une\n", encoding="utf-8")
    outputs.html.write_text("<html><body><h1>Weekly briefing</h1><p>Café — à la une</p></body></html>",
                            encoding="utf-8")
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with outputs.pdf.open("wb") as fh:
        writer.write(fh)
    return deliver.load_digest(outputs, title="unused")


def parse(raw: bytes) -> EmailMessage:
    """`raw` read back as a receiving mail client would."""
    return cast(EmailMessage, email.message_from_bytes(raw, policy=policy.default))


def ledger_of(folder: Path) -> list[dict[str, Any]]:
    """The ledger's entries, or [] when there is no ledger file."""
    path = folder / LEDGER_FILE
    return json.loads(path.read_text(encoding="utf-8"))["sent"] if path.exists() else []


def _bodies(message: EmailMessage) -> list[tuple[str, str]]:
    return [(part.get_content_type(), part.get_content()) for part in message.walk() if not part.is_multipart()]


# --- composing --------------------------------------------------------------------------


def test_message_is_text_then_html_with_subject_from_title_and_period(tmp_path: Path) -> None:
    digest = write_digest(tmp_path)
    message = deliver.compose(digest, sender=deliver.parse_address(SENDER, "--from"),
                              recipients=deliver.parse_recipients([TEAM, "Ops Team <ops@example.org>"]))
    parsed = parse(message.as_bytes())
    assert parsed.get_content_type() == "multipart/alternative"
    parts = _bodies(parsed)
    assert [kind for kind, _ in parts] == ["text/plain", "text/html"]
    assert parts[0][1].replace("\r\n", "\n") == digest.outputs.txt.read_text(encoding="utf-8")
    assert "<h1>Weekly briefing</h1>" in parts[1][1]
    # the title, then the period as the PDF cover writes it
    assert parsed["Subject"].startswith("Weekly briefing — Week 40, 2025 · 29 September")
    assert parsed["Subject"].endswith("5 October 2025")
    assert parsed["To"].addresses[1].display_name == "Ops Team"
    assert parsed["From"] == SENDER
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Message-ID"].endswith("@example.org>")
    # every line of the raw message is 7-bit and within SMTP's limit
    raw = message.as_bytes()
    assert raw.isascii() and max(len(line) for line in raw.split(b"\r\n")) <= 78


def test_attach_pdf_adds_the_pdf_after_the_alternative_part(tmp_path: Path) -> None:
    digest = write_digest(tmp_path)
    message = deliver.compose(digest, sender=deliver.parse_address(SENDER, "--from"),
                              recipients=deliver.parse_recipients([TEAM]), attach_pdf=True)
    parsed = parse(message.as_bytes())
    assert parsed.get_content_type() == "multipart/mixed"
    first, attachment = parsed.iter_parts()
    assert [p.get_content_type() for p in first.iter_parts()] == ["text/plain", "text/html"]
    assert attachment.get_filename() == "briefing-2025-W40.pdf"
    data = attachment.get_content()
    assert data == digest.outputs.pdf.read_bytes()
    pdf = tmp_path / "back.pdf"
    pdf.write_bytes(data)
    assert len(PdfReader(pdf).pages) == 1


def test_same_articles_give_the_same_hash_whatever_the_render_time(tmp_path: Path) -> None:
    first = write_digest(tmp_path / "a")
    again = write_digest(tmp_path / "b")
    other = write_digest(tmp_path / "c", ids=("a1", "a3"))
    assert first.content_hash == again.content_hash != other.content_hash
    assert first.article_ids == ("a1", "a2")


def _b64_word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


INJECTIONS = [
    "Digest\r\nBcc: evil@attacker.example",
    "Digest\nBcc: evil@attacker.example",
    "Digest\u2028Bcc: evil@attacker.example",
    "=?utf-8?q?Digest=0D=0ABcc:_evil@attacker.example?=",  # an encoded word hiding CR LF
    "Weekly " + _b64_word("Digest\r\nBcc: evil@attacker.example"),
    _b64_word(_b64_word("Digest\r\nBcc: evil@attacker.example")),  # encoded twice over
]


@pytest.mark.parametrize("title", INJECTIONS)
def test_a_title_can_never_add_a_header(tmp_path: Path, smtp_server: Any, title: str) -> None:
    server = smtp_server()
    digest = write_digest(tmp_path, title=title)
    result = deliver.send_digest(digest, mail_for(server))
    assert result.status == "sent"
    (envelope,) = server.handler.envelopes
    assert envelope.rcpt_tos == [TEAM]
    (received,) = server.handler.messages()
    assert received["Bcc"] is None
    assert {name.lower() for name in received} <= deliver.HEADERS
    assert "\n" not in received["Subject"] and "\r" not in received["Subject"]
    assert "Bcc: evil@attacker.example" in received["Subject"]  # kept as words of the subject
    raw = envelope.original_content
    assert b"\nBcc:" not in raw and b"\nbcc:" not in raw.lower()


@pytest.mark.parametrize("subject", INJECTIONS[:4])
def test_a_given_subject_can_never_add_a_header_either(tmp_path: Path, subject: str) -> None:
    message = deliver.compose(write_digest(tmp_path), sender=deliver.parse_address(SENDER, "--from"),
                              recipients=deliver.parse_recipients([TEAM]), subject=subject)
    parsed = parse(message.as_bytes())
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Digest Bcc: evil@attacker.example"


def test_a_display_name_hiding_a_newline_is_refused() -> None:
    with pytest.raises(BadAddress, match="not one email address"):
        deliver.parse_address("=?utf-8?q?Team=0D=0ABcc:_x@evil.example?= <team@example.org>", "--to")
    plain = deliver.parse_address("=?utf-8?q?=C3=89quipe_Asie?= <team@example.org>", "--to")
    assert (plain.display_name, plain.addr_spec) == ("Équipe Asie", "team@example.org")


@pytest.mark.parametrize("value", ["team@example.org\r\nBcc: evil@attacker.example", "nobody", "a@b.org, c@d.org",
                                   "x y@example.org", "a@", "élodie@example.org"])
def test_bad_addresses_are_refused_by_name(value: str) -> None:
    with pytest.raises(BadAddress, match="--to"):
        deliver.parse_recipients([value])


# --- sending and the ledger -------------------------------------------------------------


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


def test_two_runs_at_the_same_time_send_once(tmp_path: Path, smtp_server: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    server = smtp_server()
    digest = write_digest(tmp_path)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: deliver.send_digest(digest, mail_for(server)), range(2)))
    assert sorted(r.status for r in results) == ["already-sent", "sent"]
    assert len(server.handler.envelopes) == 1
    assert len(ledger_of(tmp_path)) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls_with_login(tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server("ssl")
    assert deliver.send_digest(write_digest(tmp_path), mail_for(server)).status == "sent"
    assert server.handler.logins == [USER]
    assert len(ledger_of(tmp_path)) == 1


def test_another_recipient_list_gets_its_own_copy(tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server()
    digest = write_digest(tmp_path)
    deliver.send_digest(digest, mail_for(server))
    assert deliver.send_digest(digest, mail_for(server, recipients=("boss@example.org",))).status == "sent"
    assert [e.rcpt_tos for e in server.handler.envelopes] == [[TEAM], ["boss@example.org"]]


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


def test_a_broken_ledger_stops_the_run_naming_the_file(tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server()
    (tmp_path / LEDGER_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(BadLedger, match=f"{LEDGER_FILE}: cannot read the sent-digest ledger"):
        deliver.send_digest(write_digest(tmp_path), mail_for(server))
    assert server.handler.envelopes == []
    assert (tmp_path / LEDGER_FILE).read_text(encoding="utf-8") == "{not json"


def test_articles_sent_earlier_are_known_per_recipient_list(tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server()
    deliver.send_digest(write_digest(tmp_path, label="2025-W40", ids=("a1", "a2")), mail_for(server))
    deliver.send_digest(write_digest(tmp_path, label="2025-W41", ids=("a3",)), mail_for(server))
    records = deliver.read_ledger(tmp_path / LEDGER_FILE)
    assert deliver.sent_article_ids(records, (TEAM,)) == {"a1", "a2", "a3"}
    assert deliver.sent_article_ids(records, ("boss@example.org",)) == frozenset()


def test_inputs_fingerprint_follows_sources_options_and_date(tmp_path: Path, seeds_dir: Path) -> None:
    sources = tmp_path / "seeds"
    shutil.copytree(seeds_dir, sources)
    options = BuildOptions(sources=(str(sources),), out_dir=tmp_path / "out", week="last",
                           today=dt.date(2026, 11, 23))
    first = deliver.inputs_fingerprint(options)
    assert first == deliver.inputs_fingerprint(options)
    assert first != deliver.inputs_fingerprint(dataclasses.replace(options, today=dt.date(2026, 11, 30)))
    assert first != deliver.inputs_fingerprint(dataclasses.replace(options, bilingual=True))
    assert first != deliver.inputs_fingerprint(dataclasses.replace(options, exclude_ids=frozenset({"a1"})))
    edited = next(sources.glob("*.txt"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\nUne phrase de plus.", encoding="utf-8")
    assert first != deliver.inputs_fingerprint(options)
    as_glob = dataclasses.replace(options, sources=(str(sources / "*.txt"),))
    assert deliver.inputs_fingerprint(as_glob) == deliver.inputs_fingerprint(as_glob)
    assert deliver.inputs_fingerprint(dataclasses.replace(options, sources=("https://example.org/feed",))) is None


def test_inputs_fingerprint_reads_the_files_ingestion_reads_under_home(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(seeds_dir, tmp_path / "news")
    monkeypatch.setenv("HOME", str(tmp_path))
    options = BuildOptions(sources=("~/news",), out_dir=tmp_path / "out", today=dt.date(2026, 11, 23))
    first = deliver.inputs_fingerprint(options)
    (tmp_path / "news" / "new.txt").write_text("Le Vietnam lance un nouveau programme. " * 20, encoding="utf-8")
    assert deliver.inputs_fingerprint(options) != first  # a new article under ~ is a new digest


# --- end to end: `briefing email seeds/` -----------------------------------------------


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


def test_no_recipient_is_a_usage_mistake(cli: Any, runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["email", str(seeds_dir), "--out", str(tmp_path), "--from", SENDER])
    assert result.exit_code == 1
    assert "no recipient: give --to ADDR" in result.output
