"""Counts in English: "1 story", "2 stories"."""

from __future__ import annotations

from briefing.text.plural import counted


def test_counted_nouns_are_singular_for_one_only() -> None:
    assert [counted(n, "story") for n in (0, 1, 2)] == ["0 stories", "1 story", "2 stories"]
    assert [counted(n, "article") for n in (1, 1500)] == ["1 article", "1,500 articles"]
    assert counted(1, "day") == "1 day" and counted(2, "day") == "2 days"  # a vowel before y: just s
    assert counted(2, "copy", "copies merged") == "2 copies merged"
