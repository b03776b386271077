"""Ranking: distinct sources first, then articles, recency and languages; ties broken the same way every time."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.records import Article, Period, Story
from briefing.stories import rank as ranking
from tests.conftest import make_article
from tests.stories.conftest import WEEK


def story(*articles: Article, story_id: str = "s") -> Story:
    """A story of `articles` in the order given."""
    return Story(id=story_id, articles=articles, lang=articles[0].lang, title=articles[0].title)


def test_sources_count_distinct_publishers_and_unknown_ones_once() -> None:
    wire = [make_article(id=f"w{i}", publisher=p) for i, p in enumerate(["AFP", "afp", "Le Monde", None, ""])]
    assert ranking.source_count(story(*wire)) == 3  # AFP (twice), Le Monde, and the unknown ones together


def test_more_sources_beat_more_articles_then_recency_then_languages() -> None:
    day = dt.date(2025, 10, 1)
    two_sources = story(make_article(id="a", publisher="VNA"), make_article(id="b", publisher="Reuters"),
                        story_id="two-sources")
    one_source_many = story(*(make_article(id=f"m{i}", publisher="VNA", date=day) for i in range(6)),
                            story_id="one-source-six-articles")
    recent = story(make_article(id="r", publisher="VNA", date=dt.date(2025, 10, 5)), story_id="recent")
    old = story(make_article(id="o", publisher="VNA", date=dt.date(2025, 9, 29)), story_id="old")
    old_two_languages = story(make_article(id="o1", publisher="VNA", date=dt.date(2025, 9, 29)),
                              make_article(id="o2", publisher="VNA", lang="en", date=dt.date(2025, 9, 29)),
                              story_id="old-two-languages")
    ranked = ranking.rank([old, recent, one_source_many, old_two_languages, two_sources], WEEK)
    assert [s.id for s in ranked] == ["two-sources", "one-source-six-articles", "old-two-languages", "recent", "old"]
    assert [s.rank for s in ranked] == [1, 2, 3, 4, 5]
    assert ranked[0].score >= 2 > ranked[1].score >= 1
    assert ranked[3].score == pytest.approx(1 + 0.09)  # one source, no extra article, the period's last day


def test_ties_are_broken_by_the_latest_date_then_the_story_id() -> None:
    first = story(make_article(id="x", date=dt.date(2025, 10, 3)), story_id="b")
    second = story(make_article(id="y", date=dt.date(2025, 10, 3)), story_id="a")
    undated = story(make_article(id="z", date=None), story_id="c")
    for order in ([first, second, undated], [undated, second, first]):
        assert [s.id for s in ranking.rank(order, Period(None, None))] == ["a", "b", "c"]
