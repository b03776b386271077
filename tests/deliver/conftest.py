"""Shared by the delivery tests: a real aiosmtpd server on 127.0.0.1 (plain, STARTTLS, implicit TLS, AUTH with
a certificate made by openssl at test time), small real digest files, the ledger read back."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import json
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
from pypdf import PdfWriter

from briefing.deliver import compose
from briefing.deliver.settings import LEDGER_FILE
from briefing.options import MailOptions
from briefing.records import Outputs

USER, PASSWORD = "digest-bot", "s3cret-Pa55"
TEAM = "team@example.org"
SENDER = "briefing@example.org"


# --- a real SMTP server -----------------------------------------------------------------------


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
        self.garbled_reply: str | None = None  # keep the message, then answer this (no SMTP reply)
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
        return self.garbled_reply or "250 2.0.0 queued"

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


# --- small digest files -----------------------------------------------------------------------


def write_digest(folder: Path, *, title: str = "Weekly briefing", label: str = "2025-W40",
                 ids: tuple[str, ...] = ("a1", "a2")) -> compose.Digest:
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
    return compose.load_digest(outputs, title="unused")


def parse(raw: bytes) -> EmailMessage:
    """`raw` read back as a receiving mail client would."""
    return cast(EmailMessage, email.message_from_bytes(raw, policy=policy.default))


def ledger_of(folder: Path) -> list[dict[str, Any]]:
    """The ledger's entries, or [] when there is no ledger file."""
    path = folder / LEDGER_FILE
    return json.loads(path.read_text(encoding="utf-8"))["sent"] if path.exists() else []
