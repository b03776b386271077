"""The themes file and taxonomy mode: themes read and checked, articles assigned by meaning on real English
news, off-topic ones to "Other"."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sklearn.metrics import accuracy_score

from briefing import themes
from briefing.cli import main
from briefing.errors import BadThemesFile
from briefing.runtime.jsonl import records_as_lines
from briefing.themes.settings import OTHER_THEME
from briefing.themes.taxonomy import assign_taxonomy, load_taxonomy
from tests.helpers import agnews
from tests.themes.conftest import AGNEWS_THEMES, DOMAIN_NEWS, write_jsonl

SEED_DOMAIN_THEMES = {
    "AI & start-ups", "Semiconductors", "Digital infrastructure & data centres", "Policy & regulation",
    "International cooperation",
}


OFF_TOPIC = [
    "Manchester United beat Chelsea 2-1 in the Premier League. A late goal by the striker settled the match.",
    "Bake the cake for forty minutes. Let it cool before spreading the chocolate icing on top.",
]


# --- the themes file --------------------------------------------------------------------------


def test_default_taxonomy_covers_the_seed_domain() -> None:
    taxonomy = load_taxonomy(themes.DEFAULT_THEMES_FILE)
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
    assert load_taxonomy(path).min_similarity == 0.0


BAD_FILES = [
    ("[[theme]\nname = 'x'\n", "not valid TOML"),
    ("title = 'no themes here'\n", "unknown top-level key 'title'"),
    ("", "no [[theme]] found"),
    ("[[theme]]\ndescription = 'a theme without a name'\n", "theme 1 has no name"),
    ("[[theme]]\nname = 'A'\n[[theme]]\nname = 'A'\n", "theme name 'A' is used twice"),
    ("[[theme]]\nname = 'A'\nkeyword = ['typo']\n", "theme 1: unknown key 'keyword'"),
    ("[[theme]]\nname = 'A'\nkeywords = 'not a list'\n", "theme 1 ('A'): keywords must be a list of non-empty strings"),
    ("min_similarity = 3\n[[theme]]\nname = 'A'\n", "min_similarity must be a number from -1 to 1"),
    ("x = " + "[" * 100_000 + "]" * 100_000 + "\n", "not valid TOML (brackets nested too deeply)"),
    (f"[[theme]]\nname = '{'N' * 61}'\n", "theme 1: the name is longer than 60 characters"),
    ("[[theme]]\nname = 'other'\n", "theme 1: 'Other' is the section of stories no theme fits"),
    ("[[theme]]\nname = 'A'\nkeywords = [" + "'k', " * 51 + "]\n", "theme 1 ('A'): at most 50 keywords"),
    ("[[theme]]\nname = 'A'\ndescription = '" + "word " * 250_000 + "'\n", "larger than 1,024 KB"),
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


# --- taxonomy mode ----------------------------------------------------------------------------


def test_each_article_goes_to_the_theme_it_is_about_and_off_topic_ones_to_other() -> None:
    texts = [text for _, text in DOMAIN_NEWS] + OFF_TOPIC
    taxonomy = load_taxonomy(themes.DEFAULT_THEMES_FILE)
    result = assign_taxonomy(texts, taxonomy.themes, min_similarity=taxonomy.min_similarity)
    assert list(result.themes) == [theme for theme, _ in DOMAIN_NEWS] + [OTHER_THEME] * len(OFF_TOPIC)
    on_topic, off_topic = result.scores[: len(DOMAIN_NEWS)], result.scores[len(DOMAIN_NEWS):]
    assert min(on_topic) > taxonomy.min_similarity > max(off_topic)


@pytest.mark.slow
def test_taxonomy_on_real_english_news_beats_plain_similarity(shared_dir: Path, tmp_path: Path) -> None:
    records = agnews(shared_dir, 120)
    themed = themes.theme_records(list(records_as_lines(records)), field="text", themes_file=AGNEWS_THEMES,
                                  auto=False, k=None)
    labels = [r["label"] for r in records]
    accuracy = accuracy_score(labels, [r["theme"] for r in themed])
    assert accuracy >= 0.78  # floor, AG News dev rows 0-119 (plain similarity to descriptions: 0.71)
    assert all(isinstance(r["theme_score"], float) and -1 <= r["theme_score"] <= 1.2 for r in themed)
    assert [{k: v for k, v in r.items() if k not in ("theme", "theme_score")} for r in themed] == records
