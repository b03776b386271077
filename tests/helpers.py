"""Builders shared by tests in several folders: real eval rows (AG News, OrangeSum) and translated stories."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from briefing.records import Article, Story
from tests.conftest import make_article

AGNEWS_LABELS = {"1": "World", "2": "Sports", "3": "Business", "4": "Sci/Tech"}
WORD = re.compile(r"\w+")


def agnews(shared_dir: Path, count: int) -> list[dict[str, Any]]:
    """The first `count` AG News rows as records: text = title + ". " + description, and the label name."""
    with (shared_dir / "eval" / "agnews_dev.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:count]
    return [
        {"id": str(i), "text": f"{r['title'].strip()}. {r['description'].strip()}", "label": AGNEWS_LABELS[r["label"]]}
        for i, r in enumerate(rows)
    ]


def _orangesum(shared_dir: Path, limit: int) -> list[dict]:
    path = shared_dir / "eval" / "orangesum_valid.jsonl"
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for _, line in zip(range(limit), stream, strict=False)]


def story_of(article: Article, rank: int, theme: str = "", *more: Article) -> Story:
    """A story of `article` (and `more` articles on the same event), shown with the first one's texts."""
    return Story(
        id=f"s-{article.id}", articles=(article, *more), lang=article.lang, title=article.title,
        summary=article.summary, title_en=article.title_en, summary_en=article.summary_en,
        figure_sentences=article.figure_sentences, figure_sentences_en=article.figure_sentences_en,
        rank=rank, theme=theme, flags=article.flags,
    )


def translated(number: int, **overrides: Any) -> Article:
    """A translated article with a figure and Vietnamese names in its English summary."""
    fields: dict[str, Any] = {
        "id": f"a{number}",
        "title": f"Le Vietnam lance le programme numéro {number}",
        "title_en": f"Vietnam launches programme number {number}",
        "summary": "Le Vietnam lance un programme. Il soutient les start-up en IA.",
        "summary_en": (
            f"General Secretary Tô Lâm said the AI economy could reach {100 + number} billion USD by 2040. "
            "Minister Nguyễn Mạnh Hùng announced the programme in Hà Nội."
        ),
        "url": f"https://example.org/news/{number}",
        "publisher": "VNA",
        "date": dt.date(2025, 10, 1 + number % 5),
    }
    fields.update(overrides)
    return make_article(**fields)
