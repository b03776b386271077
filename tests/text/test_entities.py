"""Named entities on real sentences: spaCy's French pipeline for French, the capitalised-name rule elsewhere."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from briefing.records import Mention
from briefing.text.entities import EntityCache, _head, entities, name_key
from briefing.text.nlp import pipeline
from briefing.text.settings import ENTITY_TEXT_CHARS

SEED_FR = (
    "Le Centre national d’innovation (NIC), en collaboration avec l’Agence japonaise de coopération "
    "internationale (JICA) et le Boston Consulting Group, a lancé jeudi à Hanoi un programme pour les start-up. "
    "S’exprimant lors du forum, M. Vo Xuan Hoai, directeur adjoint du NIC, a salué la résolution du Politburo."
)
WIRE_EN = (
    "WASHINGTON (AP) -- President Bill Clinton met Prime Minister Hun Sen of Cambodia at the White House on "
    "Tuesday. Hun Sen said the talks went well. The World Bank and the University of Chicago published a report "
    "on the economy of Cambodia, and Dr. Ralph Hoffman of Yale University said the figures were sound."
)


def names(found: tuple[Mention, ...]) -> dict[str, str]:
    return {m.name: m.type for m in found}


def test_french_names_come_from_spacy_with_their_kind() -> None:
    assert pipeline("fr") is not None
    found = names(entities([SEED_FR], ["fr"])[0])
    assert found["Vo Xuan Hoai"] == "person"  # "M." is a title, not part of the name
    assert found["JICA"] == "organisation" and found["Boston Consulting Group"] == "organisation"
    assert found["Hanoi"] == "place"


def test_english_names_come_from_the_capitalised_name_rule() -> None:
    assert pipeline("en") is None  # no official English model on PyPI
    found = names(entities([WIRE_EN], ["en"])[0])
    assert found["Bill Clinton"] == "person"  # after a title
    assert found["Hun Sen"] == "person"  # once, though named twice (once at a sentence's start)
    assert found["Ralph Hoffman"] == "person"
    assert found["World Bank"] == "organisation" and found["University of Chicago"] == "organisation"
    assert found["Cambodia"] == "place"
    assert "WASHINGTON" not in found and "AP" not in found  # the dateline is not a name
    assert not {"Tuesday", "The", "President", "Prime Minister"} & set(found)


def test_a_sentence_that_starts_with_a_common_word_gives_no_name() -> None:
    found = names(entities(["Scientists said the trial worked. Doctors agreed on Monday."], ["en"])[0])
    assert found == {}


def test_a_line_break_ends_a_sentence_and_long_runs_of_white_space_are_read_through() -> None:
    """A title on its own line is a sentence of its own, so its last word does not run into the lead's first;
    a title padded with 100,000 spaces (or no-break spaces) still gives its names. (Its time, once quadratic
    in the run's length: benchmarks/hostile_parts.py.)"""
    assert _head("Storm hits Boston\nMayor Wu said", 100) == "Storm hits Boston. Mayor Wu said"
    assert _head("It ended.\n\n  Then", 100) == "It ended. Then"
    for space in (" ", "\u00a0", "\t"):
        found = names(entities(["Storm" + space * 100_000 + "hits Boston on Monday."], ["en"])[0])
        assert found == {"Boston": "place"}


def test_names_match_across_spellings_and_languages() -> None:
    assert name_key("Viêt Nam") == name_key("Vietnam") == "vietnam"
    assert name_key("U.S.") == name_key("US")
    french = entities(["Le Japon et la JICA ont signé un accord avec Vo Xuan Hoai à Hanoi."], ["fr"])[0]
    english = entities(["Japan's JICA signed an agreement with Vo Xuan Hoai in Hanoi."], ["en"])[0]
    shared = {name_key(m.name) for m in french} & {name_key(m.name) for m in english}
    assert {"jica", "voxuanhoai", "hanoi"} <= shared


def test_every_text_gets_its_own_names_in_order_of_appearance() -> None:
    found = entities(["", "Rien à signaler.", SEED_FR, WIRE_EN], ["fr", "fr", "fr", "en"])
    assert found[0] == () and found[1] == ()
    assert [m.name for m in found[2]].index("JICA") < [m.name for m in found[2]].index("Vo Xuan Hoai")


def test_with_workers_spacy_runs_on_them_and_finds_the_same_names() -> None:
    texts = [SEED_FR, WIRE_EN, *(f"{SEED_FR} Article {i}." for i in range(40))]
    langs = ["fr", "en", *(["fr"] * 40)]
    here = entities(texts, langs)
    on_workers = """if True:  # a fresh process with two workers: the driver itself never loads spaCy
        import json, sys
        from briefing.runtime import parallel
        from briefing.text import nlp
        from briefing.text.entities import entities
        texts, langs = json.loads(sys.stdin.read())
        with parallel.pool(2) as executor:
            found = entities(texts, langs, executor=executor)
        print(json.dumps([[[m.name, m.type] for m in names] for names in found]))
        print("fr" in nlp._LOADED)
    """
    done = subprocess.run([sys.executable, "-c", on_workers], input=json.dumps([texts, langs]), capture_output=True,
                          text=True, check=True)
    found, loaded = done.stdout.splitlines()
    assert json.loads(found) == [[[m.name, m.type] for m in names] for names in here]
    assert loaded == "False"


def test_french_names_are_cached_by_text_so_a_rerun_runs_no_model(tmp_path: Path) -> None:
    cache = tmp_path / "entities.sqlite"
    first = entities([SEED_FR, WIRE_EN], ["fr", "en"], cache=cache)
    stored = EntityCache(cache).get_many("fr", [_head(SEED_FR, ENTITY_TEXT_CHARS)])
    assert list(stored.values()) == [first[0]]  # spaCy's names are kept; the rule's cost nothing to redo
    assert entities([SEED_FR, WIRE_EN], ["fr", "en"], cache=cache) == first
    rerun = (  # a fresh process finds every name in the cache and never loads spaCy
        "import sys; from pathlib import Path; from briefing.text import nlp; "
        "from briefing.text.entities import entities; "
        f"names = entities([{SEED_FR!r}], ['fr'], cache=Path(sys.argv[1])); "
        "print(len(names[0]), 'fr' in nlp._LOADED, 'spacy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", rerun, str(cache)], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [str(len(first[0])), "False", "False"]


def test_names_a_different_release_of_the_model_found_are_not_served(tmp_path: Path) -> None:
    """Upgrading the French model (or spaCy) may change its names: the cache keys them by the release too."""
    cache = tmp_path / "entities.sqlite"
    first = entities([SEED_FR], ["fr"], cache=cache)
    lead = _head(SEED_FR, ENTITY_TEXT_CHARS)
    assert list(EntityCache(cache).get_many("fr", [lead]).values()) == [first[0]]  # the installed release
    assert EntityCache(cache, release="0.0.1 0.0.1").get_many("fr", [lead]) == {}
