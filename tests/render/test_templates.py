"""The templates: user templates and their faults named by file and line, article text never markup,
invisible characters never shown."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.errors import TemplateProblem
from briefing.records import Briefing
from briefing.render import check_templates, render
from briefing.render.templates import EMAIL_TEMPLATE
from tests.helpers import translated
from tests.render.conftest import EmailParser, briefing_of, flat, page_texts, user_templates

# --- user templates and their faults ----------------------------------------------------------


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


@pytest.mark.parametrize(
    "reach",
    [
        "cycler.__init__.__globals__.os.popen('touch {proof}').read()",
        "self.__init__.__globals__['__builtins__']['__import__']('os').system('touch {proof}')",
        "''.__class__.__mro__[1].__subclasses__()",
        "lipsum.__globals__['os'].popen('touch {proof}').read()",
    ],
)
def test_a_template_cannot_run_code(sample: Briefing, tmp_path: Path, runner: CliRunner, seeds_dir: Path,
                                    reach: str) -> None:
    """Templates render sandboxed: no way out to Python internals, the OS or files; one line, no traceback."""
    proof = tmp_path / "pwned"
    folder = user_templates(tmp_path, EMAIL_TEMPLATE, "<p>ok</p>\n<p>{{ " + reach.format(proof=proof) + " }}</p>\n")
    with pytest.raises(TemplateProblem, match=r"mine/email\.html, line 2: SecurityError: .*unsafe"):
        check_templates(folder)
    result = runner.invoke(main, ["build", str(seeds_dir), "--no-translate", "--out", str(tmp_path / "out"),
                                  "--templates", str(folder)])
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert re.fullmatch(r"Error: .*mine/email\.html, line 2: SecurityError: .*", line), line
    assert not proof.exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("how", ["the template", "an include", "the folder's parent"])
def test_a_template_file_is_read_only_from_inside_the_template_folder(sample: Briefing, tmp_path: Path,
                                                                     how: str) -> None:
    """A link leaving the folder (to /etc/passwd, or to a file beside it) is refused, naming the file."""
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:secret\n", encoding="utf-8")
    folder = tmp_path / "mine"
    folder.mkdir()
    if how == "the template":
        (folder / EMAIL_TEMPLATE).symlink_to("/etc/passwd")
        culprit, message = folder / EMAIL_TEMPLATE, "is a link to /etc/passwd"
    elif how == "an include":
        (folder / EMAIL_TEMPLATE).write_text("<p>{% include 'header.html' %}</p>\n", encoding="utf-8")
        (folder / "header.html").symlink_to(secret)
        culprit, message = folder / "header.html", f"is a link to {secret}"
    else:
        (folder / EMAIL_TEMPLATE).write_text("<p>{% include '../secret.txt' %}</p>\n", encoding="utf-8")
        culprit, message = None, "template '../secret.txt' not found"
    expected = (re.escape(f"template {culprit} {message}") + ", outside the templates folder" if culprit
                else re.escape(message))
    with pytest.raises(TemplateProblem, match=expected) as caught:
        check_templates(folder)
    assert "secret" not in str(caught.value).replace(str(secret), "").replace("secret.txt", "")
    with pytest.raises(TemplateProblem, match=expected):
        render(sample, tmp_path / "out", templates_dir=folder)


def test_a_template_that_is_not_utf8_is_one_line_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / EMAIL_TEMPLATE).write_bytes("<p>Café</p>\n".encode("cp1252"))
    with pytest.raises(TemplateProblem, match=re.escape(f"template {folder / EMAIL_TEMPLATE} is not UTF-8 text")):
        check_templates(folder)


def test_shipped_templates_pass_the_check() -> None:
    check_templates(None)


def test_missing_templates_folder_or_empty_one_is_a_clear_error(sample: Briefing, tmp_path: Path) -> None:
    with pytest.raises(TemplateProblem, match=r"templates folder .*nowhere not found: give a folder holding"):
        render(sample, tmp_path, templates_dir=tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(TemplateProblem, match=r"holds none of briefing\.html, email\.html, briefing\.txt"):
        render(sample, tmp_path, templates_dir=tmp_path / "empty")


# --- article text is text ---------------------------------------------------------------------


HOSTILE_TITLE = '<script>alert(1)</script><img src="file:///etc/passwd">'


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


# --- counts read as English ------------------------------------------------------------------


def test_counts_are_singular_or_plural_as_english_needs_in_every_output(tmp_path: Path) -> None:
    one = render(briefing_of({"Technology": [translated(1)]}), tmp_path / "one")
    reader = pypdf.PdfReader(one.pdf)
    assert "Coverage 1 story from 1 article" in flat(page_texts(reader)[0])
    assert "Sources 1 publisher: VNA" in flat(page_texts(reader)[0])
    assert reader.metadata is not None and reader.metadata.subject.startswith("1 story from 1 article, Week 40")
    email = flat(EmailParser.parse(one.html).text)
    assert email.startswith("Mekong Weekly — Week 40, 2025 · 29 September 2025 – 5 October 2025 1 story from 1 "
                            "article · Week 40")
    assert "1 story from 1 article · Sources in French" in email and "1 publisher: VNA" in email
    text = one.txt.read_text(encoding="utf-8")
    assert "\n1 story from 1 article.\n" in text and "\n1 publisher: VNA\n" in text
    three = render(briefing_of({"Technology": [translated(n, publisher=p) for n, p in enumerate("ABC", 1)]}),
                   tmp_path / "three")
    assert "\n3 stories from 3 articles.\n" in three.txt.read_text(encoding="utf-8")
    assert "\n3 publishers: A, B, C\n" in three.txt.read_text(encoding="utf-8")
