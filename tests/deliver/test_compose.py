"""Composing the message: text then HTML, the PDF attached, a subject from title and period, the digest's
hash, and no header ever added by a title or subject."""

from __future__ import annotations

import base64
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from briefing import deliver
from briefing.deliver import addresses, compose
from tests.deliver.conftest import SENDER, TEAM, mail_for, parse, write_digest


def _bodies(message: EmailMessage) -> list[tuple[str, str]]:
    return [(part.get_content_type(), part.get_content()) for part in message.walk() if not part.is_multipart()]


def test_message_is_text_then_html_with_subject_from_title_and_period(tmp_path: Path) -> None:
    digest = write_digest(tmp_path)
    message = compose.compose(digest, sender=addresses.parse_address(SENDER, "--from"),
                              recipients=addresses.parse_recipients([TEAM, "Ops Team <ops@example.org>"]))
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
    message = compose.compose(digest, sender=addresses.parse_address(SENDER, "--from"),
                              recipients=addresses.parse_recipients([TEAM]), attach_pdf=True)
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
    assert {name.lower() for name in received} <= compose.HEADERS
    assert "\n" not in received["Subject"] and "\r" not in received["Subject"]
    assert "Bcc: evil@attacker.example" in received["Subject"]  # kept as words of the subject
    raw = envelope.original_content
    assert b"\nBcc:" not in raw and b"\nbcc:" not in raw.lower()


@pytest.mark.parametrize("subject", INJECTIONS[:4])
def test_a_given_subject_can_never_add_a_header_either(tmp_path: Path, subject: str) -> None:
    message = compose.compose(write_digest(tmp_path), sender=addresses.parse_address(SENDER, "--from"),
                              recipients=addresses.parse_recipients([TEAM]), subject=subject)
    parsed = parse(message.as_bytes())
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Digest Bcc: evil@attacker.example"
