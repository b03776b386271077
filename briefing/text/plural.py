"""Counts in English, as every output says them: "1 story", "2 stories", "1,500 articles"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and `noun`, singular for exactly one, else `plural` (default: "y" after a consonant becomes
    "ies", anything else takes "s"); thousands are grouped."""
    if count != 1:
        if plural is None:
            plural = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
        noun = plural
    return f"{count:,} {noun}"
