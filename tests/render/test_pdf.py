"""The PDF, read back with pypdf: cover, metadata and tags, outline, running header, fonts, the glance page;
and its safety: a real HTTP server on 127.0.0.1 records every request and Python's audit hook sees every
file the renderer opens."""

from __future__ import annotations

import http.server
import json
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import pypdf
import pytest

from briefing import __version__
from briefing.options import DEFAULT_MAX_STORIES
from briefing.records import Briefing, Outputs
from briefing.render import render
from briefing.render.settings import PDF_LISTED_MAX, STORY_SOURCES_PDF
from briefing.render.templates import PDF_TEMPLATE
from briefing.runtime.shipped import TEMPLATES_DIR
from tests.helpers import story_of, translated
from tests.render.conftest import EmailParser, briefing_of, flat, page_texts


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


# --- the PDF, read back -----------------------------------------------------------------------


def test_cover_states_title_period_count_languages_publishers_and_date(sample_pdf: Any) -> None:
    _, _, reader = sample_pdf
    cover = flat(page_texts(reader)[0])
    assert "Mekong Weekly" in cover
    assert "Week 40, 2025 · 29 September 2025 – 5 October 2025" in cover
    assert "1 article without a known date is included" in cover
    assert "Coverage 4 stories from 5 articles; 1 covered by more than one source" in cover
    assert "Source languages French" in cover
    assert "Sources 3 publishers: Le Monde, Nhân Dân, VNA" in cover
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


def _embedded_fonts(reader: pypdf.PdfReader) -> list[str]:
    return [ref.get_object()["/BaseFont"] for page in reader.pages
            for ref in page["/Resources"].get("/Font", {}).values()]


def test_untranslated_chinese_and_japanese_are_drawn_with_a_cjk_font(tmp_path: Path) -> None:
    """A story left in Chinese or Japanese (no engine for it) showed rows of empty boxes: the set-up installed
    no font with those glyphs. It installs Noto CJK now, and the page draws them with it."""
    untranslated: dict[str, Any] = {"title_en": "", "summary_en": "", "flags": ("untranslated",)}
    chinese = translated(1, lang="zh", title="越南发布人工智能国家战略", **untranslated,
                         summary="越南政府周二发布了人工智能国家战略，计划到二〇三〇年培养五万名工程师。")
    japanese = translated(2, lang="ja", title="ベトナムがAI戦略を発表", **untranslated,
                          summary="ベトナム政府は火曜日、人工知能の国家戦略を発表した。")
    outputs = render(briefing_of({"Technology": [chinese, japanese]}), tmp_path, top=2)
    reader = pypdf.PdfReader(outputs.pdf)
    whole = " ".join(flat(t) for t in page_texts(reader))
    assert "越南发布人工智能国家战略" in whole and "ベトナムがAI戦略を発表" in whole
    assert any("CJK" in name for name in _embedded_fonts(reader)), _embedded_fonts(reader)


def test_a_story_left_in_its_own_language_is_marked_with_it_in_the_email(tmp_path: Path) -> None:
    """An Arabic story no engine could translate sat in an English document: laid out left to right, its
    punctuation at the wrong ends of its lines, and read by screen readers as English."""
    arabic = translated(1, lang="ar", title="فيتنام تعلن استراتيجية للذكاء الاصطناعي", title_en="", summary_en="",
                        summary="أعلنت الحكومة الفيتنامية يوم الثلاثاء استراتيجية وطنية للذكاء الاصطناعي.",
                        flags=("untranslated",))
    outputs = render(briefing_of({"Technology": [arabic, translated(2)]}), tmp_path, top=2)
    html = outputs.html.read_text(encoding="utf-8")
    marked = re.findall(r'<div class="article" ([^>]*)>', html)
    assert len(marked) == 2, marked
    assert 'dir="auto"' in marked[0] and 'lang="ar"' in marked[0]  # the Arabic story leads (rank 1)
    assert "lang=" not in marked[1] and "dir=" not in marked[1]
    # ...and its English lines (sources, dates, names) stay left to right: "1 source" read "source … 1"
    assert len(re.findall(r'<p class="meta" [^>]*dir="ltr"', html)) == 1
    texts = " ".join(flat(t) for t in page_texts(pypdf.PdfReader(outputs.pdf)))
    assert "Vietnam launches programme number 2" in texts and "not translated" in texts


def test_key_figures_and_chart_on_the_glance_page(sample_pdf: Any) -> None:
    _, _, reader = sample_pdf
    glance = flat(page_texts(reader)[2])
    assert glance.startswith("At a glance") or "At a glance" in glance
    assert "Technology 3" in glance and "Economy 1" in glance  # the chart's labels and counts
    assert "101 billion USD" in glance and "102 billion USD" in glance
    assert "12.5%" not in glance  # figures come from the stories shown in full, which are the ones translated


# --- safety: nothing fetched, nothing opened outside the templates ----------------------------


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


def test_the_glance_page_shows_theme_names_whole_and_keeps_the_key_figures_together(tmp_path: Path) -> None:
    """Nine themes (the shipped taxonomy's longest names among them) and eight figures with two-line sentences,
    as a real week has: one page, no name cut, no figure alone on the next page."""
    themes = ["Digital infrastructure & data centres", "Digital transformation & e-government",
              "Cybersecurity & data protection", "Research, education & talent", "International cooperation",
              "Policy & regulation", "AI & start-ups", "Semiconductors", "Other"]
    sentence = ("The report foresees that the economy founded on artificial intelligence could reach a value of "
                "{} billion USD by 2040, according to the ministry.")
    stories = {theme: [translated(n, summary_en=sentence.format(100 + n))] for n, theme in enumerate(themes, 1)}
    outputs = render(briefing_of(stories), tmp_path, top=8, max_stories=8)
    pages = [flat(text) for text in page_texts(pypdf.PdfReader(outputs.pdf))]
    (glance,) = [number for number, text in enumerate(pages) if text.startswith("At a glance STORIES PER THEME")]
    assert all(theme in pages[glance] for theme in themes), pages[glance]
    values = [f"{100 + n} billion USD" for n in range(1, 9)]
    assert all(value in pages[glance] for value in values), pages[glance]
    assert not any(value in pages[glance + 1] for value in values)
    for output in (outputs.html, outputs.txt):
        assert "Digital infrastructure & data centres" in flat(output.read_text(encoding="utf-8").replace(
            "&amp;", "&")), output.name


def test_a_week_of_thousands_of_stories_lists_the_next_ones_then_counts_the_rest_within_forty_pages(
        tmp_path: Path) -> None:
    """3,000 one-article stories: the PDF lists PDF_LISTED_MAX of them past those in full, counts the others by
    theme and points to the JSON, in at most 40 pages (listing them all took 158 pages for 20,000 articles);
    the email and its text part (which show what fits the email's budget) point to both files."""
    themes = {"Economy": 1_500, "Technology": 1_000, "Society": 500}
    number = iter(range(1, 3_001))
    briefing = briefing_of({theme: [translated(next(number)) for _ in range(count)]
                            for theme, count in themes.items()})
    outputs = render(briefing, tmp_path)
    reader = pypdf.PdfReader(outputs.pdf)
    assert len(reader.pages) <= 40
    last_listed = DEFAULT_MAX_STORIES + PDF_LISTED_MAX
    texts = [flat(t) for t in page_texts(reader)]
    whole = " ".join(texts)
    rest, economy = 3_000 - last_listed, 1_500 - last_listed  # the first 1,500 ranks are Economy's
    assert (f"2,960 more stories: the next {PDF_LISTED_MAX} most covered, then the other {rest:,} counted by theme"
            in whole)
    assert f"{last_listed} Vietnam launches programme number {last_listed} VNA" in whole
    assert f"Vietnam launches programme number {last_listed + 1} " not in whole
    # what is left of Economy, then the other themes, most stories first
    assert (f"{rest:,} MORE STORIES BY THEME Economy {economy:,} Technology 1,000 Society 500 Every story, with its "
            "articles, sources and links, is in the JSON file of this briefing, briefing-2025-W40.json.") in texts[-1]
    email = flat(EmailParser.parse(outputs.html).text)
    found = re.search(r"([\d,]+) more stories: the PDF briefing lists the most covered of them, and its JSON file, "
                      r"briefing-2025-W40\.json, has every story\.", email)
    assert found, email[-400:]
    text = flat(outputs.txt.read_text(encoding="utf-8"))
    unlisted = int(found.group(1).replace(",", ""))
    last_emailed = 3_000 - unlisted
    assert f" {last_emailed}. Vietnam launches programme number {last_emailed} (VNA" in text
    assert f"number {last_emailed + 1} " not in text
    assert text.endswith(f"{unlisted:,} more stories by theme: Economy {1_500 - last_emailed:,} Technology 1,000 "
                         "Society 500 The PDF briefing lists the most covered of them, and its JSON file, "
                         "briefing-2025-W40.json, has every story. -- Stories are ranked by how many independent "
                         "sources cover them. Summaries are extracted from the articles and machine-translated; "
                         f"check the source before quoting. Made by briefing {__version__}.")
    assert len(json.loads(outputs.json.read_text(encoding="utf-8"))["stories"]) == 3_000


def test_a_story_of_three_hundred_outlets_lists_one_article_each_of_the_first_publishers_then_counts_the_rest(
        tmp_path: Path) -> None:
    """One event that 300 outlets ran (450 articles): the PDF lists STORY_SOURCES_PDF of them, the first article
    of each publisher, then how many more and the JSON file that has them all; listed whole it took 10 pages.
    A story of as many articles as the cap still lists every one."""
    outlets = [translated(n, publisher=f"Outlet {n % 300}") for n in range(1, 451)]
    small = [translated(n, publisher=f"Paper {n}") for n in range(1_001, 1_001 + STORY_SOURCES_PDF)]
    briefing = briefing_of({"Economy": [story_of(outlets[0], 1, "", *outlets[1:])],
                            "Technology": [story_of(small[0], 2, "", *small[1:])]})
    outputs = render(briefing, tmp_path)
    texts = [flat(t) for t in page_texts(pypdf.PdfReader(outputs.pdf))]
    whole = " ".join(texts).replace("briefing-2025- W40", "briefing-2025-W40")  # the file name may wrap
    assert len(texts) <= 8, len(texts)
    more = 450 - STORY_SOURCES_PDF
    assert f"+{more} more articles: every one in briefing-2025-W40.json" in whole
    listed = re.findall(r"Outlet (\d+) ·", whole)
    assert len(listed) == STORY_SOURCES_PDF and len(set(listed)) == STORY_SOURCES_PDF, listed
    assert all(f"Paper {n} ·" in whole for n in range(1_001, 1_001 + STORY_SOURCES_PDF))
    assert whole.count("more articles: every one in") == 1
