"""The email HTML, parsed: self-contained, inlined, dark-mode ready, and under Gmail's clipping size at any
volume."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

from briefing.records import Article, Briefing, Entity, Story
from briefing.render import render
from briefing.render.email import email_html, inline_email
from briefing.render.settings import EMAIL_MAX_BYTES, SUMMARY_DISPLAY_MAX_CHARS
from briefing.render.templates import EMAIL_TEMPLATE, render_template, template_dirs, template_environment
from briefing.render.views import Shown, template_context
from tests.conftest import make_article
from tests.helpers import story_of
from tests.render.conftest import EmailParser, briefing_of, flat


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
    html, _ = email_html(env, template_context(briefing, shown=view), dirs, briefing, view, bilingual=False)
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


def test_email_of_a_huge_week_stays_under_the_budget_and_points_to_the_pdf_and_json(shared_dir: Path,
                                                                                   tmp_path: Path) -> None:
    _, email = orangesum_email(shared_dir, 1500, tmp_path)
    size = email.stat().st_size
    assert size < EMAIL_MAX_BYTES, f"email HTML is {size} bytes"
    text = flat(EmailParser.parse(email).text)
    found = re.search(r"([\d,]+) more stories: the PDF briefing lists the most covered of them, and its JSON file, "
                      r"briefing-\d{4}-W\d\d\.json, has every story\.", text)
    assert found, "the email does not say how many more stories the PDF and the JSON have"
    assert 1000 < int(found.group(1).replace(",", "")) < 1500
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


def test_a_user_s_email_css_can_make_the_email_load_nothing(sample: Briefing, tmp_path: Path) -> None:
    """@import and url() of a user's email.css stayed in the email: opening it would fetch them (a tracker)."""
    folder = tmp_path / "templates"
    folder.mkdir()
    shipped = (template_dirs(None)[-1] / "email.css").read_text(encoding="utf-8")
    (folder / "email.html").write_text((template_dirs(None)[-1] / "email.html").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    (folder / "email.css").write_text(
        "@import url(http://tracker.example/a.css);\n@import 'https://tracker.example/b.css';\n" + shipped
        + "\nbody { background-image: url(http://tracker.example/pixel.png); }\n"
        + ".h3 { background: #fff url('https://tracker.example/h3.png') no-repeat; }\n"
        + "@media (prefers-color-scheme: dark) { body { background: url(//tracker.example/dark.png) } }\n"
        + "@font-face { font-family: Tracked; src: url(https://tracker.example/f.woff2); }\n"
        # CSS escapes and image-set() spelled the same loads past the first version of the check
        + ".h2 { background-image: image-set(\"https://tracker.example/set.png\" 1x); }\n"
        + ".p1 { background: \\75 rl(https://tracker.example/escaped.png); }\n",
        encoding="utf-8")
    outputs = render(sample, tmp_path / "out", templates_dir=folder)
    html = outputs.html.read_text(encoding="utf-8")
    assert "tracker.example" not in html and "@import" not in html
    parsed = EmailParser.parse(outputs.html)
    assert "prefers-color-scheme: dark" in "".join(parsed.style_blocks)  # the rest of the CSS is kept
    assert any("no-repeat" in attrs.get("style", "") for _, attrs in parsed.tags)


def test_the_email_budget_holds_when_not_even_one_story_fits(tmp_path: Path) -> None:
    """Bounded fields can still add up: five outlets' 2,000-character links and two 8,000-character summaries
    of characters HTML escapes five-fold make one story alone larger than the budget."""
    escaped = "&" * SUMMARY_DISPLAY_MAX_CHARS
    articles = [make_article(id=f"a{n}", publisher=f"Outlet {n}", summary="<" * len(escaped), summary_en=escaped,
                             title_en="The one story of the week", url="https://example.org/?" + "&" * 2000)
                for n in range(5)]
    briefing = briefing_of({"Technology": [story_of(articles[0], 1, "Technology", *articles[1:])]})
    dirs = template_dirs(None)
    env = template_environment(dirs)
    view = Shown(top=10, full=40)
    context = template_context(briefing, bilingual=True, shown=view)
    whole = inline_email(render_template(env, EMAIL_TEMPLATE, context, dirs))
    assert len(whole.encode("utf-8")) > EMAIL_MAX_BYTES  # the story in full is too big on its own
    html, _ = email_html(env, context, dirs, briefing, view, bilingual=True)
    assert len(html.encode("utf-8")) <= EMAIL_MAX_BYTES
    text = flat(EmailParser.parse_text(html).text)
    assert "The one story of the week" in text  # cut inside the story: its headline and sources stay
    cut = re.search(r"&[&\u200b]*…", text)
    assert cut and 100 < len(cut.group()) < len(escaped), "the summary is not cut short"


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_dark_mode_rules_win_over_the_inlined_colours_and_keep_text_readable(sample: Briefing, tmp_path: Path) -> None:
    """In the sent HTML (inlined), every element that has a colour of its own gets a dark-mode colour that
    beats it (!important) and reads at 4.5:1 or more on the dark background."""
    named = dataclasses.replace(sample.sections[0].stories[0], entities=(Entity("Tô Lâm", "person", ("a1",)),))
    first = dataclasses.replace(sample.sections[0], stories=(named, *sample.sections[0].stories[1:]))
    sample = dataclasses.replace(sample, sections=(first, *sample.sections[1:]))  # a story with its names line
    parsed = EmailParser.parse(render(sample, tmp_path, bilingual=True, top=1, max_stories=3).html)
    dark_css = "".join(parsed.style_blocks).split("prefers-color-scheme: dark", 1)[1].split("@media", 1)[0]
    dark: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", dark_css):
        colour = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})\s*!important", body)
        for selector in selectors.split(","):
            if colour and selector.strip().startswith("."):
                dark[selector.strip()[1:]] = colour.group(1)
    background = re.search(r"\.block\b[^{}]*\{[^{}]*background:\s*(#[0-9a-fA-F]{6})\s*!important", dark_css)
    assert background, "no dark background for the content blocks"
    checked = set()
    for _, attrs in parsed.tags:
        style, classes = attrs.get("style", ""), attrs.get("class", "").split()
        if not re.search(r"(?<![-\w])color:", style) or "background" in style or "display:none" in style:
            continue
        found = [dark[c] for c in classes if c in dark]
        assert found, f"class {classes} keeps its light colour in dark mode ({style})"
        ratio = contrast(found[0], background.group(1))
        assert ratio >= 4.5, f"class {classes}: {found[0]} on {background.group(1)} is {ratio:.1f}:1"
        checked.update(classes)
    assert {"meta", "names", "sources", "overview", "brief-meta", "footer", "h3", "link"} <= checked


def test_the_text_part_shows_what_the_html_shows_and_keeps_every_link_whole(shared_dir: Path,
                                                                           tmp_path: Path) -> None:
    """The text listed 40 stories in full and 200 in one line whatever the HTML kept (400 KB with links of
    1,500 characters), and wrapped every link over about 60 characters, so a mail program linked half of it."""
    groups: dict[str, list[Article | Story]] = {}
    for article in orangesum_articles(shared_dir / "eval" / "orangesum_valid.jsonl", 300):
        long_url = f"https://www.orange.fr/actu/{article.id}/" + "a" * 1_500
        groups.setdefault(article.theme, []).append(dataclasses.replace(article, url=long_url))
    outputs = render(briefing_of(groups), tmp_path)
    text = outputs.txt.read_text(encoding="utf-8")
    html = outputs.html.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < EMAIL_MAX_BYTES
    in_text = re.findall(r"^\s*<(https://www\.orange\.fr/\S+)>$", text, flags=re.MULTILINE)
    in_html = set(re.findall(r'href="(https://www\.orange\.fr/[^"]+)"', html))
    assert in_text and set(in_text) == in_html  # the same stories' links, each whole on a line of its own
    assert all(len(url) > 1_500 for url in in_text)
