"""The JSON part: every article and story, and the briefing's facts."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from briefing.records import Article, Briefing, Entity, Mention
from briefing.render import render
from tests.helpers import story_of, translated
from tests.render.conftest import briefing_of


def test_json_holds_every_article_and_the_briefing_facts(sample: Briefing, tmp_path: Path) -> None:
    data = json.loads(render(sample, tmp_path).json.read_text(encoding="utf-8"))
    assert data["title"] == "Mekong Weekly"
    assert data["period"] == {"label": "2025-W40", "week": "2025-W40", "start": "2025-09-29", "end": "2025-10-05"}
    assert data["generated"] == "2025-10-06T08:30:00+00:00"
    assert data["articles"] == [a.to_json() for a in sample.articles]
    assert [s["theme"] for s in data["sections"]] == ["Technology", "Economy"]
    assert data["sections"][0]["stories"] == ["s-a1", "s-a2", "s-a3"]
    assert data["key_figures"][0]["value"] == "101 billion USD"
    assert data["key_figures"][0]["story_id"] == "s-a1"
    stories = data["stories"]
    assert [s["rank"] for s in stories] == [1, 2, 3, 4]
    assert stories[3] == {
        "story": "s-a4", "rank": 4, "score": 0.0, "title": "Le Vietnam lance le programme numéro 4",
        "title_en": "Vietnam launches programme number 4", "summary": sample.stories[3].summary,
        "summary_en": "Exports rose 12.5% in September.", "lang": "fr", "theme": "Economy", "articles": ["a4"],
        "sources": ["Le Monde"], "languages": ["fr"], "first_date": "2025-10-05", "last_date": "2025-10-05",
        "flags": [], "entities": [],
    }


def test_json_gives_each_story_its_entities_and_each_article_its_names(tmp_path: Path) -> None:
    vna = translated(1, entities=(Mention("Tô Lâm", "person"), Mention("Hà Nội", "place")))
    nhan_dan = translated(2, publisher="Nhân Dân", entities=(Mention("Tô Lâm", "person"),))
    story = dataclasses.replace(story_of(vna, 1, "", nhan_dan), entities=(
        Entity("Tô Lâm", "person", ("a1", "a2")), Entity("Hà Nội", "place", ("a1",))))
    data = json.loads(render(briefing_of({"Technology": [story]}), tmp_path).json.read_text(encoding="utf-8"))
    assert data["stories"][0]["entities"] == [
        {"name": "Tô Lâm", "name_en": "Tô Lâm", "type": "person", "articles": ["a1", "a2"]},
        {"name": "Hà Nội", "name_en": "Hà Nội", "type": "place", "articles": ["a1"]}]
    assert data["articles"][1]["entities"] == [{"name": "Tô Lâm", "type": "person"}]
    assert Article.from_json(data["articles"][0]).entities == vna.entities  # read back as it was written
