"""Language codes: what counts as a known language."""

from __future__ import annotations


def test_a_detected_or_stated_language_is_known_unless_it_names_none_or_several() -> None:
    from briefing.text.language import detect_language as detect_lang
    from briefing.text.language import known_language

    assert known_language("fr") and known_language("fr-FR") and known_language("EN_us")
    assert not known_language(detect_lang("12 345 — 678"))
    assert not any(known_language(code) for code in ("", "  ", "und", "UND", "mul", "zxx", "unknown"))


def test_language_codes_from_input_become_known_codes_or_und() -> None:
    from briefing.text.language import language_key, language_name

    assert [language_key(code) for code in ("fr", "FR-fr", "fr_CA", " fra ", "fre", "yue", "KIK")] == [
        "fr", "fr", "fr", "fr", "fr", "yue", "ki"]
    hostile = ("../../../../tmp/x/secret", "xx", "fr/../en", "fr\x00", "français", "", "e" * 10_000, "mul", "zxx")
    assert [language_key(code) for code in hostile] == ["und"] * len(hostile)
    assert language_key(5) == language_key(None) == language_key(["fr"]) == "und"  # type: ignore[arg-type]
    assert (language_name("vi"), language_name("fra"), language_name("../x"), language_name("")) == (
        "Vietnamese", "French", "unknown language", "unknown language")


def test_a_declared_language_is_a_hint_only_when_briefing_knows_it() -> None:
    from briefing.text.language import detect_language as detect_lang

    assert detect_lang("Bonjour.", "FR-fr") == "fr"
    assert detect_lang("Bonjour.", "./") == detect_lang("Bonjour.") != "./"
