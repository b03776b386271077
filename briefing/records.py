"""Typed, immutable records that flow between the stages.

A stage never mutates a record: it returns a new one with `dataclasses.replace`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing import __version__
from briefing.errors import BadWeek
from briefing.runtime.jsonl import quoted


@dataclass(frozen=True, slots=True)
class Mention:
    """A name an article uses: a person, an organisation, a place (or "other" when the rule cannot tell)."""

    name: str  # as the article spells it
    type: str  # "person", "organisation", "place" or "other"


@dataclass(frozen=True, slots=True)
class Entity:
    """A name a story's articles use, with the articles that use it."""

    name: str  # its commonest spelling in the story
    type: str  # as `Mention.type`
    articles: tuple[str, ...]  # the ids of the articles that name it, in the story's reading order
    name_en: str = ""  # its English form (stage 4: "Japon" -> "Japan"); "" where the name is shown as it is

    @property
    def shown(self) -> str:
        """The name as the briefing shows it: its English form when it has one."""
        return self.name_en or self.name

    def to_json(self) -> dict[str, Any]:
        """{"name", "name_en", "type", "articles"} ("name_en" is the name itself where it has no English form)."""
        return {"name": self.name, "name_en": self.shown, "type": self.type, "articles": list(self.articles)}


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, from ingestion to rendering.

    Ingestion fills the first block; later stages fill the rest with `dataclasses.replace`.
    """

    id: str
    path: str  # the file or URL it came from
    title: str
    text: str
    lang: str
    date: dt.date | None = None
    url: str | None = None
    publisher: str | None = None
    title_derived: bool = False  # True when the title was made from the lead, not found
    # filled by later stages
    summary: str = ""  # extractive summary in the article's own language
    title_en: str = ""
    summary_en: str = ""
    theme: str = ""
    theme_score: float | None = None
    flags: tuple[str, ...] = ()  # e.g. "untranslated", "translation-suspect"
    figure_sentences: tuple[str, ...] = ()  # sentences of `text` stating amounts or shares (own language)
    figure_sentences_en: tuple[str, ...] = ()  # their translations, for the key-figures box
    story: str = ""  # the id of the story the article belongs to (stage 3)
    entities: tuple[Mention, ...] = ()  # the names in its title and lead (stage 3), in order of appearance

    _TUPLES = ("flags", "figure_sentences", "figure_sentences_en")
    # the stage contract of `briefing ingest --jsonl`, and what `briefing stories` reads back
    CONTRACT = ("id", "path", "title", "date", "url", "publisher", "lang", "text", "title_derived")

    def to_json(self) -> dict[str, Any]:
        """The record as a JSON-ready dict (dates as ISO strings)."""
        data = dataclasses.asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        for name in self._TUPLES:
            data[name] = list(data[name])
        data["entities"] = [{"name": m.name, "type": m.type} for m in self.entities]
        return data

    def contract_json(self) -> dict[str, Any]:
        """The `ingest --jsonl` object: the fields ingestion settles (`CONTRACT`), in that order."""
        data = self.to_json()
        return {name: data[name] for name in self.CONTRACT}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Article:
        """Build an Article from a dict such as `to_json` gives; unknown keys are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in names}
        raw_date = kwargs.get("date")
        kwargs["date"] = dt.date.fromisoformat(raw_date) if raw_date else None
        for name in cls._TUPLES:
            kwargs[name] = tuple(kwargs.get(name) or ())
        kwargs["entities"] = tuple(Mention(m["name"], m["type"]) for m in kwargs.get("entities") or ())
        kwargs.setdefault("id", "")
        kwargs.setdefault("path", "")
        kwargs.setdefault("title", "")
        kwargs.setdefault("text", "")
        kwargs.setdefault("lang", "")
        return cls(**kwargs)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A source that gave no article, and why (one line, for the user)."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class Merged:
    """A duplicate that ingestion dropped in favour of the article it kept."""

    kept_id: str
    dropped: str  # the dropped copy's path
    reason: str  # "exact duplicate" or "near duplicate (similarity 0.93)"


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What ingestion found: articles, skipped sources, merged duplicates, warnings."""

    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...] = ()
    merged: tuple[Merged, ...] = ()
    warnings: tuple[str, ...] = ()  # e.g. "002.txt: no date found"


@dataclass(frozen=True, slots=True)
class Theme:
    """A named section of the briefing, from a taxonomy file or discovered."""

    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one event, from one or more outlets and languages, with one headline and summary.

    Stage 3 fills the grouping, headline, summary and rank; stage 4 the English text; stage 5 the theme.
    """

    id: str  # stable: made from its articles' ids
    articles: tuple[Article, ...]  # in reading order: oldest first, undated last
    lang: str  # the story's main language: that of most of its articles
    title: str  # the best real headline among its articles (in its own language)
    title_derived: bool = False  # True when no article had a real headline and the title was made from a lead
    summary: str = ""  # extractive, in `lang`, from all its articles in that language
    title_en: str = ""
    summary_en: str = ""
    rank: int = 0  # 1 = the most important story of the briefing
    score: float = 0.0  # what the rank is sorted by (see briefing.stories.rank)
    theme: str = ""
    theme_score: float | None = None
    flags: tuple[str, ...] = ()  # "untranslated", "translation-suspect"
    figure_sentences: tuple[str, ...] = ()  # sentences stating amounts or shares, outside the summary
    figure_sentences_en: tuple[str, ...] = ()
    # the English title and lead it was grouped on ("" when grouped in another language): what themes read
    # when the summary is not translated
    grouping_text: str = ""
    entities: tuple[Entity, ...] = ()  # its people, organisations and places, the most important first

    @property
    def publishers(self) -> tuple[str, ...]:
        """Its distinct publishers, in the order they first covered it."""
        return tuple(dict.fromkeys(a.publisher for a in self.articles if a.publisher))

    @property
    def languages(self) -> tuple[str, ...]:
        """Its articles' languages, the main one first."""
        others = sorted({a.lang for a in self.articles if a.lang} - {self.lang})
        return (self.lang, *others) if self.lang else tuple(others)

    @property
    def first_date(self) -> dt.date | None:
        """The date of its earliest dated article."""
        return min((a.date for a in self.articles if a.date), default=None)

    @property
    def last_date(self) -> dt.date | None:
        """The date of its latest dated article."""
        return max((a.date for a in self.articles if a.date), default=None)

    def to_json(self) -> dict[str, Any]:
        """The JSON form of `briefing-<label>.json`'s "stories" entries and of `briefing stories`."""
        return {
            "story": self.id, "rank": self.rank, "score": self.score, "title": self.title,
            "title_en": self.title_en, "summary": self.summary, "summary_en": self.summary_en,
            "lang": self.lang, "theme": self.theme, "articles": [a.id for a in self.articles],
            "sources": list(self.publishers), "languages": list(self.languages),
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "flags": list(self.flags), "entities": [e.to_json() for e in self.entities],
        }


@dataclass(frozen=True, slots=True)
class Section:
    """A theme with its stories, in the order the briefing shows them."""

    theme: str
    stories: tuple[Story, ...]
    keywords: tuple[str, ...] = ()  # top keywords or entities, for the overview


_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, slots=True)
class Period:
    """The dates a briefing covers; `week` is set when one ISO week was selected."""

    start: dt.date | None
    end: dt.date | None
    week: str | None = None  # "2025-W40"

    @classmethod
    def of_week(cls, value: str, today: dt.date) -> Period:
        """The ISO week 'YYYY-Www', 'this' or 'last' (the last complete week before `today`: the week before
        the current one), Monday to Sunday. Raises BadWeek saying what to write; light enough for the CLI to
        check --week before any stage is loaded."""
        value = value.strip()
        if value in ("this", "last"):
            monday = today - dt.timedelta(days=today.weekday())
            if value == "last":
                monday -= dt.timedelta(days=7)
        else:
            match = _WEEK.match(value)
            if not match:
                raise BadWeek(f"--week {quoted(value)}: use YYYY-Www (e.g. 2025-W40), 'last' or 'this'")
            year, week = int(match.group(1)), int(match.group(2))
            try:
                monday = dt.date.fromisocalendar(year, week, 1)
            except ValueError:
                raise BadWeek(f"--week {quoted(value)}: {year} has no ISO week {week}") from None
        try:
            sunday = monday + dt.timedelta(days=6)
        except OverflowError:  # the last week of year 9999 ends in year 10000
            last = f"--week {quoted(value)}: that week ends after the last date there is; give an earlier one"
            raise BadWeek(last) from None
        iso = monday.isocalendar()
        return cls(monday, sunday, f"{iso.year}-W{iso.week:02d}")

    @classmethod
    def covering(cls, dates: Iterable[dt.date | None]) -> Period:
        """The period from the earliest to the latest of `dates` (None ignored; undated when none is known)."""
        known = [day for day in dates if day is not None]
        return cls(min(known, default=None), max(known, default=None))

    @property
    def label(self) -> str:
        """File-name label: the ISO week, else first_last dates, else 'undated'."""
        if self.week:
            return self.week
        if self.start and self.end:
            if self.start == self.end:
                return self.start.isoformat()
            return f"{self.start.isoformat()}_{self.end.isoformat()}"
        return "undated"


@dataclass(frozen=True, slots=True)
class Briefing:
    """Everything the templates need to render one briefing: every story of the period, themed in sections.

    How many are shown in full, and how many of those as top stories, is the renderer's choice.
    """

    title: str
    period: Period
    sections: tuple[Section, ...]
    generated: dt.datetime
    languages: tuple[str, ...]
    publishers: tuple[str, ...]
    translated: bool
    engine: str | None  # "argos", "apertium" or None when not translated
    undated: int = 0  # how many articles have no known date

    @property
    def stories(self) -> tuple[Story, ...]:
        """Every story, in rank order."""
        return tuple(sorted((s for section in self.sections for s in section.stories), key=lambda s: (s.rank, s.id)))

    @property
    def articles(self) -> tuple[Article, ...]:
        """Every article, story by story in rank order."""
        return tuple(a for s in self.stories for a in s.articles)


# The mark each of briefing's own outputs carries (the JSON's "generator", the email's <meta name="generator">,
# the text digest's last line), so that no run reads them back as articles, wherever they are (`own_output`).
GENERATOR = f"briefing {__version__}"
OWN_OUTPUT_SIGN_OFF = f"Made by {GENERATOR}."  # the text digest's last line
_OWN_MARKS = (  # (what it is, its mark, where in the file the mark is)
    ("a briefing's JSON record", re.compile(r'\A\s*\{\s*"generator"\s*:\s*"briefing \d'), slice(0, 200)),
    ("a briefing's email digest", re.compile(r'<meta\s+name="generator"\s+content="briefing \d'), slice(0, 16_384)),
    ("a briefing's text digest", re.compile(r"(?:\A|\n)Made by briefing \d[\w.+-]*\.\s*\Z"), slice(-400, None)),
)


def own_output(text: str) -> str | None:
    """What of briefing's own outputs `text` is ("a briefing's JSON record", "...email digest", "...text
    digest"), by the mark it carries; None for anything else. Reads at most a few KB of it."""
    for what, mark, where in _OWN_MARKS:
        if mark.search(text[where]):
            return what
    return None


@dataclass(frozen=True, slots=True)
class Outputs:
    """The files one build wrote."""

    pdf: Path
    html: Path
    txt: Path
    json: Path

    def all(self) -> tuple[Path, ...]:
        """Every written path."""
        return (self.pdf, self.html, self.txt, self.json)


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the final line the CLI prints."""

    outputs: Outputs | None
    read: int
    kept: int
    translated: int
    stories: int = 0
    skipped: tuple[Skipped, ...] = ()
    merged: tuple[Merged, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    message: str = ""  # e.g. "no articles dated 2025-W40"
    engine: str | None = None  # the engine(s) that translated: "apertium", "argos", "argos+apertium"
    translated_from: tuple[str, ...] = ()  # the languages translated into the target language
