"""Addresses and header text: recipients and sender checked, and any text that goes into a header made one
line that cannot start a new header (line breaks, controls, RFC 2047 encoded words hiding them)."""

from __future__ import annotations

import email.errors
import re
from collections.abc import Sequence
from email import policy
from email.headerregistry import Address

from briefing.deliver.settings import (
    MAX_ADDRESS,
    MAX_DISPLAY_NAME,
    MAX_HEADER_DECODE_PASSES,
    MAX_LOCAL_PART,
    SMTP_USER_ENV,
)
from briefing.errors import BadAddress
from briefing.options import MailOptions
from briefing.runtime.jsonl import quoted

# Line breaks and control characters of every kind (str.splitlines breaks on \x1c-\x1e, \x85, \u2028 too).
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def parse_address(value: str, what: str) -> Address:
    """One plain address (`name@example.org` or `Name <name@example.org>`); raises BadAddress otherwise."""
    hint = f"{what} {quoted(value)}: not one email address; write name@example.org"
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
        raise BadAddress(f"{what} {quoted(value)}: non-ASCII addresses are not supported; use the ASCII form")
    if len(address.username) > MAX_LOCAL_PART or len(address.addr_spec) > MAX_ADDRESS:
        raise BadAddress(f"{what} {quoted(value)}: longer than an address can be ({MAX_LOCAL_PART} characters "
                         f"before the @, {MAX_ADDRESS} in all)")
    if len(address.display_name) > MAX_DISPLAY_NAME:
        raise BadAddress(f"{what} {quoted(value)}: a name before the address of at most {MAX_DISPLAY_NAME} "
                         "characters, please")
    return Address(display_name=clean_header_text(address.display_name), addr_spec=address.addr_spec)


def parse_recipients(values: Sequence[str]) -> tuple[Address, ...]:
    """Every --to address, checked, each mailbox once; raises BadAddress when there is none or one is wrong.

    One mailbox written several ways (`dup@example.org`, `Dup <DUP@example.org>`) is one recipient, in its
    first spelling: it gets one RCPT TO and one copy, as the ledger (`recipients_key`) records one.
    """
    if not values:
        raise BadAddress("no recipient: give --to ADDR (or to = [\"...\"] under [email] in briefing.toml)")
    unique: dict[str, Address] = {}
    for value in values:
        address = parse_address(value, "--to")
        unique.setdefault(address.addr_spec.lower(), address)
    return tuple(unique.values())


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
