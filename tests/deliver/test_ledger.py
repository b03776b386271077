"""The sent-digest ledger: one send for two runs at once, per recipient list, a broken ledger named."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from briefing import deliver
from briefing.deliver import ledger
from briefing.deliver.settings import LEDGER_FILE
from briefing.errors import BadLedger
from tests.deliver.conftest import TEAM, ledger_of, mail_for, write_digest


def test_two_runs_at_the_same_time_send_once(tmp_path: Path, smtp_server: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    server = smtp_server()
    digest = write_digest(tmp_path)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: deliver.send_digest(digest, mail_for(server)), range(2)))
    assert sorted(r.status for r in results) == ["already-sent", "sent"]
    assert len(server.handler.envelopes) == 1
    assert len(ledger_of(tmp_path)) == 1


def test_another_recipient_list_gets_its_own_copy(tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server()
    digest = write_digest(tmp_path)
    deliver.send_digest(digest, mail_for(server))
    assert deliver.send_digest(digest, mail_for(server, recipients=("boss@example.org",))).status == "sent"
    assert [e.rcpt_tos for e in server.handler.envelopes] == [[TEAM], ["boss@example.org"]]


@pytest.mark.parametrize(("text", "message"), [("{not json", "cannot read the sent-digest ledger"),
                                              ("[" * 100_000, "not a sent-digest ledger (nested too deep)")])
def test_a_broken_ledger_stops_the_run_naming_the_file(tmp_path: Path, smtp_server: Any, text: str,
                                                       message: str) -> None:
    """(Brackets nested 100,000 deep were a RecursionError traceback.)"""
    server = smtp_server()
    (tmp_path / LEDGER_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(BadLedger, match=f"{LEDGER_FILE}: {re.escape(message)}"):
        deliver.send_digest(write_digest(tmp_path), mail_for(server))
    assert server.handler.envelopes == []
    assert (tmp_path / LEDGER_FILE).read_text(encoding="utf-8") == text


def test_articles_sent_earlier_are_known_per_recipient_list(tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server()
    deliver.send_digest(write_digest(tmp_path, label="2025-W40", ids=("a1", "a2")), mail_for(server))
    deliver.send_digest(write_digest(tmp_path, label="2025-W41", ids=("a3",)), mail_for(server))
    records = ledger.read_ledger(tmp_path / LEDGER_FILE)
    assert ledger.sent_article_ids(records, (TEAM,)) == {"a1", "a2", "a3"}
    assert ledger.sent_article_ids(records, ("boss@example.org",)) == frozenset()
