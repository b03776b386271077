"""Tuned numbers and fixed names of stage 7, delivery (SMTP, the ledger, headers), each with its reason."""

from __future__ import annotations

# How the connection is protected, and its usual port: RFC 6409 submission upgraded with STARTTLS (587, the
# default), RFC 8314 implicit TLS (465), plain SMTP to a relay on a trusted network (25).
SMTP_PORTS = {"starttls": 587, "ssl": 465, "plain": 25}
SMTP_SECURITY = tuple(SMTP_PORTS)
SMTP_USER_ENV = "BRIEFING_SMTP_USER"  # credentials come from the environment or the config file, never argv
SMTP_PASSWORD_ENV = "BRIEFING_SMTP_PASSWORD"
LEDGER_FILE = "sent-ledger.json"  # in the output folder, beside the digests it records
LEDGER_LOCK_FILE = ".sent-ledger.lock"  # two overlapping cron runs must not both send
EML_SUFFIX = ".eml"
# A real title is never encoded twice over; more nested RFC 2047 layers than this is an injection attempt.
MAX_HEADER_DECODE_PASSES = 4
SUBJECT_MAX_CHARS = 200  # well under the 998-octet line limit after encoding; mail clients cut near 80 anyway
# RFC 5321's limits on an address (4.5.3.1): 64 characters before the @ and 254 in all. A longer one no server
# takes, and its To: line could not be folded under the 998-character limit of a mail line.
MAX_LOCAL_PART = 64
MAX_ADDRESS = 254
MAX_DISPLAY_NAME = 200  # "Équipe Asie <team@...>": a name, and one that keeps its header line short when unbroken
