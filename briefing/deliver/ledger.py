"""Steps 1 and 6 of delivery: the ledger (`sent-ledger.json` in the output folder) of every digest a server
accepted, by content hash and recipients, so each digest is mailed once; and the lock that keeps two
overlapping runs from both sending."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.deliver.settings import LEDGER_LOCK_FILE
from briefing.errors import BadLedger, DeliveryError
from briefing.runtime.files import write_atomic

LEDGER_VERSION = 1


UNCERTAIN = "uncertain"  # a ledger entry's status when the server's answer to the message never came


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


def read_ledger(path: Path) -> tuple[SentRecord, ...]:
    """Every digest recorded as sent in `path` (none when the file does not exist yet)."""
    fix = "fix it, or move it away (then every digest counts as unsent)"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadLedger(f"{path}: cannot read the sent-digest ledger ({exc}); {fix}") from None
    except RecursionError:  # brackets nested past what json follows
        raise BadLedger(f"{path}: not a sent-digest ledger (nested too deep); {fix}") from None
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
    write_private(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


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


def write_private(path: Path, data: bytes) -> None:
    """Write `path` atomically and owner-only (it holds recipients' addresses)."""
    try:
        write_atomic(path, data, shared=False)
    except OSError as exc:
        raise DeliveryError(f"{path}: cannot write ({exc.strerror})") from None
