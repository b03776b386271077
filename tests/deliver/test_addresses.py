"""Addresses: one address each, no line breaks hidden in a display name."""

from __future__ import annotations

import pytest

from briefing.deliver import addresses
from briefing.errors import BadAddress


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
