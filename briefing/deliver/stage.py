"""Stage 7, delivery: mail the digest, exactly once per digest and recipient list.

`pipeline.email(options, mail)` runs `mailed_before`, the build, then `deliver` (3 to 6 in `send_digest`,
under a lock on the output folder):

1. ledger     read which digests and articles went to these recipients   (ledger.py)
2. build      (briefing.pipeline.email: the build, leaving out articles mailed in an earlier digest)
3. check      a digest already sent to these recipients is not sent again (unless `force`)
4. compose    multipart/alternative, text then HTML, the PDF attached on request   (compose.py)
5. send       SMTP with STARTTLS, implicit TLS or plain; or a .eml file for a dry run   (smtp.py)
6. record     append to the ledger, only once the server has accepted the message   (ledger.py)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.deliver.addresses import parse_recipients, recipients_key, resolve_sender
from briefing.deliver.compose import Digest, compose, load_digest, write_eml
from briefing.deliver.ledger import (
    UNCERTAIN,
    SentRecord,
    find_sent,
    ledger_lock,
    read_ledger,
    sent_article_ids,
    write_ledger,
)
from briefing.deliver.settings import LEDGER_FILE
from briefing.deliver.smtp import check_security, check_server, send
from briefing.errors import DeliveryError, DeliveryUncertain
from briefing.log import get_logger
from briefing.options import MailOptions
from briefing.records import BuildReport

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one `briefing email` run did, for the lines the CLI prints."""

    status: str  # "sent", "dry-run", "already-sent" or "empty"
    message: str
    report: BuildReport | None = None
    eml: Path | None = None


def mailed_before(mail: MailOptions, out_dir: Path) -> frozenset[str]:
    """Step 1: the ids of the articles already mailed to these recipients (none with `force`).

    Every mistake in the mail options (recipients, sender, security) is reported here, before the build.
    """
    key = recipients_key(parse_recipients(mail.recipients))
    resolve_sender(mail)
    check_security(mail)
    if not mail.dry_run:  # a dry run writes the .eml and talks to no server
        check_server(mail)
    return frozenset() if mail.force else sent_article_ids(read_ledger(out_dir / LEDGER_FILE), key)


def deliver(report: BuildReport, mail: MailOptions, *, title: str, earlier: frozenset[str]) -> Delivery:
    """Steps 3 to 6 for the digest a build wrote (`report`), mailed as `mail` says, at most once per digest
    and recipients; `earlier` are the articles `mailed_before` found, which the build left out."""
    if report.outputs is None:
        why = report.message or "no article to send"
        if earlier:
            key = recipients_key(parse_recipients(mail.recipients))
            why += f" (the {len(earlier)} article(s) already mailed to {', '.join(key)} are left out)"
        return Delivery("empty", f"{why}; no email sent", report)
    digest = load_digest(report.outputs, title=title)
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


# --- addresses and headers --------------------------------------------------------------


# --- 4. compose -------------------------------------------------------------------------


# --- 5. send ----------------------------------------------------------------------------


# --- 1. and 6. the ledger ---------------------------------------------------------------


# --- files ------------------------------------------------------------------------------


