"""What the templates see: the chart, the same content in the email and the text part, each story's sources."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing.records import Briefing, Entity, Period
from briefing.render import render
from briefing.render.settings import (
    LONG_RUN_BREAK_CHARS,
    SUMMARY_DISPLAY_MAX_CHARS,
    TEXT_WIDTH,
    TITLE_DISPLAY_MAX_CHARS,
)
from briefing.render.templates import PDF_TEMPLATE, render_template, template_dirs, template_environment
from briefing.render.views import Shown, name_index, names_line, source_view, template_context
from briefing.summarize.figures import key_figures
from tests.helpers import story_of, translated
from tests.render.conftest import EmailParser, briefing_of, flat


def test_chart_is_inline_svg_with_one_bar_per_theme(sample: Briefing) -> None:
    dirs = template_dirs(None)
    html = render_template(template_environment(dirs), PDF_TEMPLATE, template_context(sample), dirs)
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert svg, "no inline SVG chart"
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg.group(0))]
    assert len(widths) == 2 and widths[0] == pytest.approx(3 * widths[1], rel=0.01)  # 3 articles against 1
    assert "href=" not in svg.group(0) and "http" not in svg.group(0).replace("http://www.w3.org/2000/svg", "")


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


@pytest.mark.parametrize(
    ("publisher", "url", "text"),
    [("VNA", "https://www.vietnamplus.vn/a", "vietnamplus.vn"), ("mst.gov.vn", "https://mst.gov.vn/a", "source"),
     ("www.mst.gov.vn", "https://mst.gov.vn/a", "source"), ("VNA", "javascript:x()", None)],
)
def test_link_text_does_not_repeat_the_publisher(publisher: str, url: str, text: str | None) -> None:
    assert source_view(translated(1, publisher=publisher, url=url)).host == text


def test_the_email_lists_each_outlet_once_and_counts_the_other_articles(tmp_path: Path) -> None:
    copies = [translated(n, publisher="VNA" if n % 3 else "Reuters") for n in range(1, 7)]
    story = story_of(copies[0], 1, "Technology", *copies[1:])
    outputs = render(briefing_of({"Technology": [story]}), tmp_path)
    text = flat(EmailParser.parse(outputs.html).text)
    assert "VNA · Reuters · +4 more articles" in text
    plain = outputs.txt.read_text(encoding="utf-8")
    assert "- and 4 more articles" in plain and plain.count("- VNA, ") == 1


# --- every field bounded, whatever the input --------------------------------------------------

HOSTILE_LENGTH = 20_000


def _hostile(value: Any, long: str) -> Any:
    """`value` with every text in it (fields of records, records inside records, tuples of text) made `long`;
    links become links of that length."""
    if isinstance(value, str):
        return long
    if isinstance(value, tuple):
        return tuple(_hostile(item, long) for item in value)
    if isinstance(value, Period):  # the period is the run's (--week or the articles' dates), not input
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _hostile(getattr(value, f.name), long) for f in dataclasses.fields(value)}
        if getattr(value, "url", None) is not None:
            changes["url"] = "https://example.org/" + long
        return dataclasses.replace(value, **changes)
    return value


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every (name, string) the templates can reach in `value`."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, str(name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item, key)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name), f.name)


@pytest.mark.parametrize("long", ["P" * HOSTILE_LENGTH, "Pub " * (HOSTILE_LENGTH // 4), "9" * HOSTILE_LENGTH + "%"],
                         ids=["one word", "words", "a figure"])
def test_every_text_the_templates_see_is_bounded_however_long_the_input(long: str) -> None:
    story = story_of(translated(1), 1, "Technology", translated(2))
    briefing = _hostile(briefing_of({"Technology": [story, translated(3)]}), long)
    context = template_context(briefing, bilingual=True, shown=Shown(top=1, full=1))
    assert "briefing" not in context  # the templates see display values only, never a raw record
    seen = list(_strings(context))
    assert {name for name, _ in seen} >= {"title", "publisher", "summary", "theme", "label", "source"}
    assert bool(context["figures"]) is long.endswith("%")
    for name, text in seen:
        limit = SUMMARY_DISPLAY_MAX_CHARS if name in ("summary", "original_summary") else TITLE_DISPLAY_MAX_CHARS
        assert len(text) <= limit, f"{name}: {len(text)} characters shown"
        assert not re.search(rf"[^\s\u200b]{{{LONG_RUN_BREAK_CHARS + 1}}}", text), f"{name}: a run with no break"
    assert all(view.url is None for view in (*context["top"][0].sources, *context["more"]))  # a cut link is no link


def test_a_story_shows_its_first_names_on_one_line_and_the_index_lists_who_is_named_where() -> None:
    names = (Entity("Tô Lâm", "person", ("a1", "a2")), Entity("JICA", "organisation", ("a1",)),
             Entity("Hà Nội", "place", ("a1",)), Entity("Kẻ lạ", "other", ("a1",)),
             Entity("Boston Consulting Group", "organisation", ("a2",)),
             Entity("Agence japonaise de coopération internationale", "organisation", ("a2",)))
    first = dataclasses.replace(story_of(translated(1), 1, "", translated(2)), entities=names)
    second = dataclasses.replace(story_of(translated(3), 2), entities=(Entity("JICA", "organisation", ("a3",)),))
    third = dataclasses.replace(story_of(translated(4), 3), entities=(Entity("Élysée", "organisation", ("a4",)),))
    assert names_line(first) == ("Tô Lâm · JICA · Hà Nội · Boston Consulting Group · "  # "other" names aside
                                 "Agence japonaise de coopération internationale")
    long = tuple(Entity(f"Organisation numéro {n} de la coopération régionale", "organisation", ("a1",))
                 for n in range(4))
    assert names_line(dataclasses.replace(first, entities=long)) == long[0].name  # two would not fit one line
    index = name_index([first, second, third], {"s-a1": "story-1", "s-a3": "story-2", "s-a4": "story-3"},
                       in_full={"s-a1"})
    listed = {e.name: e.stories for e in index}
    assert listed["JICA"] == ((1, "story-1"), (2, "story-2"))  # named by two stories
    assert "Élysée" not in listed  # one story listed in one line: not indexed
    assert "Hà Nội" not in listed  # places are not in the index of people and organisations
    assert [e.name for e in index][:2] == ["Agence japonaise de coopération internationale", "Boston Consulting Group"]


def test_names_show_in_english_where_translated_and_the_index_joins_both_spellings() -> None:
    bank_fr = Entity("Banque mondiale", "organisation", ("a1",), name_en="World Bank")
    first = dataclasses.replace(story_of(translated(1), 1), entities=(
        Entity("Tô Lâm", "person", ("a1",)), bank_fr, Entity("Japon", "place", ("a1",), name_en="Japan")))
    second = dataclasses.replace(story_of(translated(2), 2), entities=(Entity("World Bank", "organisation", ("a2",)),))
    third = dataclasses.replace(story_of(translated(3), 3),
                                entities=(Entity("Banque mondiale", "organisation", ("a3",)),))
    assert names_line(first) == "Tô Lâm · World Bank · Japan"
    london = (Entity("London", "place", ("a1",)), Entity("Hasib Hussain", "person", ("a1",)),
              Entity("Londres", "place", ("a2",), name_en="London"))
    assert names_line(dataclasses.replace(first, entities=london)) == "London · Hasib Hussain"  # once in English
    index = name_index([first, second, third], {"s-a1": "story-1", "s-a2": "story-2", "s-a3": "story-3"},
                       in_full={"s-a1"})
    listed = {e.name: e.stories for e in index}
    assert listed["World Bank"] == ((1, "story-1"), (2, "story-2"), (3, "story-3"))  # one entry for both spellings
    assert "Banque mondiale" not in listed
