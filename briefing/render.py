"""Stage 6: the briefing as a PDF, an email HTML, a plain-text digest and a JSON record.

The templates in `templates/` (or a user's `--templates DIR`, which overrides them file by file) are
rendered with Jinja autoescaping on for HTML, so article text is never markup. WeasyPrint builds the
PDF with a URL fetcher that only reads the templates' own files and `data:` URIs: content from the
articles can never make it open a local file or reach the network. The email's CSS is inlined by
css-inline with remote loading off. The four files are published together (each to a temporary file
in the same folder, then all renamed), so a crash never leaves a half-written or mixed briefing behind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import css_inline
import jinja2
import markupsafe
import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from briefing import __version__
from briefing.errors import RenderError, TemplateProblem
from briefing.figures import KeyFigure, key_figures
from briefing.files import publish_together, remove_stale_temporaries
from briefing.log import get_logger
from briefing.records import Article, Briefing, Outputs, Period, Section, Story
from briefing.settings import (
    CHART_LABEL_CHARS,
    DEFAULT_MAX_STORIES,
    DEFAULT_TOP_STORIES,
    EMAIL_MAX_BYTES,
    EMAIL_WIDTH_PX,
    OTHER_THEME,
    PAPER_SIZES,
    PDF_VARIANT,
    STALE_TEMPORARY_S,
    STORY_SOURCES_EMAIL,
    SUMMARY_FALLBACK_CHARS,
    TEMPLATES_DIR,
    TEXT_WIDTH,
    TITLE_DISPLAY_MAX_CHARS,
)
from briefing.stories import rank as ranking

log = get_logger(__name__)

PDF_TEMPLATE = "briefing.html"
EMAIL_TEMPLATE = "email.html"
TEXT_TEMPLATE = "briefing.txt"
TEMPLATE_NAMES = (PDF_TEMPLATE, EMAIL_TEMPLATE, TEXT_TEMPLATE)
SAFE_SCHEMES = ("http", "https")
# Content types of template assets, so WeasyPrint never has to consult the system's mime tables.
ASSET_TYPES = {
    ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".ttf": "font/ttf",
    ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
}

LANGUAGE_NAMES = {
    "ar": "Arabic", "de": "German", "en": "English", "es": "Spanish", "fr": "French", "id": "Indonesian",
    "it": "Italian", "ja": "Japanese", "km": "Khmer", "ko": "Korean", "lo": "Lao", "ms": "Malay",
    "nl": "Dutch", "pl": "Polish", "pt": "Portuguese", "ru": "Russian", "th": "Thai", "tr": "Turkish",
    "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}
FLAG_NOTES = {
    "untranslated": "not translated",
    "translation-suspect": "machine translation may be unreliable",
}


# --- what the templates see ---------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class BriefView:
    """A story listed in one line ("Also this week"): headline, source, date, link."""

    rank: int
    title: str
    source: str  # "VNA" or "VNA +2"
    date: str
    url: str | None


@dataclass(frozen=True, slots=True)
class SectionView:
    """One theme: its heading, overview line and the stories it shows in full."""

    anchor: str
    theme: str
    count: int  # the theme's stories this week, shown in full or not
    keywords: tuple[str, ...]
    stories: tuple[StoryView, ...]


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One bar of the stories-per-theme chart; `share` is the bar length from 0 to 1."""

    label: str
    count: int
    share: float
    anchor: str | None  # the section it links to; None when none of its stories is shown in full


def language_name(code: str) -> str:
    """The English name of a language code ("fr" → "French"); unknown codes are shown as given."""
    return LANGUAGE_NAMES.get(code.lower(), code) if code else "unknown language"


def long_date(day: dt.date) -> str:
    """A date as "2 October 2025" (English month names whatever the machine's locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def period_text(period: Period) -> str:
    """The period for the cover: "Week 40, 2025 · 29 September – 5 October 2025", first–last dates, or undated."""
    if period.start and period.end:
        dates = long_date(period.start)
        if period.end != period.start:
            dates = f"{long_date(period.start)} – {long_date(period.end)}"
    else:
        dates = ""
    if period.week:
        year, week = period.week.split("-W")
        return f"Week {int(week)}, {year}" + (f" · {dates}" if dates else "")
    return dates or "Undated articles"


def safe_url(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) link with a host, else None (javascript:, file:, data: are dropped)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.hostname:
        return None
    if any(ch in url for ch in "\r\n\t\0 "):
        return None
    return url


# C0/C1 controls (tab and newline aside), bidi overrides that can reverse a title on screen
# ("Trojan source"), and Unicode noncharacters: none has a place in a printed briefing.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]")


def display_text(text: str) -> str:
    """`text` without control characters, bidi overrides or noncharacters (ingestion strips most already)."""
    return _INVISIBLE.sub("", text)


def display_title(text: str) -> str:
    """A title as the briefing shows it: one line, cut at a word to TITLE_DISPLAY_MAX_CHARS with "…".

    Feeds control titles; the full title stays in the JSON record.
    """
    line = " ".join(display_text(text).split())
    if len(line) <= TITLE_DISPLAY_MAX_CHARS:
        return line
    cut = line[: TITLE_DISPLAY_MAX_CHARS - 1]
    if " " in cut[TITLE_DISPLAY_MAX_CHARS // 2 :]:  # end on a whole word when one ends in the second half
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def _summary(story: Story) -> str:
    text = story.summary_en or story.summary
    if text:
        return text
    body = " ".join(story.articles[0].text.split()) if story.articles else ""
    if len(body) <= SUMMARY_FALLBACK_CHARS:
        return body
    return body[:SUMMARY_FALLBACK_CHARS].rsplit(" ", 1)[0] + " …"


def _link_text(url: str | None, publisher: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return "source" if publisher and host == publisher.lower().removeprefix("www.") else host


def _day(day: dt.date | None) -> str:
    return long_date(day) if day else "date unknown"


def date_range(first: dt.date | None, last: dt.date | None) -> str:
    """ "2 October 2025", "29 September – 2 October 2025", or "date unknown"."""
    if first is None or last is None or first == last:
        return _day(first or last)
    if first.year == last.year:
        start = f"{first.day} {_MONTHS[first.month - 1]}" if first.month != last.month else str(first.day)
        return f"{start} – {long_date(last)}"
    return f"{long_date(first)} – {long_date(last)}"


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
        publisher=display_text(article.publisher or "").strip() or "unknown publisher",
        date=_day(article.date),
        language=language_name(article.lang),
        url=url,
        host=_link_text(url, article.publisher),
        title=display_title(article.title),
    )


def story_view(story: Story, anchor: str, *, bilingual: bool) -> StoryView:
    """The display form of one story shown in full."""
    title = display_title(story.title_en or story.title) or "(untitled)"
    original_title = display_title(story.title)
    summary = display_text(_summary(story))
    original = display_text(story.summary) if bilingual and story.summary else ""
    publishers = [display_text(p).strip() for p in story.publishers]
    sources = tuple(source_view(a) for a in story.articles)
    return StoryView(
        anchor=anchor,
        rank=story.rank,
        title=title,
        original_title=original_title if original_title and original_title != title else None,
        summary=summary,
        original_summary=original if original and original != summary else None,
        lang=story.lang or "und",
        language=language_name(story.lang),
        theme=story.theme or OTHER_THEME,
        dates=date_range(story.first_date, story.last_date),
        publishers=_names([p for p in publishers if p]),
        languages=", ".join(language_name(code) for code in story.languages) or "unknown language",
        source_count=ranking.sources(story),
        article_count=len(story.articles),
        sources=sources,
        outlets=_first_per_publisher(sources),
        notes=tuple(FLAG_NOTES[flag] for flag in story.flags if flag in FLAG_NOTES),
    )


def _first_per_publisher(sources: Sequence[SourceView]) -> tuple[SourceView, ...]:
    """Each publisher's first article, in the order the publishers first covered the story."""
    first: dict[str, SourceView] = {}
    for source in sources:
        first.setdefault(source.publisher, source)
    return tuple(first.values())


def brief_view(story: Story) -> BriefView:
    """The one-line form of a story."""
    publishers = [display_text(p).strip() for p in story.publishers if p.strip()]
    source = publishers[0] if publishers else "unknown publisher"
    if len(publishers) > 1:
        source += f" +{len(publishers) - 1}"
    url = next((u for u in (safe_url(a.url) for a in story.articles) if u), None)
    return BriefView(rank=story.rank, title=display_title(story.title_en or story.title) or "(untitled)",
                     source=source, date=_day(story.last_date), url=url)


@dataclass(frozen=True, slots=True)
class Shown:
    """Which stories a rendering shows: the top ones, then up to `full` in full, then `listed` in one line."""

    top: int
    full: int
    listed: int | None = None  # None: every remaining story


def _views(briefing: Briefing, shown: Shown, bilingual: bool) -> dict[str, Any]:
    """The stories as the templates show them: top, sections (the next ones in full), the rest in one line."""
    anchors = {s.id: f"story-{s.rank}" for s in briefing.stories}
    top = tuple(story_view(s, anchors[s.id], bilingual=bilingual) for s in briefing.stories if s.rank <= shown.top)
    sections = []
    bars = []
    for number, section in enumerate(briefing.sections, 1):
        stories = tuple(story_view(s, anchors[s.id], bilingual=bilingual) for s in section.stories
                        if shown.top < s.rank <= shown.full)
        anchor = f"sec-{number}" if stories else None
        if stories:
            sections.append(SectionView(f"sec-{number}", section.theme or OTHER_THEME, len(section.stories),
                                        section.keywords, stories))
        bars.append((section.theme or OTHER_THEME, len(section.stories), anchor))
    rest = [s for s in briefing.stories if s.rank > shown.full]
    listed = rest if shown.listed is None else rest[:shown.listed]
    return {
        "top": top,
        "sections": tuple(sections),
        "more": tuple(brief_view(s) for s in listed),
        "unlisted": len(rest) - len(listed),
        "bars": chart_bars(bars),
        "figure_anchors": anchors,
        "figures": key_figures([s for s in briefing.stories if s.rank <= shown.full]),
    }


def chart_bars(counts: Sequence[tuple[str, int, str | None]]) -> tuple[ChartBar, ...]:
    """One bar per (theme, stories, anchor), the longest bar being the theme with most stories."""
    most = max((count for _, count, _ in counts), default=0) or 1
    bars = []
    for label, count, anchor in counts:
        if len(label) > CHART_LABEL_CHARS:
            label = label[: CHART_LABEL_CHARS - 1].rstrip() + "…"
        bars.append(ChartBar(label, count, count / most, anchor))
    return tuple(bars)


def template_context(briefing: Briefing, *, paper: str = "A4", bilingual: bool = False,
                     shown: Shown | None = None) -> dict[str, Any]:
    """Everything the three templates may use; the same for all of them so they say the same things."""
    shown = shown or Shown(DEFAULT_TOP_STORIES, DEFAULT_MAX_STORIES)
    views = _views(briefing, shown, bilingual)
    stories = briefing.stories
    return {
        "briefing": briefing,
        "title": briefing.title,
        "period": period_text(briefing.period),
        "label": briefing.period.label,
        "undated": briefing.undated,
        "generated": f"{long_date(briefing.generated.date())}, {briefing.generated:%H:%M}",
        # W3C dates need an offset: a naive time is the machine's local time, as datetime.now() gave it
        "generated_iso": briefing.generated.astimezone().isoformat(timespec="seconds"),
        "count": len(briefing.articles),
        "story_count": len(stories),
        "multi_source": sum(1 for s in stories if ranking.sources(s) > 1),
        "themes": [s.theme for s in briefing.sections],
        "languages": [language_name(code) for code in briefing.languages],
        "publishers": list(briefing.publishers),
        "translated": briefing.translated,
        "engine": briefing.engine,
        "lang": "en" if briefing.translated or len(briefing.languages) != 1 else briefing.languages[0],
        **views,
        "paper": paper,
        "bilingual": bilingual,
        "email_width": EMAIL_WIDTH_PX,
        "email_sources": STORY_SOURCES_EMAIL,
        "text_width": TEXT_WIDTH,
        "version": __version__,
    }


# --- templates ----------------------------------------------------------------------------


def template_dirs(templates_dir: Path | None) -> tuple[Path, ...]:
    """The folders templates are looked up in: the user's first (file by file), then the shipped ones.

    Raises TemplateProblem when the user's folder does not exist or holds none of the templates.
    """
    if templates_dir is None:
        return (TEMPLATES_DIR.resolve(),)
    folder = Path(templates_dir)
    if not folder.is_dir():
        raise TemplateProblem(f"templates folder {folder} not found: give a folder holding "
                              f"{', '.join(TEMPLATE_NAMES)} (copy them from {TEMPLATES_DIR})")
    if not any((folder / name).is_file() for name in TEMPLATE_NAMES):
        raise TemplateProblem(f"templates folder {folder} holds none of {', '.join(TEMPLATE_NAMES)}: "
                              f"copy the ones you want to change from {TEMPLATES_DIR}")
    return (folder.resolve(), TEMPLATES_DIR.resolve())


def _printable(value: Any) -> Any:
    if isinstance(value, markupsafe.Markup):  # already escaped (e.g. by `join`): dropping characters keeps it safe
        return markupsafe.Markup(display_text(value))
    return display_text(value) if isinstance(value, str) else value


def template_environment(dirs: Sequence[Path]) -> jinja2.Environment:
    """A Jinja environment over `dirs`: HTML autoescaped, invisible characters dropped, undefined names errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=jinja2.select_autoescape(["html", "htm", "svg", "xml"], default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_printable,  # every printed value, whichever field it comes from
    )
    env.filters["language"] = language_name
    return env


def _template_location(exc: BaseException, dirs: Sequence[Path]) -> str | None:
    """ "FILE, line N" of the innermost template frame in `exc`'s traceback, if any."""
    roots = [str(d) for d in dirs]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if any(frame.filename.startswith(root) for root in roots):
            return f"{frame.filename}, line {frame.lineno}"
    return None


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any], dirs: Sequence[Path]) -> str:
    """Template `name` rendered with `context`; any template fault becomes a TemplateProblem naming file and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        source = exc.filename or exc.name or name
        raise TemplateProblem(f"{source}, line {exc.lineno}: {exc.message} (fix the template syntax)") from None
    except jinja2.TemplateNotFound as exc:
        including = _template_location(exc, dirs)
        place = f" (included from {including})" if including else ""
        folders = " or ".join(str(d) for d in dirs)
        raise TemplateProblem(f"template {exc.name!r} not found in {folders}{place}") from None
    except Exception as exc:  # a template's own expression failed: report where, not a traceback
        location = _template_location(exc, dirs)
        if location is None:
            raise
        raise TemplateProblem(f"{location}: {type(exc).__name__}: {exc}") from None


def check_templates(templates_dir: Path | None) -> None:
    """Render every template once with a one-article sample, so a broken one fails before a long build.

    Raises TemplateProblem naming the file and line (syntax errors, missing includes, unknown names).
    """
    sample = Article(id="check", path="check", title="Titre", text="Texte.", lang="fr", summary="Résumé.",
                     url="https://example.org/", publisher="Agence", date=dt.date(2000, 1, 1))
    stories = tuple(  # one top story, one in a section, one listed in a line: every part of every template
        Story(id=f"s{rank}", articles=(sample, sample), lang="fr", title="Titre", summary="Résumé.", title_en="Title",
              summary_en="Summary of 3 billion USD.", rank=rank, theme="Check")
        for rank in (1, 2, 3)
    )
    briefing = Briefing(title="Check", period=Period(None, None), sections=(Section("Check", stories, ("k",)),),
                        generated=dt.datetime(2000, 1, 1), languages=("fr",), publishers=(), translated=True,
                        engine=None)
    dirs = template_dirs(templates_dir)
    env = template_environment(dirs)
    context = template_context(briefing, bilingual=True, shown=Shown(top=1, full=2, listed=1))
    for name in TEMPLATE_NAMES:
        render_template(env, name, context, dirs)


# --- PDF ----------------------------------------------------------------------------------


class AssetFetcher(URLFetcher):
    """WeasyPrint's URL fetcher limited to files inside the template folders and `data:` URIs.

    Anything else (another local file, any network address, a redirect) is refused and logged;
    WeasyPrint then renders on without the resource. A relative asset is looked up in the user's
    template folder first, then in the shipped one.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, timeout=1)
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """The resource at `url` when it is a template asset or a data: URI; ValueError otherwise."""
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._in_templates(Path(url2pathname(urlsplit(url).path)).resolve())
            if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                mime = ASSET_TYPES.get(path.suffix.lower(), "application/octet-stream")
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})
        self.refused.append(url)
        log.warning("not fetched (only template assets and data: URIs are allowed): %.100s", url)
        raise ValueError(f"refused to fetch {url[:100]}")

    def _in_templates(self, path: Path) -> Path:
        """A relative asset missing from the user's folder is taken from the shipped templates."""
        if len(self.roots) > 1 and path.is_relative_to(self.roots[0]) and not path.is_file():
            return self.roots[-1] / path.relative_to(self.roots[0])
        return path


def write_pdf_bytes(html: str, dirs: Sequence[Path]) -> bytes:
    """The PDF for `html` (tagged PDF/UA), with assets resolved against the first template folder holding them."""
    fetcher = AssetFetcher(dirs)
    base = dirs[0] / "_"  # relative links resolve inside the first folder
    document = weasyprint.HTML(string=html, base_url=base.as_uri(), url_fetcher=fetcher)
    try:
        return document.write_pdf(pdf_tags=True, pdf_variant=PDF_VARIANT) or b""
    except Exception as exc:  # WeasyPrint has no exception hierarchy of its own
        raise RenderError(f"the PDF could not be laid out: {type(exc).__name__}: {exc}") from exc


# --- email --------------------------------------------------------------------------------


def inline_email(html: str) -> str:
    """The email HTML with its <style> rules moved into style attributes; @media rules kept for dark mode."""
    inliner = css_inline.CSSInliner(
        load_remote_stylesheets=False, keep_at_rules=True, minify_css=True, keep_link_tags=False,
    )
    try:
        return inliner.inline(html)
    except css_inline.InlineError as exc:
        raise TemplateProblem(f"{EMAIL_TEMPLATE}: its CSS could not be inlined ({exc})") from None


# --- files --------------------------------------------------------------------------------


def briefing_json(briefing: Briefing, figures: Sequence[KeyFigure]) -> str:
    """The briefing as JSON: title, period, generation date, sections, stories in rank order, every article."""
    data = {
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


def email_html(env: jinja2.Environment, context: dict[str, Any], dirs: Sequence[Path], briefing: Briefing,
               shown: Shown, *, bilingual: bool) -> str:
    """The inlined email, under EMAIL_MAX_BYTES whatever the week's size.

    Everything fits in a small week. Past the budget the one-line list is cut first, then, only if the email
    is still too big without it, the stories shown in full, the lowest-ranked first; the email then says how
    many more stories the PDF has. Each cut is found by bisection over a count, a dozen renders at most.
    """
    def size_of(candidate: Shown) -> tuple[int, str]:
        html = inline_email(render_template(env, EMAIL_TEMPLATE, {
            **context, **_views(briefing, candidate, bilingual)}, dirs))
        return len(html.encode("utf-8")), html

    budget = EMAIL_MAX_BYTES
    size, html = size_of(shown)
    if size <= budget:
        return html
    stories = len(briefing.stories)
    lines = max(0, stories - shown.full)
    fits = _largest(lambda n: size_of(Shown(shown.top, shown.full, n))[0] <= budget, 0, lines)
    if fits is None:  # even without the list: fewer stories in full
        low = min(shown.top, shown.full)
        full = _largest(lambda n: size_of(Shown(min(shown.top, n), n, 0))[0] <= budget, 1, shown.full)
        candidate = Shown(min(shown.top, full or low), full or low, 0)
    else:
        candidate = Shown(shown.top, shown.full, fits)
    size, html = size_of(candidate)
    log.info("the email shows %d of %d stories in full and lists %d more (%d KB); the PDF has them all",
             min(candidate.full, stories), stories, candidate.listed or 0, size // 1000)
    return html


def _largest(fits: Callable[[int], bool], low: int, high: int) -> int | None:
    """The largest n in [low, high] with fits(n), for a `fits` that holds up to some n and fails above it."""
    if high < low or not fits(low):
        return None
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def render(
    briefing: Briefing,
    out_dir: Path,
    *,
    templates_dir: Path | None = None,
    paper: str = "A4",
    bilingual: bool = False,
    top: int = DEFAULT_TOP_STORIES,
    max_stories: int = DEFAULT_MAX_STORIES,
) -> Outputs:
    """Write briefing-<label>.pdf, .html, .txt and .json to `out_dir` and return their paths.

    The top `top` stories come first, then the theme sections with the next stories in full, up to
    `max_stories` in all, then every other story in one line. The email keeps under EMAIL_MAX_BYTES (see
    `email_html`). Every file is built in memory first, then the four are published together (all
    written, then all renamed): a template fault (TemplateProblem), a layout failure or a full disk
    (RenderError) leaves the previous set untouched. Temporary files an interrupted run left behind are
    removed.
    """
    if paper not in PAPER_SIZES:
        raise RenderError(f"paper size {paper!r} is not one of {', '.join(PAPER_SIZES)}")
    dirs = template_dirs(templates_dir)
    env = template_environment(dirs)
    shown = Shown(top=min(top, max_stories), full=max_stories)
    context = template_context(briefing, paper=paper, bilingual=bilingual, shown=shown)

    pdf_html = render_template(env, PDF_TEMPLATE, context, dirs)
    email_bytes = email_html(env, context, dirs, briefing, shown, bilingual=bilingual).encode("utf-8")
    text = render_template(env, TEXT_TEMPLATE, context, dirs)
    pdf = write_pdf_bytes(pdf_html, dirs)

    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = f"briefing-{briefing.period.label}"
        outputs = Outputs(*(out_dir / f"{stem}.{ext}" for ext in ("pdf", "html", "txt", "json")))
        for leftover in remove_stale_temporaries(out_dir, "briefing-", STALE_TEMPORARY_S):
            log.info("removed %s, left by an interrupted run", leftover.name)
        publish_together([
            (outputs.pdf, pdf),
            (outputs.html, email_bytes),
            (outputs.txt, text.encode("utf-8")),
            (outputs.json, briefing_json(briefing, context["figures"]).encode("utf-8")),
        ])
    except OSError as exc:
        raise RenderError(f"could not write the briefing to {out_dir}: {exc.strerror or exc}") from None
    log.info("wrote %s", ", ".join(p.name for p in outputs.all()))
    return outputs
