"""The JSON record of a briefing: title, period, sections, key figures, the stories in rank order and every
article in full (display cuts never apply here)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from briefing.records import GENERATOR, Briefing
from briefing.summarize.figures import KeyFigure


def briefing_json(briefing: Briefing, figures: Sequence[KeyFigure]) -> str:
    """The briefing as JSON: title, period, generation date, sections, stories in rank order, every article."""
    data = {
        "generator": GENERATOR,  # first: the mark by which ingestion knows the file as briefing's own
        "title": briefing.title,
        "period": {
            "label": briefing.period.label,
            "week": briefing.period.week,
            "start": briefing.period.start.isoformat() if briefing.period.start else None,
            "end": briefing.period.end.isoformat() if briefing.period.end else None,
        },
        "generated": briefing.generated.isoformat(),
        "languages": list(briefing.languages),
        "publishers": list(briefing.publishers),
        "translated": briefing.translated,
        "engine": briefing.engine,
        "undated": briefing.undated,
        "sections": [
            {"theme": s.theme, "keywords": list(s.keywords), "stories": [story.id for story in s.stories]}
            for s in briefing.sections
        ],
        "key_figures": [dataclasses.asdict(f) for f in figures],
        "stories": [s.to_json() for s in briefing.stories],
        "articles": [a.to_json() for a in briefing.articles],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
