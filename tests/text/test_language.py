"""Language codes: what counts as a known language."""

from __future__ import annotations


def test_a_detected_or_stated_language_is_known_unless_it_names_none_or_several() -> None:
    from briefing.text.language import detect_language as detect_lang
    from briefing.text.language import known_language

    assert known_language("fr") and known_language("fr-FR") and known_language("EN_us")
    assert not known_language(detect_lang("12 345 — 678"))
    assert not any(known_language(code) for code in ("", "  ", "und", "UND", "mul", "zxx", "unknown"))
