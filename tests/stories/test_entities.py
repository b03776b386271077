"""A story's entities: the names its articles share, matched across languages, the most named first."""

from __future__ import annotations

from briefing.records import Mention
from briefing.stories.entities import story_entities
from briefing.stories.settings import STORY_ENTITIES_MAX, STORY_ENTITIES_MIN
from briefing.text.entities import entities


def test_names_several_articles_share_come_first_with_the_articles_naming_them() -> None:
    french = "Le Japon et la JICA ont lancé à Hanoi un accélérateur avec M. Vo Xuan Hoai, directeur du NIC."
    english = "Japan's JICA and the NIC launched an accelerator in Hanoi, Vo Xuan Hoai of the NIC said."
    wire = "On Monday, Hoai said the JICA programme would start in Hanoi in October with Boston Consulting Group."
    found = entities([french, english, wire], ["fr", "en", "en"])
    story = story_entities(list(zip(("fr1", "en1", "en2"), found, strict=True)))
    by_name = {e.name: e for e in story}
    assert by_name["JICA"].articles == ("fr1", "en1", "en2")
    assert by_name["Hanoi"].articles == ("fr1", "en1", "en2") and by_name["Hanoi"].type == "place"
    assert by_name["Vo Xuan Hoai"].articles == ("fr1", "en1", "en2")  # "Hoai" alone is the same person
    assert by_name["Vo Xuan Hoai"].type == "person"
    counts = [len(e.articles) for e in story]
    assert counts == sorted(counts, reverse=True)
    assert "Boston Consulting Group" not in by_name  # one article's passing mention: not the story's


def test_a_single_article_story_keeps_its_names_and_no_story_lists_too_many() -> None:
    many = tuple(Mention(f"Person {chr(65 + i)}{chr(97 + i)}", "person") for i in range(20))
    alone = story_entities([("a1", many)])
    assert len(alone) == STORY_ENTITIES_MAX and alone[0].articles == ("a1",)
    pair = story_entities([("a1", many[:3]), ("a2", many[3:6])])  # nothing shared: topped up to the minimum
    assert len(pair) == STORY_ENTITIES_MIN
    assert story_entities([("a1", ())]) == ()
