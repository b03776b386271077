"""Rendering: the PDF read back with pypdf, the email HTML parsed, the text and JSON checked.

Briefings are built directly from records (the other stages are not involved). The safety tests use a
real HTTP server on 127.0.0.1 that records every request, and Python's audit hook to see every file
the renderer opens.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import http.server
import json
import re
import sys
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pypdf
import pytest

from briefing.errors import RenderError, TemplateProblem
from briefing.figures import figures_in, key_figures, shorten, with_figure_sentences
from briefing.records import Article, Briefing, Outputs, Period, Section, Story
from briefing.render import (
    EMAIL_TEMPLATE,
    PDF_TEMPLATE,
    Shown,
    check_templates,
    display_title,
    email_html,
    period_text,
    render,
    render_template,
    safe_url,
    source_view,
    template_context,
    template_dirs,
    template_environment,
)
from briefing.settings import EMAIL_MAX_BYTES, TEMPLATES_DIR, TEXT_WIDTH, TITLE_DISPLAY_MAX_CHARS
from tests.conftest import make_article

GENERATED = dt.datetime(2025, 10, 6, 8, 30, tzinfo=dt.UTC)
WEEK = Period(dt.date(2025, 9, 29), dt.date(2025, 10, 5), "2025-W40")
HOSTILE_TITLE = '<script>alert(1)</script><img src="file:///etc/passwd">'


def story_of(article: Article, rank: int, theme: str = "", *more: Article) -> Story:
    """A story of `article` (and `more` articles on the same event), shown with the first one's texts."""
    return Story(
        id=f"s-{article.id}", articles=(article, *more), lang=article.lang, title=article.title,
        summary=article.summary, title_en=article.title_en, summary_en=article.summary_en,
        figure_sentences=article.figure_sentences, figure_sentences_en=article.figure_sentences_en,
        rank=rank, theme=theme, flags=article.flags,
    )


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


@pytest.fixture
def sample() -> Briefing:
    """Two themes, one undated article, one French publisher."""
    return briefing_of({
        "Technology": [translated(1), translated(2), translated(3, date=None)],
        "Economy": [translated(4, publisher="Le Monde", lang="fr", summary_en="Exports rose 12.5% in September.")],
    })


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Briefing, Outputs, pypdf.PdfReader]:
    """The sample briefing rendered once (bilingual) and its PDF opened, shared by the read-back tests.

    One top story (two outlets), two more stories in full in "Technology", one listed in "Also this week".
    """
    briefing = briefing_of({
        "Technology": [story_of(translated(1), 1, "", translated(5, publisher="Nhân Dân")),
                       translated(2), translated(3, date=None)],
        "Economy": [translated(4, publisher="Le Monde", summary_en="Exports rose 12.5% in September.")],
    })
    outputs = render(briefing, tmp_path_factory.mktemp("out"), bilingual=True, top=1, max_stories=3)
    return briefing, outputs, pypdf.PdfReader(outputs.pdf)


def page_texts(reader: pypdf.PdfReader) -> list[str]:
    """Each page's text, NFC-normalised (PDF extraction may hand back decomposed accents)."""
    return [unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages]


def flat(text: str) -> str:
    """Whitespace collapsed, so wrapped lines compare equal to their source."""
    return " ".join(text.split())


def image_count(reader: pypdf.PdfReader) -> int:
    """How many distinct images the PDF's pages draw."""
    images = set()
    for page in reader.pages:
        for ref in page["/Resources"].get_object().get("/XObject", {}).values():
            if ref.get_object().get("/Subtype") == "/Image":
                images.add(ref.idnum if hasattr(ref, "idnum") else id(ref))
    return len(images)


def outline_titles(outline: list[Any], depth: int = 0) -> list[tuple[int, str]]:
    """(depth, title) of every outline entry, in order."""
    found: list[tuple[int, str]] = []
    for entry in outline:
        if isinstance(entry, list):
            found.extend(outline_titles(entry, depth + 1))
        else:
            found.append((depth, entry.title))
    return found


# --- the PDF, read back ---------------------------------------------------------------------


def test_render_writes_the_four_files_named_by_label(sample: Briefing, tmp_path: Path) -> None:
    outputs = render(sample, tmp_path / "new" / "out")
    assert [p.name for p in outputs.all()] == [
        "briefing-2025-W40.pdf", "briefing-2025-W40.html", "briefing-2025-W40.txt", "briefing-2025-W40.json",
    ]
    assert all(p.stat().st_size > 0 for p in outputs.all())
    assert sorted(p.name for p in outputs.pdf.parent.iterdir()) == sorted(p.name for p in outputs.all())


def test_cover_states_title_period_count_languages_publishers_and_date(sample_pdf: Any) -> None:
    _, _, reader = sample_pdf
    cover = flat(page_texts(reader)[0])
    assert "Mekong Weekly" in cover
    assert "Week 40, 2025 · 29 September 2025 – 5 October 2025" in cover
    assert "1 article without a known date is included" in cover
    assert "Stories 4 from 5 articles; 1 covered by more than one source" in cover
    assert "Source languages French" in cover
    assert "Publishers 3: Le Monde, Nhân Dân, VNA" in cover
    assert "Top stories 1 At a glance Technology 2 Also this week 1" in cover
    assert "Machine-translated to English (argos)" in cover
    assert "Generated 6 October 2025, 08:30" in cover
    assert "Not translated" not in cover


def test_pdf_metadata_title_language_and_tags(sample_pdf: Any) -> None:
    _, _, reader = sample_pdf
    assert reader.metadata.title == "Mekong Weekly — Week 40, 2025 · 29 September 2025 – 5 October 2025"
    assert reader.metadata["/CreationDate"].startswith("D:20251006083000")
    root = reader.root_object
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp or 'pdfuaid:part="1"' in xmp


def test_outline_lists_the_parts_themes_and_stories(sample_pdf: Any) -> None:
    _, _, reader = sample_pdf
    assert outline_titles(reader.outline) == [
        (0, "Top stories"),
        (1, "1 Vietnam launches programme number 1"),
        (0, "At a glance"),
        (0, "Technology"),
        (1, "2 Vietnam launches programme number 2"),
        (1, "3 Vietnam launches programme number 3"),
        (0, "Also this week"),
    ]


def test_the_pdf_opens_with_the_top_stories_then_themes_then_the_one_line_list(sample_pdf: Any) -> None:
    _, _, reader = sample_pdf
    texts = [flat(t) for t in page_texts(reader)]
    assert texts[1].startswith("Mekong Weekly Top stories Page 2") or "Top stories" in texts[1][:60]
    assert "1 Vietnam launches programme number 1" in texts[1]
    # a story shows all its sources: publisher, date, language and a link to each article
    assert "VNA · 2 October 2025 · French · example.org" in texts[1]
    assert "Nhân Dân · 1 October 2025 · French · example.org" in texts[1]
    assert "2 sources · 1 – 2 October 2025 · French · Technology" in texts[1]
    more = next(t for t in texts if "Also this week" in t and "more story" in t)
    assert "4 Vietnam launches programme number 4 VNA 5 October 2025" in more.replace("Le Monde", "VNA")
    links = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    assert len([a for a in links if "/Dest" in a or "/A" in a]) >= 4  # cover: top, glance, theme, also


def test_running_header_and_page_x_of_y_footer(sample_pdf: Any) -> None:
    _, _, reader = sample_pdf
    texts = page_texts(reader)
    total = len(reader.pages)
    assert "Page 1 of" not in texts[0]  # the cover has no running header or footer
    for number, text in enumerate(texts[1:], 2):
        assert f"Page {number} of {total}" in text
        assert "Mekong Weekly" in text
    technology_page = next(t for t in texts if "Vietnam launches programme number 2" in t and "Keywords" in t)
    assert technology_page.count("Technology") == 2  # the running header names the section, then its heading


def test_articles_show_english_and_original_titles_publisher_date_link_and_bilingual_summary(
    sample_pdf: Any,
) -> None:
    reader = sample_pdf[2]
    body = flat("\n".join(page_texts(reader)[1:]))
    assert "Vietnam launches programme number 1" in body
    assert "Le Vietnam lance le programme numéro 1" in body
    assert "VNA · 2 October 2025 · French · example.org" in body
    assert "VNA · date unknown" in body
    assert "Tô Lâm said the AI economy could reach 101 billion USD by 2040" in body
    assert "Nguyễn Mạnh Hùng" in body
    assert "ORIGINAL (FRENCH) Le Vietnam lance un programme. Il soutient les start-up en IA." in body
    uris = [
        a.get_object()["/A"]["/URI"]
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/URI" in a.get_object().get("/A", {})
    ]
    assert sorted(set(uris)) == [f"https://example.org/news/{n}" for n in range(1, 6)]


def test_fonts_are_embedded_and_cover_vietnamese(sample_pdf: Any) -> None:
    _, _, reader = sample_pdf
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described["/FontDescriptor"].get_object()
            fonts[font["/BaseFont"]] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts, "no font found in the PDF"
    assert all(fonts.values()), f"fonts not embedded: {[n for n, e in fonts.items() if not e]}"
    assert any("Noto" in name for name in fonts)


def test_key_figures_and_chart_on_the_glance_page(sample_pdf: Any) -> None:
    _, _, reader = sample_pdf
    glance = flat(page_texts(reader)[2])
    assert glance.startswith("At a glance") or "At a glance" in glance
    assert "Technology 3" in glance and "Economy 1" in glance  # the chart's labels and counts
    assert "101 billion USD" in glance and "102 billion USD" in glance
    assert "12.5%" not in glance  # figures come from the stories shown in full, which are the ones translated


def test_chart_is_inline_svg_with_one_bar_per_theme(sample: Briefing) -> None:
    dirs = template_dirs(None)
    html = render_template(template_environment(dirs), PDF_TEMPLATE, template_context(sample), dirs)
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert svg, "no inline SVG chart"
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg.group(0))]
    assert len(widths) == 2 and widths[0] == pytest.approx(3 * widths[1], rel=0.01)  # 3 articles against 1
    assert "href=" not in svg.group(0) and "http" not in svg.group(0).replace("http://www.w3.org/2000/svg", "")


@pytest.mark.parametrize(("paper", "size"), [("A4", (595, 842)), ("Letter", (612, 792))])
def test_paper_size(sample: Briefing, tmp_path: Path, paper: str, size: tuple[int, int]) -> None:
    reader = pypdf.PdfReader(render(sample, tmp_path, paper=paper).pdf)
    box = reader.pages[-1].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_unknown_paper_size_is_refused(sample: Briefing, tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="paper size 'A5' is not one of A4, Letter"):
        render(sample, tmp_path, paper="A5")


def test_untranslated_briefing_says_so_and_tags_the_language(tmp_path: Path) -> None:
    article = make_article(summary="Le Vietnam lance un programme.", title_en="", summary_en="")
    briefing = briefing_of({"Technologie": [article]}, translated=False, engine=None)
    outputs = render(briefing, tmp_path)
    reader = pypdf.PdfReader(outputs.pdf)
    assert "Not translated: titles and summaries are shown in their original language." in flat(
        page_texts(reader)[0]
    )
    assert reader.root_object["/Lang"] == "fr"
    assert "Le Vietnam lance un programme pour les start-up en IA" in page_texts(reader)[1]
    assert "Not translated" in outputs.html.read_text()
    assert "NOT TRANSLATED" in outputs.txt.read_text()


def test_same_input_gives_the_same_files(sample: Briefing, tmp_path: Path) -> None:
    first = render(sample, tmp_path / "one")
    second = render(sample, tmp_path / "two")
    assert page_texts(pypdf.PdfReader(first.pdf)) == page_texts(pypdf.PdfReader(second.pdf))
    assert first.pdf.read_bytes() == second.pdf.read_bytes()
    for a, b in zip(first.all()[1:], second.all()[1:], strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_undated_period_is_named_on_the_cover(tmp_path: Path) -> None:
    briefing = briefing_of({"Other": [translated(1, date=None)]}, period=Period(None, None))
    outputs = render(briefing, tmp_path)
    assert outputs.pdf.name == "briefing-undated.pdf"
    assert "Undated articles" in page_texts(pypdf.PdfReader(outputs.pdf))[0]


@pytest.mark.parametrize(
    ("period", "text"),
    [
        (Period(dt.date(2025, 10, 2), dt.date(2025, 10, 7)), "2 October 2025 – 7 October 2025"),
        (Period(dt.date(2025, 10, 2), dt.date(2025, 10, 2)), "2 October 2025"),
        (Period(None, None, "2025-W40"), "Week 40, 2025"),
    ],
)
def test_period_text(period: Period, text: str) -> None:
    assert period_text(period) == text


# --- the JSON and text parts -------------------------------------------------------------------


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
        "flags": [],
    }


def test_text_part_has_the_same_content_as_the_html(tmp_path: Path) -> None:
    long_original = "Le Vietnam lance un programme national pour soutenir les jeunes pousses. " * 4
    sample = briefing_of({"Technology": [translated(1), translated(2, summary=long_original)]})
    outputs = render(sample, tmp_path, bilingual=True)
    text = outputs.txt.read_text(encoding="utf-8")
    html = flat(EmailParser.parse(outputs.html).text)
    for story in sample.stories:
        for field in (story.title_en, story.title, story.summary_en, story.summary):
            assert flat(field) in flat(text)
            assert flat(field) in html
    assert "<https://example.org/news/1>" in text
    for figure in key_figures(sample.stories):
        assert figure.value in text
    long_lines = [line for line in text.splitlines() if len(line) > TEXT_WIDTH and "://" not in line]
    assert long_lines == []


# --- the email HTML --------------------------------------------------------------------------


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
        parser = cls()
        parser.feed(path.read_text(encoding="utf-8"))
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


def orangesum_articles(path: Path, count: int) -> list[Article]:
    """`count` real French articles, summary = first three sentences, as a translated digest would carry."""
    articles = []
    with path.open(encoding="utf-8") as handle:
        for number, line in zip(range(count), handle, strict=False):
            record = json.loads(line)
            lead = " ".join(re.split(r"(?<=[.!?])\s+", record["article"])[:3])
            articles.append(make_article(
                id=record["id"], title=record["title"], title_en=record["title"], text=record["article"],
                summary=record["abstract"], summary_en=lead, date=dt.date.fromisoformat(record["date"]),
                url=f"https://www.orange.fr/actu/{record['id']}", publisher="Orange Actualités",
                theme=f"Theme {number % 6}",
            ))
    return articles


def orangesum_email(shared_dir: Path, count: int, folder: Path) -> tuple[list[Article], Path]:
    """A week of `count` real articles, each its own story, and its email (alone: the PDF is not needed)."""
    articles = orangesum_articles(shared_dir / "eval" / "orangesum_valid.jsonl", count)
    groups: dict[str, list[Article | Story]] = {}
    for article in articles:
        groups.setdefault(article.theme, []).append(article)
    return articles, email_of(briefing_of(groups), folder)


def email_of(briefing: Briefing, folder: Path, **shown: int) -> Path:
    """The email alone (its size does not depend on the PDF), written to `folder`."""
    dirs = template_dirs(None)
    env = template_environment(dirs)
    view = Shown(top=shown.get("top", 10), full=shown.get("full", 40))
    html = email_html(env, template_context(briefing, shown=view), dirs, briefing, view, bilingual=False)
    email = folder / "email.html"
    email.write_text(html, encoding="utf-8")
    return email


def test_email_for_thirty_stories_shows_them_all_under_gmails_clipping_size(shared_dir: Path,
                                                                            tmp_path: Path) -> None:
    articles, email = orangesum_email(shared_dir, 30, tmp_path)
    size = email.stat().st_size
    assert size < EMAIL_MAX_BYTES, f"email HTML is {size} bytes"
    text = EmailParser.parse(email).text
    assert all(flat(a.summary_en)[:60] in flat(text) for a in articles)  # every summary is really there
    assert "more stories in the PDF" not in text


def test_email_of_a_huge_week_stays_under_the_budget_and_points_to_the_pdf(shared_dir: Path,
                                                                          tmp_path: Path) -> None:
    _, email = orangesum_email(shared_dir, 1500, tmp_path)
    size = email.stat().st_size
    assert size < EMAIL_MAX_BYTES, f"email HTML is {size} bytes"
    text = flat(EmailParser.parse(email).text)
    found = re.search(r"(\d+) more stories in the PDF briefing", text)
    assert found, "the email does not say how many more stories the PDF has"
    assert 1000 < int(found.group(1)) < 1500
    top = text.index("Top stories")
    assert top < text.index("Numbers of the week") < text.index("Stories per theme")  # top stories lead


def test_email_is_self_contained_inlined_and_dark_mode_ready(sample: Briefing, tmp_path: Path) -> None:
    outputs = render(sample, tmp_path)
    parsed = EmailParser.parse(outputs.html)
    names = [tag for tag, _ in parsed.tags]
    assert "script" not in names and "link" not in names and "iframe" not in names
    for tag, attrs in parsed.tags:
        assert not attrs.get("src") or attrs["src"].startswith("data:"), f"<{tag}> loads {attrs['src']}"
        assert not any(k.startswith("on") for k in attrs), f"<{tag}> has an event handler"
        assert "url(" not in attrs.get("style", "")
    styled = [attrs for tag, attrs in parsed.tags if attrs.get("class") == "h3"]
    assert styled and all("font-size:17px" in attrs.get("style", "") for attrs in styled)
    css = "".join(parsed.style_blocks)
    assert "prefers-color-scheme: dark" in css and "@import" not in css
    assert ".h3" not in css.split("@media")[0]  # only @media rules stay in <style>; the rest is inlined
    metas = {attrs.get("name"): attrs.get("content") for tag, attrs in parsed.tags if tag == "meta"}
    assert metas["color-scheme"] == "light dark"
    assert ("table", "600") in [(tag, attrs.get("width")) for tag, attrs in parsed.tags]
    hrefs = [attrs["href"] for _, attrs in parsed.tags if "href" in attrs]
    assert all(h.startswith(("#", "https://")) for h in hrefs)


def test_hostile_titles_and_links_are_escaped_or_dropped(tmp_path: Path) -> None:
    hostile = translated(
        1, title=HOSTILE_TITLE, title_en=HOSTILE_TITLE, url="javascript:alert(1)",
        summary_en='Read <a href="javascript:alert(2)">this</a> & "that".',
    )
    outputs = render(briefing_of({"Other": [hostile]}), tmp_path)
    html = outputs.html.read_text(encoding="utf-8")
    parsed = EmailParser.parse(outputs.html)
    assert "script" not in [tag for tag, _ in parsed.tags]
    assert "img" not in [tag for tag, _ in parsed.tags]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in " ".join(attrs.get("href", "") for _, attrs in parsed.tags)
    assert HOSTILE_TITLE in parsed.text  # shown as text, not dropped
    pdf_text = flat(" ".join(page_texts(pypdf.PdfReader(outputs.pdf))))
    assert HOSTILE_TITLE in pdf_text


def test_control_characters_and_bidi_overrides_are_not_shown(tmp_path: Path) -> None:
    article = translated(1, title_en="Budget\u202e 2026\x0b plan\x00", publisher="VNA & Co\x07")
    outputs = render(briefing_of({"Other": [article]}), tmp_path)
    html = outputs.html.read_text(encoding="utf-8")
    assert "Budget 2026 plan" in html and "VNA &amp; Co</a>" in html
    assert "1 publisher: VNA &amp; Co</p>" in html  # escaped once, not twice
    assert not re.search("[\u202e\x00\x07\x0b]", html + outputs.txt.read_text(encoding="utf-8"))
    assert "Budget 2026 plan" in flat(" ".join(page_texts(pypdf.PdfReader(outputs.pdf))))


@pytest.mark.parametrize(
    ("publisher", "url", "text"),
    [("VNA", "https://www.vietnamplus.vn/a", "vietnamplus.vn"), ("mst.gov.vn", "https://mst.gov.vn/a", "source"),
     ("www.mst.gov.vn", "https://mst.gov.vn/a", "source"), ("VNA", "javascript:x()", None)],
)
def test_link_text_does_not_repeat_the_publisher(publisher: str, url: str, text: str | None) -> None:
    assert source_view(translated(1, publisher=publisher, url=url)).host == text


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a", True),
        ("http://example.org/a?b=c", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,<script>", False),
        ("//example.org/a", False),
        ("https://example.org/a\r\nBcc: x@y", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_url_keeps_only_http_links(url: str | None, kept: bool) -> None:
    assert (safe_url(url) is not None) is kept


# --- safety: nothing fetched, nothing opened outside the templates -----------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads `requests` instead."""


@pytest.fixture
def recording_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 and the list of paths anyone asked it for."""
    requests: list[str] = []
    handler = type("Handler", (_Recorder,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


_OPENED: list[str] = []
_RECORDING = threading.Event()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _RECORDING.is_set() and isinstance(args[0], str | bytes):
        _OPENED.append(args[0].decode() if isinstance(args[0], bytes) else args[0])


sys.addaudithook(_audit)


@contextmanager
def files_opened() -> Iterator[list[str]]:
    """Every path Python opens inside the block (through the interpreter's audit hook)."""
    _OPENED.clear()
    _RECORDING.set()
    try:
        yield _OPENED
    finally:
        _RECORDING.clear()


def outside(opened: list[str], *allowed: Path) -> list[str]:
    """The opened paths that are not under one of the `allowed` folders."""
    roots = [str(a.resolve()) for a in allowed]
    return [p for p in opened if not any(str(Path(p).resolve()).startswith(r) for r in roots)]


def test_hostile_content_is_never_fetched_nor_opened(
    recording_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, requests = recording_server
    payloads = (
        f'<img src="file:///etc/passwd"> <img src="{base}/leak.png"> <link rel="stylesheet" href="{base}/x.css">'
        ' <img src="http://169.254.169.254/latest/meta-data/">'
    )
    hostile = translated(1, title_en=payloads, title=payloads, summary_en=payloads, summary=payloads,
                         url=f"{base}/article")
    briefing = briefing_of({"Other": [hostile]})
    render(briefing, tmp_path / "warm-up")  # imports and caches happen here, not in the recorded run
    with files_opened() as opened:
        outputs = render(briefing, tmp_path / "out", bilingual=True)
    assert requests == []
    assert "/etc/passwd" not in opened
    assert outside(opened, TEMPLATES_DIR, tmp_path / "out") == []
    assert f"{base}/article" in outputs.html.read_text()  # the source link is kept, only as a link


def test_template_fetcher_allows_only_template_assets_and_data_uris(
    recording_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, requests = recording_server
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "briefing.css").write_text('.cover-title::after { content: " CUSTOM-CSS-LOADED"; }')
    pixel = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2O"
             "UAAAAABJRU5ErkJggg==")
    shipped = (TEMPLATES_DIR / PDF_TEMPLATE).read_text()
    (mine / PDF_TEMPLATE).write_text(shipped.replace(
        "<body>",
        f'<body><img src="file:///etc/passwd"><img src="{base}/x.png"><img src="{pixel}">'
        f'<link rel="stylesheet" href="{base}/remote.css"><link rel="stylesheet" href="../outside.css">',
    ))
    (tmp_path / "outside.css").write_text("html { color: red; }")
    briefing = briefing_of({"Other": [translated(1)]})
    render(briefing, tmp_path / "warm-up", templates_dir=mine)  # image decoders are imported here
    with files_opened() as opened:
        outputs = render(briefing, tmp_path / "out", templates_dir=mine)
    assert requests == []
    assert "/etc/passwd" not in opened and str(tmp_path / "outside.css") not in opened
    assert outside(opened, mine, TEMPLATES_DIR, tmp_path / "out") == []
    reader = pypdf.PdfReader(outputs.pdf)
    assert "CUSTOM-CSS-LOADED" in page_texts(reader)[0]  # the user's own CSS asset is read
    assert image_count(reader) == 1  # the data: image is drawn, nothing else is
    assert "Page 2 of" not in page_texts(reader)[1]  # the user's briefing.css replaced the shipped one
    assert "Stories per theme" in outputs.html.read_text()  # email and text fall back to the shipped ones
    assert "STORIES PER THEME" in outputs.txt.read_text()


# --- user templates and their faults -------------------------------------------------------------


def user_templates(tmp_path: Path, name: str, text: str) -> Path:
    """A templates folder holding one template `name` with `text`."""
    folder = tmp_path / "mine"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<p>ok</p>\n<p>{% if %}</p>\n", r"mine/email\.html, line 2: Expected an expression"),
        ("<p>ok</p>\n\n{% include 'header.html' %}\n", r"template 'header\.html' not found in .*mine.* \(included "
                                                         r"from .*mine/email\.html, line 3\)"),
        ("<p>{{ title }}</p>\n{{ nosuch.field }}\n",
         r"mine/email\.html, line 2: UndefinedError: 'nosuch' is undefined"),
    ],
)
def test_broken_user_template_names_file_and_line(
    sample: Briefing, tmp_path: Path, text: str, message: str
) -> None:
    folder = user_templates(tmp_path, EMAIL_TEMPLATE, text)
    with pytest.raises(TemplateProblem, match=message):
        check_templates(folder)  # before a long build
    with pytest.raises(TemplateProblem, match=message):
        render(sample, tmp_path / "out", templates_dir=folder)
    assert not (tmp_path / "out").exists()


def test_shipped_templates_pass_the_check() -> None:
    check_templates(None)


def test_missing_templates_folder_or_empty_one_is_a_clear_error(sample: Briefing, tmp_path: Path) -> None:
    with pytest.raises(TemplateProblem, match=r"templates folder .*nowhere not found: give a folder holding"):
        render(sample, tmp_path, templates_dir=tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(TemplateProblem, match=r"holds none of briefing\.html, email\.html, briefing\.txt"):
        render(sample, tmp_path, templates_dir=tmp_path / "empty")


def test_a_failed_render_leaves_the_previous_files_intact(sample: Briefing, tmp_path: Path) -> None:
    outputs = render(sample, tmp_path / "out")
    before = {p: p.read_bytes() for p in outputs.all()}
    folder = user_templates(tmp_path, "briefing.txt", "{% for %}")
    with pytest.raises(TemplateProblem):
        render(sample, tmp_path / "out", templates_dir=folder)
    assert {p: p.read_bytes() for p in outputs.all()} == before
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(before_p.name for before_p in before)


# --- key figures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("The AI economy could reach 130 billion USD by 2040.", ["130 billion USD"]),
        ("Exports rose 12.5% while imports fell 3 per cent.", ["12.5%", "3 per cent"]),
        ("The fund holds $2.5 billion and €300 million.", ["$2.5 billion", "€300 million"]),
        ("The ship carries 2,600 passengers.", ["2,600 passengers"]),
        ("About 1.2 million people live there.", ["1.2 million people"]),
        ("AI could add about 79.3 billion American dollars.", ["79.3 billion American dollars"]),
        ("In 2025, on 3 October, the 14th congress met.", []),  # years, dates and ordinals are not figures
    ],
)
def test_figures_in_finds_amounts_shares_and_counts(text: str, values: list[str]) -> None:
    assert [value for value, _, _ in figures_in(text)] == values


def test_key_figures_prefer_money_one_per_story_and_drop_repeats() -> None:
    stories = [story_of(a, rank) for rank, a in enumerate([
        translated(1, summary_en="Exports rose 12.5% in September. The state invests 3 billion USD."),
        translated(2, summary_en="Some 400 workers joined. Inflation stayed at 3.1%."),
        translated(3, summary_en="Exports rose 12.5% in September. The state invests 3 billion USD."),  # wire copy
    ], 1)]
    figures = key_figures(stories, limit=3)
    assert [(f.value, f.story_id) for f in figures] == [
        ("3 billion USD", "s-a1"), ("3.1%", "s-a2"), ("12.5%", "s-a1"),
    ]
    assert figures[0].context == "The state invests 3 billion USD."


def test_key_figures_also_read_the_translated_figure_sentences() -> None:
    article = dataclasses.replace(
        translated(1, summary_en="The programme was launched in Hanoi."),
        figure_sentences_en=("The report foresees an AI economy of 130 billion dollars by 2040.",),
    )
    assert [(f.value, f.kind) for f in key_figures([story_of(article, 1)])] == [("130 billion dollars", "money")]


@pytest.mark.parametrize(
    ("text", "picked"),
    [
        ("Le marché atteindra 1,14 milliard de dollars d'ici 2029. Il fait beau.", 1),
        ("Le taux atteint 75 %, selon l'étude. Le forum s'est tenu en 2025.", 1),
        ("Exports reached $46 billion. Some 300 firms took part on 3 October.", 1),
        ("La 12e journée a eu lieu le 28 août 2025 avec 200 délégués.", 0),  # dates and counts stay out
    ],
)
def test_figure_sentences_are_those_stating_amounts_or_shares(text: str, picked: int) -> None:
    article = make_article(text=text, summary="")
    assert len(with_figure_sentences(article).figure_sentences) == picked


def test_figure_sentences_leave_out_the_summary_and_keep_at_most_the_limit() -> None:
    text = " ".join(f"Le projet numéro {i} coûte {i} milliards de dollars." for i in range(1, 7))
    summary = "Le projet numéro 1 coûte 1 milliards de dollars."
    picked = with_figure_sentences(make_article(text=text, summary=summary), limit=3).figure_sentences
    assert picked == tuple(f"Le projet numéro {i} coûte {i} milliards de dollars." for i in (2, 3, 4))


def test_shorten_keeps_the_value_in_view() -> None:
    sentence = "Word " * 40 + "the budget reached 42 billion USD this year " + "and more " * 30
    short = shorten(sentence, "42 billion USD", limit=80)
    assert "42 billion USD" in short and len(short) <= 82 and short.startswith("…") and short.endswith("…")


def _build_one_article(folder: Path, title: str) -> tuple[float, Path]:
    """`briefing build` of one JSON article titled `title`; the seconds it took and the JSON it wrote."""
    import time

    from click.testing import CliRunner

    from briefing.cli import main

    folder.mkdir()
    text = " ".join(f"Le ministère annonce le projet numéro {i} pour les start-up d'Hanoï." for i in range(12))
    (folder / "a.json").write_text(json.dumps([{"title": title, "text": text, "date": "2025-10-02",
                                                "url": "https://example.org/a", "lang": "fr"}]), encoding="utf-8")
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["build", str(folder), "--no-translate", "--out", str(folder / "out"),
                                       "--today", "2025-10-06"])
    assert result.exit_code == 0, result.output
    return time.perf_counter() - started, folder / "out" / "briefing-2025-10-02.json"


@pytest.mark.slow
def test_a_100000_letter_title_builds_as_fast_as_a_normal_one_shortened_for_display(tmp_path: Path) -> None:
    normal = "Le Vietnam lance un programme pour les start-up"
    _build_one_article(tmp_path / "warm-up", normal)  # models loaded once, as in the timed runs below
    normal_s, _ = _build_one_article(tmp_path / "normal", normal)
    huge = "A" * 100_000
    huge_s, json_path = _build_one_article(tmp_path / "huge", huge)
    assert huge_s < 5 * normal_s, (huge_s, normal_s)
    (article,) = json.loads(json_path.read_text(encoding="utf-8"))["articles"]
    assert article["title"] == huge  # the record keeps the full title
    reader = pypdf.PdfReader(json_path.with_suffix(".pdf"))
    assert len(reader.pages) < 10
    html = json_path.with_suffix(".html").read_text(encoding="utf-8")
    assert len(html.encode("utf-8")) < EMAIL_MAX_BYTES
    assert "A" * TITLE_DISPLAY_MAX_CHARS not in html and "A" * (TITLE_DISPLAY_MAX_CHARS - 1) + "…" in html


def test_display_title_cuts_long_titles_at_a_word() -> None:
    words = "Hanoi opens a new centre for artificial intelligence " * 10
    shown = display_title(words)
    assert len(shown) <= TITLE_DISPLAY_MAX_CHARS and shown.endswith("…") and words.startswith(shown[:-1])
    assert shown[-2] != " " and words[len(shown) - 1] == " "  # ends on a whole word
    assert display_title("  Short\n title ") == "Short title"


# `briefing build` in a process whose files may not grow past argv[1] bytes (RLIMIT_FSIZE: a write beyond it
# fails with EFBIG, as on a full disk); py3langid unpacks its model to a temporary file first, so it is loaded
# before the limit is set.
_LIMITED_BUILD = """
import resource, signal, sys
import py3langid
py3langid.classify("bonjour")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing the process
limit = int(sys.argv.pop(1))
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from briefing.cli import main
main()
"""


def _build_in_subprocess(sources: Path, out: Path, max_file_bytes: int) -> Any:
    """`briefing build` of `sources` in its own process, with at most `max_file_bytes` per file written."""
    import subprocess

    command = [sys.executable, "-c", _LIMITED_BUILD, str(max_file_bytes), "build", str(sources), "--out", str(out),
               "--no-translate", "--today", "2025-10-06", "--creation-date", "2025-10-06T08:00:00"]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_a_failed_write_leaves_the_previous_briefing_whole_and_no_temporary_file(tmp_path: Path) -> None:
    sources, out = tmp_path / "news", tmp_path / "out"
    sources.mkdir()
    sentence = "Le ministère annonce un nouveau programme de soutien aux start-up d'Hanoï, selon le communiqué. "
    record = {"title": "Le Vietnam lance un programme", "date": "2025-10-02", "lang": "fr", "text": sentence * 4}
    (sources / "a.json").write_text(json.dumps([record]), encoding="utf-8")
    from click.testing import CliRunner

    from briefing.cli import main

    first = CliRunner().invoke(main, ["build", str(sources), "--out", str(out), "--no-translate", "--today",
                                      "2025-10-06", "--creation-date", "2025-10-06T08:00:00"])
    assert first.exit_code == 0, first.output
    previous = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(previous) == [f"briefing-2025-10-02.{ext}" for ext in ("html", "json", "pdf", "txt")]
    # a stale temporary file from a run that crashed an hour ago
    stale = out / ".briefing-2025-10-02.pdf.k3j9x2.tmp"
    stale.write_bytes(b"half a PDF")
    old = previous["briefing-2025-10-02.pdf"]
    import os
    import time

    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    # the same article grown to 400 KB: its JSON record no longer fits, the PDF, email and text do
    record["text"] = sentence * 4000
    (sources / "a.json").write_text(json.dumps([record]), encoding="utf-8")
    limit = 300_000
    assert len(old) < limit
    failed = _build_in_subprocess(sources, out, max_file_bytes=limit)
    assert failed.returncode == 1, failed.stderr
    assert f"could not write the briefing to {out}" in failed.stderr and "Traceback" not in failed.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == previous  # the old set, whole; no .tmp left


def test_the_email_lists_each_outlet_once_and_counts_the_other_articles(tmp_path: Path) -> None:
    copies = [translated(n, publisher="VNA" if n % 3 else "Reuters") for n in range(1, 7)]
    story = story_of(copies[0], 1, "Technology", *copies[1:])
    outputs = render(briefing_of({"Technology": [story]}), tmp_path)
    text = flat(EmailParser.parse(outputs.html).text)
    assert "VNA · Reuters · +4 more articles" in text
    plain = outputs.txt.read_text(encoding="utf-8")
    assert "- and 4 more articles" in plain and plain.count("- VNA, ") == 1
