"""Mail the digest, exactly once per digest and recipient list.

`deliver(options, mail)` runs (3 to 6 in `send_digest`, under a lock on the output folder):

1. ledger     read which digests and articles went to these recipients   (LEDGER_FILE in the output folder)
2. build      pipeline.build, leaving out articles mailed in an earlier digest (or reuse the same build)
3. check      a digest already sent to these recipients is not sent again (unless `force`)
4. compose    multipart/alternative, text then HTML, the PDF attached on request
5. send       SMTP with STARTTLS, implicit TLS or plain; or a .eml file for a dry run
6. record     append to the ledger, only once the server has accepted the message

The message is built from the files a build wrote (`Outputs`) and the briefing's title and period,
so `load_digest`, `compose` and `send` work on any digest files, built now or earlier.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import email.errors
import fcntl
import hashlib
import json
import re
import smtplib
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from briefing.errors import (
    BadAddress,
    BadConfig,
    BadLedger,
    ConnectionLost,
    DeliveryError,
    DeliveryUncertain,
    LoginRefused,
    RecipientRefused,
)
from briefing.files import write_atomic
from briefing.log import get_logger
from briefing.records import BuildReport, Outputs, Period
from briefing.settings import (
    BUILD_CACHE_ENTRIES,
    BUILD_CACHE_FILE,
    EML_SUFFIX,
    LEDGER_FILE,
    LEDGER_LOCK_FILE,
    MAX_HEADER_DECODE_PASSES,
    SMTP_PASSWORD_ENV,
    SMTP_PORTS,
    SMTP_SECURITY,
    SMTP_USER_ENV,
    SUBJECT_MAX_CHARS,
    BuildOptions,
    MailOptions,
)

log = get_logger(__name__)

LEDGER_VERSION = 1
UNCERTAIN = "uncertain"  # a ledger entry's status when the server's answer to the message never came
# Every header a digest carries; anything else found after composing means injected text.
HEADERS = frozenset({
    "from", "to", "subject", "date", "message-id", "auto-submitted", "x-briefing-digest",
    "mime-version", "content-type", "content-transfer-encoding",
})
# Line breaks and control characters of every kind (str.splitlines breaks on \x1c-\x1e, \x85, \u2028 too).
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class Digest:
    """A built digest ready to mail: its files and what the message says about it."""

    outputs: Outputs
    title: str
    period: str  # for people: "Week 40, 2025 · 29 September – 5 October 2025"
    label: str  # the file label: "2025-W40"
    article_ids: tuple[str, ...]
    content_hash: str  # what readers see (title, period, articles), not when it was rendered


@dataclass(frozen=True, slots=True)
class SentRecord:
    """One ledger entry: a digest the SMTP server accepted for these recipients."""

    digest: str
    recipients: tuple[str, ...]  # lower-cased addresses, sorted
    period: str
    subject: str
    articles: tuple[str, ...]
    sent_at: str  # ISO 8601, UTC
    message_id: str
    # "sent": the server said it accepted the message; "uncertain": the whole message went out but the
    # server's answer never came (dropped connection, timeout): it may or may not have been delivered
    status: str = "sent"


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one `briefing email` run did, for the lines the CLI prints."""

    status: str  # "sent", "dry-run", "already-sent" or "empty"
    message: str
    report: BuildReport | None = None
    eml: Path | None = None


# --- 0. the run -------------------------------------------------------------------------


def deliver(options: BuildOptions, mail: MailOptions) -> Delivery:
    """Build the digest for `options` and mail it as `mail` says, at most once per digest and recipients."""
    key = recipients_key(parse_recipients(mail.recipients))
    resolve_sender(mail)
    check_security(mail)  # every mistake in the mail options is reported before the build, not after
    # 1. ledger
    earlier = frozenset() if mail.force else sent_article_ids(read_ledger(options.out_dir / LEDGER_FILE), key)
    # 2. build
    report = build_or_reuse(dataclasses.replace(options, exclude_ids=options.exclude_ids | earlier))
    if report.outputs is None:
        why = report.message or "no article to send"
        if earlier:
            why += f" (the {len(earlier)} article(s) already mailed to {', '.join(key)} are left out)"
        return Delivery("empty", f"{why}; no email sent", report)
    digest = load_digest(report.outputs, title=options.title)
    repeated = earlier.intersection(digest.article_ids)
    if repeated:
        log.warning("%d article(s) of this digest were mailed before: the build did not leave them out",
                    len(repeated))
    return dataclasses.replace(send_digest(digest, mail), report=report)


def send_digest(digest: Digest, mail: MailOptions) -> Delivery:
    """Steps 3 to 6 for a digest already built: check the ledger, compose, send (or write a .eml), record.

    The ledger beside the digest is locked meanwhile: a second run waits, then finds the digest sent.
    """
    recipients = parse_recipients(mail.recipients)
    sender = resolve_sender(mail)
    key = recipients_key(recipients)
    ledger = digest.outputs.json.parent / LEDGER_FILE
    with ledger_lock(ledger.parent):
        # 3. check
        records = read_ledger(ledger)
        prior = None if mail.force else find_sent(records, digest.content_hash, key)
        if prior is not None and prior.status == UNCERTAIN:
            raise DeliveryUncertain(
                f"the {digest.period} digest may already have reached {', '.join(key)}: the attempt at "
                f"{prior.sent_at} ended without the server's answer; nothing sent. Check a recipient's "
                "inbox: if it is missing, run the same command with --force to send it again")
        if prior is not None:
            return Delivery("already-sent", f"the {digest.period} digest was already sent to {', '.join(key)} "
                            f"at {prior.sent_at}; nothing sent (--force sends it again)")
        # 4. compose
        message = compose(digest, sender=sender, recipients=recipients, subject=mail.subject,
                          attach_pdf=mail.attach_pdf)
        if mail.dry_run:
            eml = write_eml(message, digest)
            return Delivery("dry-run", f"dry run: wrote {eml}; nothing sent", eml=eml)
        # 5. send
        record = SentRecord(
            digest=digest.content_hash, recipients=key, period=digest.label, subject=str(message["Subject"]),
            articles=digest.article_ids, sent_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            message_id=str(message["Message-ID"]),
        )
        try:
            send(message, sender=sender, recipients=recipients, mail=mail)
        except DeliveryUncertain as exc:
            # 6. record the doubt, so that the next run asks instead of sending a second copy
            _record(ledger, (*records, dataclasses.replace(record, status=UNCERTAIN)), key, "may have been sent")
            raise DeliveryUncertain(f"{exc}; recorded as uncertain in {ledger}") from None
        # 6. record
        _record(ledger, (*records, record), key, "WAS sent")
    return Delivery("sent", f"sent the {digest.period} digest ({len(digest.article_ids)} article(s)) to "
                    f"{', '.join(key)} via {mail.smtp_host}; recorded in {ledger}")


def _record(ledger: Path, records: Sequence[SentRecord], key: tuple[str, ...], what: str) -> None:
    try:
        write_ledger(ledger, records)
    except DeliveryError as exc:
        raise DeliveryError(f"the digest {what} to {', '.join(key)}, but recording it failed ({exc}): "
                            "fix that before the next run, which would send it again") from None


# --- 2. build, or reuse the digest built from the same inputs ----------------------------


def build_or_reuse(options: BuildOptions) -> BuildReport:
    """`pipeline.build(options)`, unless the output folder holds the digest built from the very same inputs.

    Same inputs: the same options (with `today` resolved), the same source files (path, size, mtime),
    themes, glossary and template files, the same briefing version; and the digest's JSON untouched since.
    Sources that are URLs are always fetched again. A retried cron run thus rebuilds nothing.
    """
    from briefing import pipeline

    fingerprint = inputs_fingerprint(options)
    cache_path = options.out_dir / BUILD_CACHE_FILE
    cached = _read_build_cache(cache_path)
    entry = cached.get(fingerprint) if fingerprint else None
    if entry is not None:
        outputs = Outputs(**{k: options.out_dir / name for k, name in entry["files"].items()})
        if all(p.is_file() for p in outputs.all()) and _file_hash(outputs.json) == entry["json_sha256"]:
            log.info("reusing %s, built from the same inputs at %s", outputs.json.with_suffix(".*"), entry["built"])
            return BuildReport(outputs=outputs, read=entry["read"], kept=entry["kept"],
                               translated=entry["translated"])
    report = pipeline.build(options)
    if fingerprint and report.outputs is not None:
        files = {f.name: getattr(report.outputs, f.name).name for f in dataclasses.fields(Outputs)}
        cached.pop(fingerprint, None)  # a rebuilt entry moves to the end, so trimming keeps it
        cached[fingerprint] = {
            "files": files, "json_sha256": _file_hash(report.outputs.json), "read": report.read,
            "kept": report.kept, "translated": report.translated,
            "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        recent = dict(list(cached.items())[-BUILD_CACHE_ENTRIES:])
        _write_atomic(cache_path, (json.dumps(recent, indent=2) + "\n").encode("utf-8"))
    return report


def inputs_fingerprint(options: BuildOptions) -> str | None:
    """A hash of everything a build reads, or None when a source is a URL (its page may have changed)."""
    from briefing import __version__
    from briefing.ingest import expand_sources
    from briefing.settings import TEMPLATES_DIR

    entries = list(expand_sources(options.sources, output_dir=options.out_dir))  # the very files ingestion will read
    if any(path is None and problem is None for _, path, problem in entries):
        return None  # a URL
    settings = dataclasses.asdict(options)
    settings["today"] = (options.today or dt.date.today()).isoformat()
    settings["exclude_ids"] = sorted(options.exclude_ids)
    files = [path for _, path, _ in entries if path is not None]
    for extra in (options.themes_file, options.glossary, options.templates_dir or TEMPLATES_DIR):
        if extra is not None and extra.exists():
            files.extend(sorted(f for f in extra.rglob("*") if f.is_file()) if extra.is_dir() else [extra])
    stats = [(str(f.resolve()), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    content = json.dumps({"version": __version__, "settings": settings, "files": stats}, default=str,
                         sort_keys=True)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _read_build_cache(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}  # a missing or damaged cache only costs a rebuild
    return data if isinstance(data, dict) else {}


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- addresses and headers --------------------------------------------------------------


def parse_address(value: str, what: str) -> Address:
    """One plain address (`name@example.org` or `Name <name@example.org>`); raises BadAddress otherwise."""
    hint = f"{what} {value!r}: not one email address; write name@example.org"
    if _CONTROL.search(value):
        raise BadAddress(hint + " (line breaks and control characters are not allowed)")
    try:
        header = policy.SMTP.header_factory("To", value)
        found = header.addresses
    except (IndexError, ValueError, TypeError, email.errors.HeaderParseError):
        raise BadAddress(hint) from None
    if header.defects or len(found) != 1 or not found[0].username or "." not in found[0].domain:
        raise BadAddress(hint)
    address = found[0]
    if not address.addr_spec.isascii():
        raise BadAddress(f"{what} {value!r}: non-ASCII addresses are not supported; use the ASCII form")
    return Address(display_name=clean_header_text(address.display_name), addr_spec=address.addr_spec)


def parse_recipients(values: Sequence[str]) -> tuple[Address, ...]:
    """Every --to address, checked; raises BadAddress when there is none or one is wrong."""
    if not values:
        raise BadAddress("no recipient: give --to ADDR (or to = [\"...\"] under [email] in briefing.toml)")
    return tuple(parse_address(value, "--to") for value in values)


def resolve_sender(mail: MailOptions) -> Address:
    """The From address: --from, else the SMTP user name when it is an address."""
    if mail.sender:
        return parse_address(mail.sender, "--from")
    if mail.username and "@" in mail.username:
        return parse_address(mail.username, SMTP_USER_ENV)
    raise BadAddress("no sender: give --from ADDR (or from = \"...\" under [email] in briefing.toml)")


def recipients_key(recipients: Sequence[Address]) -> tuple[str, ...]:
    """The ledger's key for a recipient list: lower-cased addresses, sorted, each once."""
    return tuple(sorted({r.addr_spec.lower() for r in recipients}))


def clean_header_text(value: str) -> str:
    """`value` as one line of header text that cannot start a new header.

    Line breaks and control characters become spaces, also those hidden in RFC 2047 encoded words
    (`=?utf-8?q?=0D=0ABcc:...?=`), which the header parser would otherwise decode back into the header.
    """
    text = value
    for _ in range(MAX_HEADER_DECODE_PASSES):
        flat = _BREAKS.sub(" ", text).strip()
        decoded = str(policy.SMTP.header_factory("Subject", flat))
        if decoded == flat:
            return flat
        text = decoded
    # still decoding after that many layers: keep the words, break the encoded-word syntax
    return _BREAKS.sub(" ", text.replace("=?", "= ?")).strip()


def default_subject(digest: Digest) -> str:
    """The subject when none is given: the briefing title and its period."""
    return f"{digest.title} — {digest.period}"


# --- 4. compose -------------------------------------------------------------------------


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
    content = json.dumps({"title": shown_title, "period": label, "articles": seen}, sort_keys=True,
                         ensure_ascii=False)
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
    _write_atomic(path, message.as_bytes(policy=policy.SMTP))
    return path


# --- 5. send ----------------------------------------------------------------------------


def check_security(mail: MailOptions) -> None:
    """Refuse an unknown security mode, and a password over an unencrypted connection."""
    if mail.security not in SMTP_SECURITY:
        raise BadConfig(f"smtp_security {mail.security!r}: use one of {', '.join(SMTP_SECURITY)}")
    if mail.security == "plain" and mail.username:
        raise DeliveryError(
            f"refusing to send the SMTP password unencrypted: use --starttls or --ssl, or unset "
            f"{SMTP_USER_ENV}/{SMTP_PASSWORD_ENV} for a relay that needs no login"
        )


def send(message: EmailMessage, *, sender: Address, recipients: Sequence[Address], mail: MailOptions) -> None:
    """Hand `message` to the SMTP server; returns once the server has accepted it for every recipient.

    All recipients are checked before the message goes out: if the server refuses one, nobody gets it.
    Raises LoginRefused, RecipientRefused, ConnectionLost or DeliveryError, each saying what to do.
    """
    check_security(mail)
    port = mail.smtp_port or SMTP_PORTS[mail.security]
    where = f"{mail.smtp_host}:{port}"
    log.info("sending to %d recipient(s) via %s (%s)", len(recipients), where, mail.security)
    context = ssl.create_default_context()
    client: smtplib.SMTP | None = None
    try:
        if mail.security == "ssl":
            client = smtplib.SMTP_SSL(mail.smtp_host, port, timeout=mail.timeout_s, context=context)
        else:
            client = smtplib.SMTP(mail.smtp_host, port, timeout=mail.timeout_s)
        client.ehlo()
        if mail.security == "starttls":
            if not client.has_extn("starttls"):
                raise DeliveryError(f"{where} does not offer STARTTLS: use --ssl (usually port 465), "
                                    "or --plain for a relay on a trusted network")
            client.starttls(context=context)
            client.ehlo()
        if mail.username:
            _login(client, mail, where)
        _envelope(client, sender, recipients, where)
        _data(client, message.as_bytes(policy=policy.SMTP), where)
    except smtplib.SMTPServerDisconnected:
        raise ConnectionLost(f"{where} closed the connection before accepting the message; it is not marked "
                             "sent: run the same command again") from None
    except smtplib.SMTPResponseException as exc:
        retry = "try again later" if 400 <= exc.smtp_code < 500 else "fix what it says"
        raise DeliveryError(f"{where} refused the message: {exc.smtp_code} {_reply(exc.smtp_error)}; it is not "
                            f"marked sent: {retry}, then run the same command again") from None
    except ssl.SSLCertVerificationError as exc:
        raise ConnectionLost(f"{where}: the server's certificate cannot be trusted ({exc.verify_message}); "
                             "for a private CA set SSL_CERT_FILE to its certificate file") from None
    except (ssl.SSLError, smtplib.SMTPException) as exc:
        raise ConnectionLost(f"{where}: {exc}; nothing was sent") from None
    except OSError as exc:
        raise ConnectionLost(f"cannot reach {where} ({exc.strerror or exc}); check --smtp-host and "
                             "--smtp-port; nothing was sent") from None
    finally:
        if client is not None:
            _quit(client)


def _data(client: smtplib.SMTP, raw: bytes, where: str) -> None:
    """DATA, the message, and the server's verdict on it; smtplib's `data()` would return a refusal as a code.

    Until the final "." has gone out the server cannot have accepted anything; after it, a lost
    connection or a late answer leaves the outcome unknown (DeliveryUncertain), not failed.
    """
    code, reply = client.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    body = re.sub(rb"(?m)^\.", b"..", raw)  # RFC 5321 4.5.2: a line starting with "." gets one more
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    client.send(body + b".\r\n")
    try:
        code, reply = client.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:  # smtplib reports a timeout as a disconnection
        raise DeliveryUncertain(f"{where} received the whole message, then gave no answer ({_reply(str(exc))}): "
                                "whether it was delivered is uncertain") from None
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def _login(client: smtplib.SMTP, mail: MailOptions, where: str) -> None:
    assert mail.username is not None
    try:
        client.login(mail.username, mail.password or "")
    except smtplib.SMTPAuthenticationError as exc:
        raise LoginRefused(f"{where} refused the login of {mail.username!r} ({exc.smtp_code} "
                           f"{_reply(exc.smtp_error)}): check {SMTP_USER_ENV} and {SMTP_PASSWORD_ENV}") from None
    except smtplib.SMTPNotSupportedError:
        raise LoginRefused(f"{where} offers no login (AUTH): unset {SMTP_USER_ENV} for this server") from None


def _envelope(client: smtplib.SMTP, sender: Address, recipients: Sequence[Address], where: str) -> None:
    """MAIL FROM and every RCPT TO; on any refusal, reset so that no recipient gets the message."""
    code, reply = client.mail(sender.addr_spec)
    if code != 250:
        client.rset()
        fix = "try again later" if 400 <= code < 500 else "check --from"
        raise RecipientRefused(f"{where} refused the sender {sender.addr_spec}: {code} {_reply(reply)}; {fix}")
    refused = []
    temporary = True
    for recipient in recipients:
        code, reply = client.rcpt(recipient.addr_spec)
        if code not in (250, 251):
            refused.append(f"{recipient.addr_spec} ({code} {_reply(reply)})")
            temporary = temporary and 400 <= code < 500
    if refused:
        client.rset()
        fix = ("the refusal is temporary: run the same command again later" if temporary
               else "fix or remove that --to address and run again")
        raise RecipientRefused(f"{where} refused {', '.join(refused)}; nothing was sent to anyone: {fix}")


def _quit(client: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        client.quit()
    client.close()


def _reply(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return " ".join(text.split())


# --- 1. and 6. the ledger ---------------------------------------------------------------


def read_ledger(path: Path) -> tuple[SentRecord, ...]:
    """Every digest recorded as sent in `path` (none when the file does not exist yet)."""
    fix = "fix it, or move it away (then every digest counts as unsent)"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadLedger(f"{path}: cannot read the sent-digest ledger ({exc}); {fix}") from None
    try:
        return tuple(
            SentRecord(**{**entry, "recipients": tuple(entry["recipients"]), "articles": tuple(entry["articles"])})
            for entry in data["sent"]
        )
    except (KeyError, TypeError) as exc:
        raise BadLedger(f"{path}: not a sent-digest ledger (missing or wrong {exc}); {fix}") from None


def write_ledger(path: Path, records: Sequence[SentRecord]) -> None:
    """Replace the ledger with `records`, atomically: a crash leaves the old ledger whole."""
    data = {"version": LEDGER_VERSION, "sent": [dataclasses.asdict(r) for r in records]}
    _write_atomic(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def find_sent(records: Sequence[SentRecord], digest: str, recipients: tuple[str, ...]) -> SentRecord | None:
    """The ledger entry for this digest and recipient list, if it was sent (a sure one before an uncertain one)."""
    found = [r for r in records if r.digest == digest and r.recipients == recipients]
    return min(found, key=lambda r: r.status == UNCERTAIN, default=None)


def sent_article_ids(records: Sequence[SentRecord], recipients: tuple[str, ...]) -> frozenset[str]:
    """Ids of every article surely mailed to this recipient list (an uncertain digest is asked about, not skipped)."""
    return frozenset(a for r in records if r.recipients == recipients and r.status != UNCERTAIN for a in r.articles)


@contextlib.contextmanager
def ledger_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's ledger lock, waiting while another run holds it."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = (out_dir / LEDGER_LOCK_FILE).open("a")
    except OSError as exc:
        raise DeliveryError(f"{out_dir}: cannot write in the output folder ({exc.strerror})") from None
    with handle:
        # blocking: an overlapping run waits (bounded by its SMTP timeout), then sees what that run recorded
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- files ------------------------------------------------------------------------------


def _write_atomic(path: Path, data: bytes) -> None:
    """Write `path` atomically and owner-only (it holds recipients' addresses)."""
    try:
        write_atomic(path, data, shared=False)
    except OSError as exc:
        raise DeliveryError(f"{path}: cannot write ({exc.strerror})") from None


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
