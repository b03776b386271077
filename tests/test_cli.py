"""The command line as a user meets it: help on every command, the end-to-end build on seeds/,
and clear errors with non-zero exit codes for user mistakes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefing.cli import main
from tests.helpers import HOSTILE_PUBLISHER_CHARS, HOSTILE_URL_CHARS, week_records


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        found.append(path)
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


ALL_COMMANDS = _commands(main)


def test_every_stage_command_exists() -> None:
    names = {" ".join(c) for c in ALL_COMMANDS}
    expected = {"build", "ingest", "summarize", "translate", "themes", "models", "models list",
                "models install", "email", "init"}
    assert expected <= names


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=" ".join)
def test_every_command_has_useful_help(runner: CliRunner, command: tuple[str, ...]) -> None:
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    # a one-line summary of at least a few words, and every option documented
    summary = result.output.split("\n\n")[1].strip()
    assert len(summary.split()) >= 4, summary
    options = re.findall(r"^  (-\S+.*?)(?:\s{2,}(.*))?$", result.output, re.M)
    for flag, text in options:
        assert text, f"option {flag!r} of {' '.join(command)} has no help text"


def test_main_help_lists_the_commands(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in ("build", "ingest", "summarize", "translate", "themes", "models", "email"):
        assert re.search(rf"^  {name}\s+\S", result.output, re.M), name


@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One real `briefing build seeds/` with the apertium engine, shared by the tests below."""
    if shutil.which("apertium") is None:
        pytest.fail("apertium is not installed: run the README's set-up command")
    root = Path(__file__).resolve().parent.parent
    out = tmp_path_factory.mktemp("out")
    cache = tmp_path_factory.mktemp("cache")
    result = CliRunner().invoke(
        main,
        [*["build", str(root / "seeds"), "--out", str(out), "--engine", "apertium"],
         *["--today", "2026-11-22", "--creation-date", "2026-11-22T07:00:00"]],
        env={"XDG_CACHE_HOME": str(cache)},
    )
    assert result.exit_code == 0, result.output
    return out, result.output


def test_build_writes_all_four_files_named_by_the_dates_covered(seeds_build: tuple[Path, str]) -> None:
    out, output = seeds_build
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    label = "2025-01-15_2025-10-25"
    assert [n for n in names if n.startswith("briefing-")] == [
        f"briefing-{label}.html", f"briefing-{label}.json", f"briefing-{label}.pdf", f"briefing-{label}.txt"]
    assert "5 articles read" in output
    assert "5 translated" in output
    assert str(out) in output


def test_the_last_line_names_the_engine_and_how_to_get_better_english(seeds_build: tuple[Path, str]) -> None:
    last = seeds_build[1].strip().splitlines()[-1]
    assert "5 translated with apertium" in last
    assert "an Argos model translates much better" in last
    assert "'briefing models install fr en'" in last


def test_no_headline_is_cut_and_no_summary_starts_with_its_headline(seeds_build: tuple[Path, str]) -> None:
    out, _ = seeds_build
    data = json.loads(next(out.glob("briefing-*.json")).read_text(encoding="utf-8"))
    for story in data["stories"]:
        for title, summary in ((story["title"], story["summary"]), (story["title_en"], story["summary_en"])):
            assert "…" not in title, title
            assert not summary.startswith(title.rstrip(".")), (title, summary)


def test_build_json_has_every_article_in_english_with_metadata(seeds_build: tuple[Path, str]) -> None:
    out, _ = seeds_build
    data = json.loads(next(out.glob("briefing-*.json")).read_text(encoding="utf-8"))
    articles = data["articles"]
    assert len(articles) == 5
    for article in articles:
        assert article["lang"] == "fr"
        assert article["summary"] and article["summary_en"] and article["title_en"] and article["theme"]
        assert article["summary_en"] != article["summary"]
        # English function words, not French ones, dominate the translated summary
        words = re.findall(r"\w+", article["summary_en"].lower())
        english = sum(w in {"the", "of", "and", "to", "in", "is"} for w in words)
        french = sum(w in {"le", "la", "les", "des", "et", "est"} for w in words)
        assert english > 2 * french, article["summary_en"]
    assert {a["date"] for a in articles} >= {"2025-10-04", "2025-01-15"}
    assert any(a["url"] and a["url"].startswith("https://mst.gov.vn/") for a in articles)
    # key figures come from the whole articles, not only the summaries
    values = [f["value"] for f in data["key_figures"]]
    assert "130 billion dollars" in values, values
    # five different events: five one-article stories, in rank order, each naming its article
    stories = data["stories"]
    assert [s["rank"] for s in stories] == [1, 2, 3, 4, 5]
    assert sorted(a for s in stories for a in s["articles"]) == sorted(a["id"] for a in articles)
    assert {a["story"] for a in articles} == {s["story"] for s in stories}
    for story in stories:
        assert story["lang"] == "fr" and story["summary"] and story["summary_en"] and story["title_en"]
        assert story["theme"] and story["sources"] and story["score"] >= 1


def test_build_pdf_reads_back_in_english_grouped_by_theme(seeds_build: tuple[Path, str]) -> None:
    out, _ = seeds_build
    data = json.loads(next(out.glob("briefing-*.json")).read_text(encoding="utf-8"))
    reader = PdfReader(next(out.glob("briefing-*.pdf")))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    # the cover: period, article count and source languages
    assert "15 January 2025 – 25 October 2025" in flat
    assert "Coverage 5 stories from 5 articles" in flat
    assert "Top stories" in flat
    assert "Source languages French" in flat
    for article in data["articles"]:
        assert article["theme"] in flat
        first_words = " ".join(article["title_en"].split()[:3])
        assert first_words in flat, first_words
    html = next(out.glob("briefing-*.html")).read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "mst.gov.vn" in html
    # the names lines and the index: places and descriptive organisations in English, people as named
    named = {e["name"]: e["name_en"] for s in data["stories"] for e in s["entities"]}
    assert named["Japon"] == "Japan" and named["Asie du Sud-Est"] == "Southeast Asia" and named["Tô Lâm"] == "Tô Lâm"
    assert "Names: VINASA · Ministry of the Sciences · Japan" in flat and "Japon" not in flat.replace("(", " ")
    index = flat[flat.index("Who this week's stories name"):]
    assert "Japan International Cooperation Agency" in index and "Agence japonaise" not in index


def test_no_translate_keeps_french_and_says_so(runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", str(seeds_dir), "--out", str(tmp_path), "--no-translate",
                                  "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    text = " ".join(p.extract_text() for p in PdfReader(next(tmp_path.glob("*.pdf"))).pages)
    assert "not translated" in re.sub(r"\s+", " ", text).lower()
    assert "0 translated" in result.output


def test_build_one_week_names_files_by_iso_week(runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", str(seeds_dir), "--out", str(tmp_path), "--no-translate",
                                  "--week", "2025-W40", "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "briefing-2025-W40.json").read_text(encoding="utf-8"))
    assert [a["date"] for a in data["articles"]] == ["2025-10-04"]


def test_build_week_without_articles_is_not_an_error(runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", str(seeds_dir), "--out", str(tmp_path), "--no-translate",
                                  "--week", "2024-W10", "--today", "2026-11-22"])
    assert result.exit_code == 0
    assert "no articles dated in 2024-W10" in result.output
    assert not list(tmp_path.glob("briefing-*"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "does-not-exist/", "--no-translate"], "no usable article found"),
        (["build", "--week", "2025-40"], "use YYYY-Www"),
        (["build", "--week", "9999-W52"], "that week ends after the last date there is"),
        (["build", "--today", "0001-01-01", "--week", "last"], "give a date from year 2 to 9998"),
        (["build", "--creation-date", "0001-01-01"], "give a date from year 2 to 9998"),
        (["ingest", "--max-size", "nan"], "'nan' is not a finite number"),
        (["build", "--max-size", "1e308"], "not in the range"),
        (["ingest", "--fetch-deadline", "nan"], "'nan' is not a finite number"),
        (["build", "--themes", "missing-themes.toml"], "missing-themes.toml: no such file"),
        (["themes", "--auto", "--themes", "x.toml"], "give either --themes FILE or --auto, not both"),
        (["translate", "--source", "xx", "--target", "en"], "xx"),
        (["ingest", "--jobs", "100000"], "100000 is not in the range 1<=x<=128"),  # never finished: 100,000 forks
        (["build", "--title", " "], "give a title, or leave --title out for the default"),  # a subject "— dates"
    ],
)
def test_user_mistakes_get_one_clear_line_and_a_non_zero_exit(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(main, [*args, "--out", str(tmp_path)] if args[0] == "build" else args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_path_with_a_newline_or_an_escape_sequence_stays_one_line_in_every_message(
        runner: CliRunner, tmp_path: Path) -> None:
    """A file name may hold a newline, an ANSI escape or a right-to-left override: printed as typed, one error
    became two lines (the second looked like a message of its own) or recoloured the terminal."""
    odd = tmp_path / "week\nerror: all fine\x1b[32m\u2028\u202egpj.argosmodel"
    odd.write_bytes(b"PK not a zip")
    shown = "week\\nerror: all fine\\x1b[32m\\u2028\\u202egpj.argosmodel"
    for args in (["models", "install", "--file", str(odd)], ["stories", "--input", str(odd) + "-missing"],
                 ["build", str(odd), "--no-translate", "--out", str(tmp_path / "out")]):
        result = runner.invoke(main, args)
        assert result.exit_code != 0
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1 and shown in errors[0], result.stderr
        assert not {"\x1b", "\u202e", "\u2028"} & set(result.stderr) and "error: all fine" not in [
            line.strip() for line in result.stderr.splitlines()]


@pytest.mark.parametrize("args", [["--version"], ["models", "list"]])
def test_python_m_briefing_runs_the_same_command_line(runner: CliRunner, tmp_path: Path, args: list[str]) -> None:
    module = subprocess.run([sys.executable, "-m", "briefing", *args], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, check=False)
    assert module.returncode == 0, module.stderr
    direct = runner.invoke(main, args)
    assert module.stdout == direct.output


@pytest.mark.parametrize("command", [["summarize"], ["themes", "--auto"]])
def test_input_that_is_not_utf8_is_one_line_and_exit_1(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(main, command, input=b'{"text": "Une phrase."}\n\xff\n')
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: <stdin>: not UTF-8 text; JSON Lines must be UTF-8 (convert it, e.g. with iconv)"]


def test_a_build_into_a_folder_inside_its_sources_never_reads_its_own_digest_back(
        runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> None:
    news = tmp_path / "news"
    shutil.copytree(seeds_dir, news)
    args = ["build", str(news), "--out", str(news / "out"), "--no-translate", "--today", "2026-11-22"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    (json_file,) = (news / "out").glob("briefing-*.json")
    before = json.loads(json_file.read_text(encoding="utf-8"))["articles"]
    second = runner.invoke(main, args)
    assert second.exit_code == 0, second.output
    after = json.loads(json_file.read_text(encoding="utf-8"))["articles"]
    assert [a["path"] for a in after] == [a["path"] for a in before]
    assert all("/out/" not in a["path"] for a in after)
    assert (f"1 skipped ({news / 'out'}: the output folder: 4 file(s) briefing wrote there are not read back "
            "as articles)") in second.output


def test_thousands_of_skipped_sources_give_a_short_summary_not_a_huge_line(runner: CliRunner,
                                                                            tmp_path: Path) -> None:
    for number in range(3000):
        (tmp_path / f"stub-{number:04d}.txt").write_text("Trop court.", encoding="utf-8")
    result = runner.invoke(main, ["build", str(tmp_path), "--no-translate", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(line) < 600, len(line)
    assert f"(3000 skipped ({tmp_path / 'stub-0000.txt'}: too small" in line
    assert line.endswith("; and 2997 more: 'briefing ingest' lists every one))")


@pytest.mark.parametrize("command", [["summarize"], ["stories", "--no-translate"], ["themes", "--auto"]])
def test_deeply_nested_jsonl_is_one_line_and_exit_1(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(main, command, input='{"id": "a", "text": "Une phrase."}\n' + "[" * 100_000 + "\n")
    assert result.exit_code == 1, result.exception
    assert result.stderr == "Error: <stdin>, line 2: JSON nested deeper than 64 levels; a record is a flat object\n"


@pytest.mark.parametrize("command", [["build"], ["email", "--to", "team@example.org", "--dry-run"]])
def test_a_bad_week_is_reported_at_once_before_any_stage_is_loaded(tmp_path: Path, command: list[str]) -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "briefing", *command, "--week", "2025-W99",
                           "--out", str(tmp_path)], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 1
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert not imported & {"briefing.pipeline", "briefing.ingest", "weasyprint", "onnxruntime", "torch"}, imported
    assert done.stderr.splitlines()[-1] == "Error: --week '2025-W99': 2025 has no ISO week 99"


@pytest.mark.parametrize("command", [["build"], ["email", "--to", "team@example.org", "--from", "me@example.org",
                                                 "--dry-run"]])
def test_build_and_email_take_max_size(runner: CliRunner, tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text("Le Vietnam lance un programme pour les start-up. " * 60, encoding="utf-8")
    result = runner.invoke(main, [*command, str(tmp_path / "news"), "--out", str(tmp_path / "out"), "--max-size",
                                  "0.001", "--no-translate"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (f"Error: no usable article found in {tmp_path / 'news'} (1 skipped "
                                              f"({tmp_path / 'news' / 'a.txt'}: too large (0.0 MB; the limit is "
                                              "0.001 MB)))")


def _build(folder: Path, *options: str) -> None:
    """`python -m briefing build folder` as a user runs it (a process of its own)."""
    done = subprocess.run([sys.executable, "-m", "briefing", "-q", "build", str(folder), "--out",
                           str(folder / "out"), "--today", "2025-10-06", *options],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_a_week_of_hostile_fields_builds_and_mails_under_the_clipping_size(tmp_path: Path) -> None:
    """A 20,000-character publisher (with and without spaces), a 150 KB link and a 200 KB one-sentence article:
    the email stays under Gmail's 102,400 bytes, the JSON keeps all. (The build's time against a normal week's:
    benchmarks/hostile.py.)"""
    engine = ["--engine", "apertium"] if shutil.which("apertium") else ["--no-translate"]
    (tmp_path / "hostile").mkdir()
    (tmp_path / "hostile" / "week.json").write_text(json.dumps(week_records(hostile=True), ensure_ascii=False),
                                                    encoding="utf-8")
    _build(tmp_path / "hostile", *engine, "--cache", str(tmp_path / "cache.sqlite"))
    (email,) = (tmp_path / "hostile" / "out").glob("briefing-*.html")
    assert email.stat().st_size < 102_400
    record = json.loads(email.with_suffix(".json").read_text(encoding="utf-8"))
    assert [a["publisher"] for a in record["articles"] if len(a["publisher"]) == HOSTILE_PUBLISHER_CHARS]
    assert [a["url"] for a in record["articles"] if len(a["url"]) == HOSTILE_URL_CHARS]
    assert len(PdfReader(email.with_suffix(".pdf")).pages) < 15


@pytest.mark.parametrize("command", [["summarize"], ["stories", "--no-translate"], ["themes", "--auto"]])
@pytest.mark.parametrize("given", ['""', '"  "', '"\\udc00"'])
def test_a_blank_id_or_one_of_broken_characters_only_is_one_line_and_exit_1(runner: CliRunner, command: list[str],
                                                                          given: str) -> None:
    """Half an escaped emoji is taken out of every string; an id made of nothing else would become "" and
    then read as the id of every other such record."""
    result = runner.invoke(main, command, input=f'{{"id": {given}, "title": "Un titre", "text": "Une phrase."}}\n')
    assert result.exit_code == 1, result.exception
    assert result.stderr == ("Error: <stdin>, line 1: field 'id' is empty; give the record an id of its own, or "
                             "leave the field out\n")
