"""Addresses: one address each, no line breaks hidden in a display name, one copy per mailbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from briefing import deliver
from briefing.deliver import addresses
from briefing.errors import BadAddress
from tests.deliver.conftest import TEAM, ledger_of, mail_for, write_digest


def test_a_display_name_hiding_a_newline_is_refused() -> None:
    with pytest.raises(BadAddress, match="not one email address"):
        addresses.parse_address("=?utf-8?q?Team=0D=0ABcc:_x@evil.example?= <team@example.org>", "--to")
    plain = addresses.parse_address("=?utf-8?q?=C3=89quipe_Asie?= <team@example.org>", "--to")
    assert (plain.display_name, plain.addr_spec) == ("Équipe Asie", "team@example.org")


@pytest.mark.parametrize("value", ["team@example.org\r\nBcc: evil@attacker.example", "nobody", "a@b.org, c@d.org",
                                   "x y@example.org", "a@", "élodie@example.org"])
def test_bad_addresses_are_refused_by_name(value: str) -> None:
    with pytest.raises(BadAddress, match="--to"):
        addresses.parse_recipients([value])


@pytest.mark.parametrize("value", ["x" * 65 + "@example.org", "a@" + "b" * 250 + ".org", "x" * 5_000 + "@example.org"])
def test_an_address_longer_than_a_server_takes_is_refused(value: str) -> None:
    """A 5,000-character --to made a To: line no mail line limit (998) allows."""
    with pytest.raises(BadAddress, match=r"longer than an address can be \(64 characters before the @, 254 in all\)"):
        addresses.parse_recipients([value])
    assert addresses.parse_recipients(["x" * 64 + "@example.org"])[0].addr_spec == "x" * 64 + "@example.org"
    with pytest.raises(BadAddress, match="a name before the address of at most 200 characters"):
        addresses.parse_recipients(["N" * 5_000 + " <team@example.org>"])


def test_one_mailbox_in_three_spellings_gets_one_copy(tmp_path: Path, smtp_server: Any) -> None:
    server = smtp_server()
    mail = mail_for(server, recipients=("dup@example.org", "DUP@example.org", "Dup <dup@EXAMPLE.org>", TEAM))
    assert deliver.send_digest(write_digest(tmp_path), mail).status == "sent"
    (envelope,) = server.handler.envelopes
    assert envelope.rcpt_tos == ["dup@example.org", TEAM]  # the first spelling, once
    (message,) = server.handler.messages()
    assert [a.addr_spec for a in message["To"].addresses] == ["dup@example.org", TEAM]
    (entry,) = ledger_of(tmp_path)
    assert entry["recipients"] == ["dup@example.org", TEAM]
