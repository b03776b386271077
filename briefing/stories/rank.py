"""Importance of a story: how many independent sources cover it, then how much, how recently, in how many languages.

    score = sources + 0.9 * (1 - 1 / (1 + extra articles)) + 0.09 * recency + 0.009 * (1 - 1 / languages)

- sources: distinct publishers; articles whose publisher is unknown count as one source together (nothing
  shows they are independent). Copies of one wire story were merged by ingestion, and papers that run the
  same agency story carry the agency as publisher, so they count once.
- extra articles: articles beyond one per source; each adds less than the one before, and all of them
  together less than one more source.
- recency: where the story's latest article falls in the period, 0 (first day) to 1 (last day).
- languages: distinct languages of its articles.

The whole part of the score is the number of sources, so a story covered by more outlets always ranks first;
the fraction orders stories with as many sources. Ties are broken by the latest date, then by the story id.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from briefing.records import Period, Story
from briefing.stories.settings import RANK_ARTICLES_WEIGHT, RANK_LANGUAGES_WEIGHT, RANK_RECENCY_WEIGHT


def source_count(story: Story) -> int:
    """Independent sources: distinct publishers, with every unknown publisher counted once together."""
    known = {a.publisher.strip().lower() for a in story.articles if a.publisher and a.publisher.strip()}
    unknown = any(not (a.publisher and a.publisher.strip()) for a in story.articles)
    return len(known) + (1 if unknown else 0)


def recency(story: Story, period: Period) -> float:
    """0 when the story's latest article is on the period's first day, 1 on its last; 0 when undated."""
    last = story.last_date
    if last is None or period.start is None or period.end is None:
        return 0.0
    span = (period.end - period.start).days
    if span <= 0:
        return 1.0
    return min(1.0, max(0.0, (last - period.start).days / span))


def score(story: Story, period: Period) -> float:
    """The story's importance (see the module docstring), rounded to 4 decimals."""
    count = source_count(story)
    extra = max(0, len(story.articles) - count)
    languages = max(1, len({a.lang for a in story.articles if a.lang}))
    value = (
        count
        + RANK_ARTICLES_WEIGHT * (1 - 1 / (1 + extra))
        + RANK_RECENCY_WEIGHT * recency(story, period)
        + RANK_LANGUAGES_WEIGHT * (1 - 1 / languages)
    )
    return round(value, 4)


def rank(stories: Sequence[Story], period: Period) -> list[Story]:
    """The stories, most important first, with `score` and `rank` (1, 2, …) set."""
    scored = [dataclasses.replace(s, score=score(s, period)) for s in stories]
    scored.sort(key=lambda s: (-s.score, -(s.last_date.toordinal() if s.last_date else 0), s.id))
    return [dataclasses.replace(s, rank=position) for position, s in enumerate(scored, 1)]
