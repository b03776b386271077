"""What the templates see: each story shown in full (`StoryView`) or in one line (`BriefView`), the theme
sections, the chart and the key figures, with every display string ready and unsafe links dropped.
`template_context` gives all three templates the same context, so they say the same things.

Every text that comes from input reaches the templates through `display.bounded` with its field's bound
(render/settings.py), and the templates see these views only, never a raw record: no field's length can make
the layout slow or the email too big, whichever field a template shows."""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from briefing import __version__
from briefing.options import DEFAULT_MAX_STORIES, DEFAULT_TOP_STORIES
from briefing.records import Article, Briefing, Story
from briefing.render.display import (
    bounded,
    date_range,
    day_text,
    display_title,
    language_name,
    long_date,
    period_text,
    safe_url,
)
from briefing.render.settings import (
    CHART_LABEL_LINE_CHARS,
    EMAIL_WIDTH_PX,
    FIGURE_VALUE_DISPLAY_MAX_CHARS,
    INDEX_KINDS,
    KEYWORD_DISPLAY_MAX_CHARS,
    KEYWORDS_SHOWN,
    NAME_DISPLAY_MAX_CHARS,
    NAMED_KINDS,
    PUBLISHER_DISPLAY_MAX_CHARS,
    STORY_NAMES_CHARS,
    STORY_NAMES_SHOWN,
    STORY_SOURCES_EMAIL,
    STORY_SOURCES_PDF,
    SUMMARY_DISPLAY_MAX_CHARS,
    SUMMARY_FALLBACK_CHARS,
    TEXT_WIDTH,
    THEME_DISPLAY_MAX_CHARS,
    TITLE_DISPLAY_MAX_CHARS,
)
from briefing.stories import rank as ranking
from briefing.summarize.figures import KeyFigure, key_figures
from briefing.summarize.settings import KEY_FIGURE_CONTEXT_CHARS
from briefing.text.entities import name_key
from briefing.text.language import language_key
from briefing.text.plural import counted
from briefing.themes.settings import OTHER_THEME

FLAG_NOTES = {
    "untranslated": "not translated",
    "translation-suspect": "machine translation may be unreliable",
}


@dataclass(frozen=True, slots=True)
class SourceView:
    """One article of a story, as its sources list shows it: who, when, in which language, where."""

    publisher: str
    date: str  # "2 October 2025" or "date unknown"
    language: str
    url: str | None  # only http(s) links survive
    host: str | None  # the link's text: the site's name, or "source" when the publisher already names it
    title: str  # the article's own headline, in its language


@dataclass(frozen=True, slots=True)
class StoryView:
    """One story as the templates show it: display strings ready, unsafe links dropped."""

    anchor: str
    rank: int
    title: str
    original_title: str | None  # shown in small type when it differs from the English title
    summary: str
    original_summary: str | None  # for the bilingual block
    lang: str
    language: str
    theme: str
    dates: str  # "2 October 2025" or "29 September – 2 October 2025"
    publishers: str  # "VNA, Nhân Dân and 3 more"
    languages: str  # "French, English"
    source_count: int  # independent sources
    article_count: int
    sources: tuple[SourceView, ...]  # every article, oldest first
    outlets: tuple[SourceView, ...]  # the first article of each publisher: the email's short sources line
    notes: tuple[str, ...]
    names: str = ""  # its main people, organisations and places: "Vo Xuan Hoai · NIC · JICA · Hanoi"
    in_original: bool = False  # shown in its own language (no engine for it): marked with its lang and dir="auto"


@dataclass(frozen=True, slots=True)
class BriefView:
    """A story listed in one line ("Also this week"): headline, source, date, link."""

    rank: int
    title: str
    source: str  # "VNA" or "VNA +2"
    date: str
    url: str | None
    anchor: str = ""  # its row in the PDF's list, for the index of names


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One person or organisation of the week, with the stories that name it (the PDF's index)."""

    name: str
    kind: str  # "person" or "organisation"
    stories: tuple[tuple[int, str], ...]  # (rank, anchor) of each story naming it, most important first


@dataclass(frozen=True, slots=True)
class SectionView:
    """One theme: its heading, overview line and the stories it shows in full."""

    anchor: str
    theme: str
    count: int  # the theme's stories this week, shown in full or not
    keywords: tuple[str, ...]
    stories: tuple[StoryView, ...]


@dataclass(frozen=True, slots=True)
class FigureView:
    """One key figure: the number, the sentence that says what it measures, and the story it links to."""

    value: str  # "130 billion USD"
    context: str
    kind: str  # "money", "share" or "count"
    story_id: str
    anchor: str  # the story's anchor ("story-3")


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One bar of the stories-per-theme chart; `share` is the bar length from 0 to 1."""

    label: str  # the theme's whole name
    count: int
    share: float
    anchor: str | None  # the section it links to; None when none of its stories is shown in full
    lines: tuple[str, ...] = ()  # the name wrapped to CHART_LABEL_LINE_CHARS, for charts that cannot wrap text


def _summary(story: Story) -> str:
    text = story.summary_en or story.summary
    if text:
        return text
    body = " ".join(story.articles[0].text[: 2 * SUMMARY_FALLBACK_CHARS].split()) if story.articles else ""
    if len(body) <= SUMMARY_FALLBACK_CHARS:
        return body
    return body[:SUMMARY_FALLBACK_CHARS].rsplit(" ", 1)[0] + " …"


def _publisher(name: str | None) -> str:
    """A publisher's name as shown ("" when unknown)."""
    return bounded(name, PUBLISHER_DISPLAY_MAX_CHARS)


def _theme(name: str) -> str:
    """A theme's name as shown ("Other" when it has none)."""
    return bounded(name, THEME_DISPLAY_MAX_CHARS) or OTHER_THEME


def _link_text(url: str | None, publisher: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return "source" if publisher and host == publisher.lower().removeprefix("www.") else bounded(
        host, PUBLISHER_DISPLAY_MAX_CHARS)


def _names(names: Sequence[str], shown: int = 3) -> str:
    if not names:
        return "unknown publisher"
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"


def source_view(article: Article) -> SourceView:
    """How one article is listed among its story's sources."""
    url = safe_url(article.url)
    return SourceView(
        publisher=_publisher(article.publisher) or "unknown publisher",
        date=day_text(article.date),
        language=language_name(article.lang),
        url=url,
        host=_link_text(url, article.publisher),
        title=display_title(article.title),
    )


def story_view(story: Story, anchor: str, *, bilingual: bool,
               summary_chars: int = SUMMARY_DISPLAY_MAX_CHARS) -> StoryView:
    """The display form of one story shown in full; its summaries shown up to `summary_chars` characters."""
    title = display_title(story.title_en or story.title) or "(untitled)"
    original_title = display_title(story.title)
    limit = min(summary_chars, SUMMARY_DISPLAY_MAX_CHARS)
    summary = bounded(_summary(story), limit)
    original = bounded(story.summary, limit) if bilingual and story.summary else ""
    publishers = [_publisher(p) for p in story.publishers]
    sources = tuple(source_view(a) for a in story.articles)
    return StoryView(
        anchor=anchor,
        rank=story.rank,
        title=title,
        original_title=original_title if original_title and original_title != title else None,
        summary=summary,
        original_summary=original if original and original != summary else None,
        lang=language_key(story.lang),  # an HTML lang attribute: only a code briefing knows
        language=language_name(story.lang),
        theme=_theme(story.theme),
        dates=date_range(story.first_date, story.last_date),
        publishers=_names([p for p in publishers if p]),
        languages=", ".join(language_name(code) for code in story.languages) or "unknown language",
        source_count=ranking.source_count(story),
        article_count=len(story.articles),
        sources=sources,
        outlets=_first_per_publisher(sources),
        notes=tuple(FLAG_NOTES[flag] for flag in story.flags if flag in FLAG_NOTES),
        names=names_line(story),
        in_original="untranslated" in story.flags,
    )


def names_line(story: Story) -> str:
    """The story's first STORY_NAMES_SHOWN people, organisations and places, "·"-separated, as many as fit in
    STORY_NAMES_CHARS (one line of the PDF; the first always); "" for none."""
    line = ""
    names = [bounded(e.shown, NAME_DISPLAY_MAX_CHARS) for e in story.entities if e.type in NAMED_KINDS]
    # once each: "London" of an English article and "Londres" of a French one are one name in English
    once: dict[str, str] = {}
    for name in names:
        if name:
            once.setdefault(name_key(name), name)
    for name in list(once.values())[:STORY_NAMES_SHOWN]:
        longer = f"{line} · {name}" if line else name
        if line and len(longer) > STORY_NAMES_CHARS:
            break
        line = longer
    return line


def name_index(stories: Sequence[Story], anchors: dict[str, str], in_full: set[str]) -> tuple[IndexEntry, ...]:
    """The week's people and organisations, alphabetically, each with the stories that name it: those of the
    stories shown in full, and any name two or more stories share (a long week's single-article stories
    would otherwise fill pages with names met once).

    A name is listed in English where a story gives its English form (stories shown in full do), and its
    English and original spellings are one entry ("Banque mondiale" in one story, "World Bank" in another)."""
    english = {name_key(e.name): e.name_en for story in stories for e in story.entities if e.name_en}
    found: dict[str, tuple[str, str, list[Story]]] = {}
    for story in stories:
        for entity in story.entities:
            if entity.type not in INDEX_KINDS:
                continue
            shown = english.get(name_key(entity.name), entity.name)
            named = found.setdefault(name_key(shown), (bounded(shown, NAME_DISPLAY_MAX_CHARS), entity.type, []))[2]
            if story not in named:
                named.append(story)
    entries = [
        IndexEntry(name, kind, tuple((s.rank, anchors[s.id]) for s in sorted(named, key=lambda s: s.rank)))
        for name, kind, named in found.values()
        if name and (len(named) > 1 or any(s.id in in_full for s in named))
    ]
    return tuple(sorted(entries, key=lambda e: (_sort_key(e.name), e.name)))


def _sort_key(name: str) -> str:
    """Alphabetical order as a reader expects it: accents and case aside ("Élysée" among the E)."""
    plain = unicodedata.normalize("NFKD", name)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def _first_per_publisher(sources: Sequence[SourceView]) -> tuple[SourceView, ...]:
    """Each publisher's first article, in the order the publishers first covered the story."""
    first: dict[str, SourceView] = {}
    for source in sources:
        first.setdefault(source.publisher, source)
    return tuple(first.values())


def brief_view(story: Story, anchor: str) -> BriefView:
    """The one-line form of a story, at its `anchor` (as `story_view`)."""
    publishers = [name for name in map(_publisher, story.publishers) if name]
    source = publishers[0] if publishers else "unknown publisher"
    if len(publishers) > 1:
        source += f" +{len(publishers) - 1}"
    url = next((u for u in (safe_url(a.url) for a in story.articles) if u), None)
    return BriefView(rank=story.rank, title=display_title(story.title_en or story.title) or "(untitled)",
                     source=source, date=day_text(story.last_date), url=url, anchor=anchor)


@dataclass(frozen=True, slots=True)
class Shown:
    """Which stories a rendering shows: the top ones, then up to `full` in full, then `listed` in one line (the
    rest are counted by theme)."""

    top: int
    full: int
    listed: int | None = None  # None: every remaining story
    summary_chars: int = SUMMARY_DISPLAY_MAX_CHARS  # summaries are cut to this (the email's last resort)


def story_views(briefing: Briefing, shown: Shown, bilingual: bool) -> dict[str, Any]:
    """The stories as the templates show them: top, sections (the next ones in full), the rest in one line."""
    anchors = {s.id: f"story-{s.rank}" for s in briefing.stories}

    def full(story: Story) -> StoryView:
        return story_view(story, anchors[story.id], bilingual=bilingual, summary_chars=shown.summary_chars)

    top = tuple(full(s) for s in briefing.stories if s.rank <= shown.top)
    sections = []
    bars = []
    for number, section in enumerate(briefing.sections, 1):
        stories = tuple(full(s) for s in section.stories if shown.top < s.rank <= shown.full)
        anchor = f"sec-{number}" if stories else None
        theme = _theme(section.theme)
        if stories:
            keywords = tuple(bounded(k, KEYWORD_DISPLAY_MAX_CHARS) for k in section.keywords[:KEYWORDS_SHOWN])
            sections.append(SectionView(f"sec-{number}", theme, len(section.stories), keywords, stories))
        bars.append((theme, len(section.stories), anchor))
    rest = [s for s in briefing.stories if s.rank > shown.full]
    listed = rest if shown.listed is None else rest[:shown.listed]
    unlisted: dict[str, int] = {}
    for story in rest[len(listed):]:
        unlisted[_theme(story.theme)] = unlisted.get(_theme(story.theme), 0) + 1
    figures = tuple(figure_view(f, anchors[f.story_id]) for f in week_figures(briefing, shown))
    in_full = {s.id for s in briefing.stories if s.rank <= shown.full}
    # by id: a story's equality compares every field of every article, and `in` a list of thousands is quadratic
    in_list = {s.id for s in listed}
    reachable = [s for s in briefing.stories if s.id in in_full or s.id in in_list]
    return {
        "index": name_index(reachable, anchors, in_full),
        "top": top,
        "sections": tuple(sections),
        "more": tuple(brief_view(s, anchors[s.id]) for s in listed),
        "unlisted": len(rest) - len(listed),
        # the stories not listed, counted by theme, most first (then in the sections' order)
        "unlisted_themes": tuple(sorted(unlisted.items(), key=lambda item: -item[1])),
        "bars": chart_bars(bars),
        "figure_anchors": {figure.story_id: figure.anchor for figure in figures},
        "figures": figures,
    }


def file_stem(briefing: Briefing) -> str:
    """The name the four files of a briefing share, before their extension: "briefing-2025-W40"."""
    return f"briefing-{briefing.period.label}"


def week_figures(briefing: Briefing, shown: Shown) -> tuple[KeyFigure, ...]:
    """The key figures of the stories shown in full (as the JSON records them, whole)."""
    return key_figures([s for s in briefing.stories if s.rank <= shown.full])


def figure_view(figure: KeyFigure, anchor: str) -> FigureView:
    """How a key figure is shown: value and sentence bounded, with the anchor of its story."""
    return FigureView(value=bounded(figure.value, FIGURE_VALUE_DISPLAY_MAX_CHARS),
                      context=bounded(figure.context, KEY_FIGURE_CONTEXT_CHARS + 2), kind=figure.kind,
                      story_id=bounded(figure.story_id, TITLE_DISPLAY_MAX_CHARS), anchor=anchor)


def chart_bars(counts: Sequence[tuple[str, int, str | None]]) -> tuple[ChartBar, ...]:
    """One bar per (theme, stories, anchor), the longest bar being the theme with most stories."""
    most = max((count for _, count, _ in counts), default=0) or 1
    return tuple(ChartBar(label, count, count / most, anchor,
                          tuple(textwrap.wrap(label, CHART_LABEL_LINE_CHARS)) or (label,))
                 for label, count, anchor in counts)


def template_context(briefing: Briefing, *, paper: str = "A4", bilingual: bool = False,
                     shown: Shown | None = None) -> dict[str, Any]:
    """Everything the three templates may use; the same for all of them so they say the same things."""
    shown = shown or Shown(DEFAULT_TOP_STORIES, DEFAULT_MAX_STORIES)
    views = story_views(briefing, shown, bilingual)
    stories = briefing.stories
    return {
        "title": display_title(briefing.title),
        "period": period_text(briefing.period),
        "label": briefing.period.label,
        "json_file": f"{file_stem(briefing)}.json",  # where every story is, when a rendering lists only some
        "undated": briefing.undated,
        "generated": f"{long_date(briefing.generated.date())}, {briefing.generated:%H:%M}",
        # W3C dates need an offset: a naive time is the machine's local time, as datetime.now() gave it
        "generated_iso": briefing.generated.astimezone().isoformat(timespec="seconds"),
        "count": len(briefing.articles),
        "story_count": len(stories),
        "multi_source": sum(1 for s in stories if ranking.source_count(s) > 1),
        "themes": [_theme(s.theme) for s in briefing.sections],
        "languages": [language_name(code) for code in briefing.languages],
        "publishers": [name for name in map(_publisher, briefing.publishers) if name],
        "translated": briefing.translated,
        "engine": bounded(briefing.engine, TITLE_DISPLAY_MAX_CHARS) or None,
        "lang": "en" if briefing.translated or len(briefing.languages) != 1 else language_key(briefing.languages[0]),
        **views,
        "paper": paper,
        "bilingual": bilingual,
        "email_width": EMAIL_WIDTH_PX,
        "email_sources": STORY_SOURCES_EMAIL,
        "pdf_sources": STORY_SOURCES_PDF,
        "text_width": TEXT_WIDTH,
        "version": __version__,
        "counted": counted,  # counted(2, "story") → "2 stories": counts read as English in every template
    }
