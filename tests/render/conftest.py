"""Shared by the rendering tests: briefings built directly from records (the other stages are not involved),
and readers for what the renderer writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pypdf
import pytest

from briefing.records import Article, Briefing, Period, Section, Story
from tests.helpers import story_of, translated

GENERATED = dt.datetime(2025, 10, 6, 8, 30, tzinfo=dt.UTC)
WEEK = Period(dt.date(2025, 9, 29), dt.date(2025, 10, 5), "2025-W40")


def briefing_of(sections: dict[str, list[Article | Story]], **overrides: Any) -> Briefing:
    """A Briefing over `sections` (theme → stories, or articles that make one-article stories), ranked in
    the order given, with the cover facts derived from the articles."""
    themed: dict[str, list[Story]] = {}
    rank = 0
    for theme, group in sections.items():
        for item in group:
            rank += 1
            story = item if isinstance(item, Story) else story_of(item, rank, theme)
            themed.setdefault(theme, []).append(dataclasses.replace(story, rank=rank, theme=theme))
    articles = [a for group in themed.values() for s in group for a in s.articles]
    fields: dict[str, Any] = {
        "title": "Mekong Weekly",
        "period": WEEK,
        "sections": tuple(Section(theme, tuple(group), ("AI", "start-ups")) for theme, group in themed.items()),
        "generated": GENERATED,
        "languages": tuple(sorted({a.lang for a in articles})),
        "publishers": tuple(sorted({a.publisher for a in articles if a.publisher})),
        "translated": True,
        "engine": "argos",
        "undated": sum(1 for a in articles if a.date is None),
    }
    fields.update(overrides)
    return Briefing(**fields)


@pytest.fixture
def sample() -> Briefing:
    """Two themes, one undated article, one French publisher."""
    return briefing_of({
        "Technology": [translated(1), translated(2), translated(3, date=None)],
        "Economy": [translated(4, publisher="Le Monde", lang="fr", summary_en="Exports rose 12.5% in September.")],
    })


def page_texts(reader: pypdf.PdfReader) -> list[str]:
    """Each page's text, NFC-normalised (PDF extraction may hand back decomposed accents)."""
    return [unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages]


def flat(text: str) -> str:
    """Whitespace collapsed, so wrapped lines compare equal to their source."""
    return " ".join(text.split())


class EmailParser(HTMLParser):
    """Collects what the email tests look at: tags, attributes, styles and visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.style_blocks: list[str] = []
        self.chunks: list[str] = []
        self._in_style = False

    @classmethod
    def parse(cls, path: Path) -> EmailParser:
        """The parsed file."""
        return cls.parse_text(path.read_text(encoding="utf-8"))

    @classmethod
    def parse_text(cls, html: str) -> EmailParser:
        """The parsed HTML."""
        parser = cls()
        parser.feed(html)
        return parser

    @property
    def text(self) -> str:
        """The visible text."""
        return " ".join(self.chunks)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style_blocks.append(data)
        elif data.strip():
            self.chunks.append(data)


def user_templates(tmp_path: Path, name: str, text: str) -> Path:
    """A templates folder holding one template `name` with `text`."""
    folder = tmp_path / "mine"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder
