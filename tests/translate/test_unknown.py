"""Words Apertium leaves untranslated get English from a fallback: the Catalan chains on those words, FreeDict,
then spelling rules; names are left alone. Real apertium and the Debian dictionary, no stand-ins."""

from __future__ import annotations

import pytest

from briefing.translate.apertium import ApertiumEngine, Steps, installed_modes, word_route
from briefing.translate.settings import FR_EN_CATALAN
from briefing.translate.unknown import (
    FRENCH_COGNATES,
    FRENCH_DICTIONARY,
    Fallbacks,
    cognate,
    dictionary_lookup,
    load_dictionary,
    replace_unknown,
    strip_marks,
    unknown_words,
)

needs_catalan = pytest.mark.skipif(not set(FR_EN_CATALAN) <= installed_modes(),
                                   reason="apertium-fra-cat and apertium-eng-cat are not installed")


@needs_catalan
def test_french_words_the_chain_lacks_are_translated_not_passed_through() -> None:
    lines = ["La société robotique a continuellement progressé.", "", "Les lunettes coûtent cher."]
    plain, edited = (ApertiumEngine("fr", "en", steps=steps).translate(lines)
                     for steps in (Steps(preedit=False, unknown=False, rewrite=False), Steps()))
    assert "robotique" in plain[0] and "continuellement" in plain[0]  # what a user saw before
    assert "robotic" in edited[0] and "continuously" in edited[0]
    assert "robotique" not in edited[0] and "continuellement" not in edited[0]
    assert edited[1] == ""
    assert len(edited) == len(lines)


def test_names_and_acronyms_are_left_alone() -> None:
    english = ApertiumEngine("fr", "en").translate(["Le ministre Nguyen Manh Hung a rencontré la JICA à Hanoï."])[0]
    assert "Nguyen Manh Hung" in english and "JICA" in english


@needs_catalan
def test_the_catalan_route_answers_single_words() -> None:
    assert word_route(["robotique", "continuellement"], FR_EN_CATALAN) == ["robotic", "continuously"]
    assert word_route(["robotique"], ("xx-yy", "yy-zz")) is None  # modes not installed: no route


def test_the_dictionary_gives_a_first_sense_also_for_an_inflected_form() -> None:
    entries = load_dictionary(FRENCH_DICTIONARY)
    if not entries:
        pytest.skip("dict-freedict-fra-eng is not installed")
    assert dictionary_lookup("lunettes", entries, ("s", "x")) in {"glasses", "spectacles"}
    assert dictionary_lookup("zzzzqq", entries, ("s",)) is None


@pytest.mark.parametrize(("word", "english"), [
    ("électroniques", "electronics"), ("fulgurante", "fulgurant"), ("numériquement", "numerically"),
    ("continuité", "continuity"), ("an", None),
])
def test_cognate_rules_respell_regular_endings(word: str, english: str | None) -> None:
    assert cognate(word, FRENCH_COGNATES) == english


def test_a_replaced_word_gets_the_article_it_needs_and_every_mark_goes() -> None:
    fallbacks = Fallbacks(known={("fr", "ordinateur"): "computer", ("fr", "hisser"): "hoist",
                                 ("es", "millardos"): "billions", ("fr", "avion"): "airplane"})
    spanish = "Un *ordinateur para *hisser 3 millardos y un *avion"
    english = "A *ordinateur for *hisser 3 *millardos and an *avion"
    assert [w for _, w, _ in unknown_words(spanish, english)] == ["ordinateur", "hisser", "millardos", "avion"]
    assert replace_unknown(spanish, english, "", fallbacks) == "A computer for hoist 3 billions and an airplane"
    assert strip_marks("#tag and *word and Al-*Qaeda", "#tag") == "#tag and word and Al-Qaeda"
