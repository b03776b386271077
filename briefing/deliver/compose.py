"""Step 4 of delivery: the digest a build wrote, as a message: text part first, HTML part last, the PDF
attached on request, and only the expected headers (anything else means injected text: refused)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from briefing.deliver.addresses import clean_header_text
from briefing.deliver.ledger import write_private
from briefing.deliver.settings import EML_SUFFIX, SUBJECT_MAX_CHARS
from briefing.errors import DeliveryError
from briefing.records import Outputs, Period

# Every header a digest carries; anything else found after composing means injected text.
HEADERS = frozenset({
    "from", "to", "subject", "date", "message-id", "auto-submitted", "x-briefing-digest",
    "mime-version", "content-type", "content-transfer-encoding",
})


@dataclass(frozen=True, slots=True)
class Digest:
    """A built digest ready to mail: its files and what the message says about it."""

    outputs: Outputs
    title: str
    period: str  # for people: "Week 40, 2025 · 29 September – 5 October 2025"
    label: str  # the file label: "2025-W40"
    article_ids: tuple[str, ...]
    content_hash: str  # what readers see (title, period, articles), not when it was rendered


def default_subject(digest: Digest) -> str:
    """The subject when none is given: the briefing title and its period."""
    return f"{digest.title} — {digest.period}"


def load_digest(outputs: Outputs, *, title: str) -> Digest:
    """The digest a build wrote: title, period and article ids from its JSON file.

    `title` is used when the JSON has none. Raises DeliveryError naming the file when it cannot be read.
    """
    data = _read_json(outputs.json)
    articles = data.get("articles")
    if not isinstance(articles, list) or not all(isinstance(a, dict) for a in articles):
        raise DeliveryError(f"{outputs.json}: no 'articles' list; rebuild the digest with 'briefing build'")
    label = outputs.json.stem.removeprefix("briefing-")
    shown_title = str(data.get("title") or title)
    period = _period_text(data.get("period"), label)
    seen = [{k: a.get(k) for k in ("id", "title_en", "summary_en", "theme", "url")} for a in articles]
    stories = data.get("stories")  # what readers see is the stories: their order and text
    told = [{k: s.get(k) for k in ("rank", "title_en", "summary_en", "theme", "articles")}
            for s in (stories if isinstance(stories, list) else []) if isinstance(s, dict)]
    content = json.dumps({"title": shown_title, "period": label, "articles": seen, "stories": told},
                         sort_keys=True, ensure_ascii=False)
    return Digest(
        outputs=outputs, title=shown_title, period=period, label=label,
        article_ids=tuple(str(a.get("id", "")) for a in articles),
        content_hash=hashlib.sha256(content.encode("utf-8")).hexdigest(),
    )


def compose(
    digest: Digest,
    *,
    sender: Address,
    recipients: Sequence[Address],
    subject: str | None = None,
    attach_pdf: bool = False,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """The digest as a message: text part first, HTML part last, then the PDF when `attach_pdf`.

    Raises DeliveryError when a file is missing or when a header other than the expected ones appears.
    """
    text = _read_text(digest.outputs.txt)
    html = _read_text(digest.outputs.html)
    shown = clean_header_text(subject if subject is not None else default_subject(digest))
    if len(shown) > SUBJECT_MAX_CHARS:
        shown = shown[: SUBJECT_MAX_CHARS - 1].rstrip() + "…"
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = tuple(recipients)
    message["Subject"] = shown or digest.label
    message["Date"] = format_datetime((now or dt.datetime.now(dt.UTC)).astimezone())
    message["Message-ID"] = make_msgid(domain=sender.domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a scheduled digest
    message["X-Briefing-Digest"] = digest.content_hash[:16]
    # quoted-printable keeps every line 7-bit and short, whatever the server's 8BITMIME support
    message.set_content(text, subtype="plain", cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    if attach_pdf:
        try:
            pdf = digest.outputs.pdf.read_bytes()
        except OSError as exc:
            raise DeliveryError(f"{digest.outputs.pdf}: cannot attach the PDF ({exc.strerror})") from None
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=digest.outputs.pdf.name)
    _check_headers(message)
    return message


def write_eml(message: EmailMessage, digest: Digest) -> Path:
    """Write `message` as briefing-<label>.eml beside the digest (for --dry-run); returns its path."""
    path = digest.outputs.json.with_suffix(EML_SUFFIX)
    write_private(path, message.as_bytes(policy=policy.SMTP))
    return path


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DeliveryError(f"{path}: cannot read the digest ({exc}); rebuild it with 'briefing build'") from None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise DeliveryError(f"{path}: not valid JSON ({exc.msg}); rebuild it with 'briefing build'") from None
    if not isinstance(data, dict):
        raise DeliveryError(f"{path}: expected a JSON object; rebuild it with 'briefing build'")
    return data


def _period_text(period: Any, label: str) -> str:
    """The period as the cover shows it ("Week 40, 2025 · 29 September – 5 October 2025"), else the label."""
    from briefing.render import period_text

    if not isinstance(period, dict):
        return label
    try:
        start, end = (dt.date.fromisoformat(v) if v else None for v in (period.get("start"), period.get("end")))
    except (TypeError, ValueError):
        return label
    return period_text(Period(start=start, end=end, week=period.get("week") or None))


def _check_headers(message: EmailMessage) -> None:
    """Read the message back as a receiving server would: only the expected headers, each once."""
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes(policy=policy.SMTP))
    names = [name.lower() for name in parsed]
    unexpected = sorted(set(names) - HEADERS)
    if unexpected or len(names) != len(set(names)):
        raise DeliveryError(f"refusing to send: the message has unexpected headers {unexpected or names}")
