"""Stage 5, themes, as the pipeline and `briefing themes` run it: every story (or record) themed, then the
stories gathered in sections."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np

from briefing.embed import embed
from briefing.errors import BadInput
from briefing.log import get_logger
from briefing.records import Section, Story
from briefing.runtime.jsonl import Line, quoted
from briefing.themes.discover import assign_auto
from briefing.themes.refine import Assignment
from briefing.themes.settings import MAX_SECTIONS, OTHER_THEME, TINY_THEME_SHARE
from briefing.themes.taxonomy import DEFAULT_THEMES_FILE, assign_taxonomy, load_taxonomy

log = get_logger(__name__)

def assign(texts: Sequence[str], *, themes_file: Path | None, auto: bool, k: int | None,
           vectors: np.ndarray | None = None) -> Assignment:
    """Theme every text: discovered clusters with `auto`, else the taxonomy (the default one without a file).

    `vectors`: the texts' embeddings when the caller has them (else they are computed here)."""
    if auto:
        return assign_auto(texts, k, vectors=vectors)
    taxonomy = load_taxonomy(themes_file or DEFAULT_THEMES_FILE)
    return assign_taxonomy(texts, taxonomy.themes, vectors=vectors, min_similarity=taxonomy.min_similarity)


# --- the stage's public functions ---------------------------------------------------------


def theme_records(
    lines: Sequence[Line], *, field: str, themes_file: Path | None, auto: bool, k: int | None,
) -> list[dict[str, Any]]:
    """Copies of the records (`runtime.jsonl.Line`s) with "theme" and "theme_score" added (for `briefing themes`).

    Raises BadInput naming the line whose `field` is missing or not text, BadThemesFile for a bad file.
    """
    texts = []
    for line in lines:
        value = line.record.get(field)
        if not isinstance(value, str):
            problem = "has no" if value is None else "has a non-text"
            raise BadInput(f"{line.where} {problem} {quoted(field)} field; choose the text field with --field")
        texts.append(value)
    result = assign(texts, themes_file=themes_file, auto=auto, k=k)
    return [
        {**line.record, "theme": theme, "theme_score": score}
        for line, theme, score in zip(lines, result.themes, result.scores, strict=True)
    ]


def story_text(story: Story) -> str:
    """The English text a story is themed on: its title and summary in English; for a story listed in one line
    (its summary untranslated), the English text it was grouped on (the same text reuses its vector) or else
    its English title alone; its originals when nothing was translated."""
    if story.grouping_text and not story.summary_en:
        return story.grouping_text
    if story.title_en and not story.summary_en:
        return story.title_en.strip()
    title = (story.title_en or story.title).strip().rstrip(".")
    summary = (story.summary_en or story.summary).strip()
    return f"{title}. {summary}" if summary else title


def group_stories(
    stories: Sequence[Story], *, themes_file: Path | None, auto: bool, k: int | None,
    executor: Executor | None = None,
) -> list[Section]:
    """Every story themed (theme and theme_score set), in sections: the theme with most stories first, tiny
    themes merged into "Other", which comes last; each section's stories in rank order. The stories' texts
    are embedded on the executor's workers when one is given."""
    stories = list(stories)
    if not stories:
        return []
    texts = [story_text(s) for s in stories]
    result = assign(texts, themes_file=themes_file, auto=auto, k=k, vectors=embed(texts, executor))
    themed = [
        dataclasses.replace(s, theme=theme, theme_score=score)
        for s, theme, score in zip(stories, result.themes, result.scores, strict=True)
    ]
    return _sections(themed, result.keywords)


def _sections(stories: list[Story], keywords: dict[str, tuple[str, ...]]) -> list[Section]:
    """Group by theme, merge tiny themes and those beyond MAX_SECTIONS into "Other", order by importance."""
    by_theme: dict[str, list[Story]] = {}
    for story in stories:
        by_theme.setdefault(story.theme, []).append(story)

    def importance(name: str) -> tuple[int, int, str]:
        group = by_theme[name]
        return (-len(group), min(s.rank for s in group), name)

    tiny = max(1, math.ceil(TINY_THEME_SHARE * len(stories)))
    named = sorted((n for n in by_theme if n != OTHER_THEME), key=importance)
    kept = [n for n in named if len(by_theme[n]) >= tiny][:MAX_SECTIONS]
    other = [s for n in by_theme if n not in kept for s in by_theme[n]]
    if other:
        merged = sorted({s.theme for s in other} - {OTHER_THEME})
        if merged:
            log.info("merged small theme(s) into %s: %s", OTHER_THEME, ", ".join(merged))
        other = [dataclasses.replace(s, theme=OTHER_THEME) for s in other]

    def ordered(group: list[Story]) -> tuple[Story, ...]:
        return tuple(sorted(group, key=lambda s: (s.rank, s.id)))

    sections = [Section(theme=n, stories=ordered(by_theme[n]), keywords=keywords.get(n, ())) for n in kept]
    if other:
        sections.append(Section(theme=OTHER_THEME, stories=ordered(other)))
    return sections
