"""Taxonomy mode: the themes file (TOML `[[theme]]` tables), and each text's theme from it.

Assignment starts from each theme's description (plus its keyword hints) and, in a batch big enough to
learn from, runs a few rounds of EM over the batch's own texts (refine.py): theme centroids move towards
the texts they attract, and a small word model learnt from the same texts adds the words that mark each
theme. Descriptions stay anchored so a week cannot drift a theme away. A text far from every theme, as
described and as seen in the batch, goes to "Other".
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from briefing.embed import embed
from briefing.errors import BadThemesFile
from briefing.records import Theme
from briefing.runtime.jsonl import quoted
from briefing.runtime.settings_file import SettingsFileProblem, read_toml
from briefing.runtime.shipped import TEMPLATES_DIR
from briefing.themes.labels import theme_keywords
from briefing.themes.refine import (
    Assignment,
    nearest_neighbours,
    normalize,
    one_blas_thread,
    refine,
    softmax,
    word_counts,
)
from briefing.themes.settings import (
    KEYWORD_BONUS,
    KEYWORD_BONUS_CAP,
    OTHER_MIN_SIMILARITY,
    OTHER_THEME,
    REFINE_MIN_ARTICLES,
    REFINE_TEMPERATURE,
    THEME_KEYWORD_MAX_CHARS,
    THEME_MAX_KEYWORDS,
    THEME_NAME_MAX_CHARS,
)

DEFAULT_THEMES_FILE: Path = TEMPLATES_DIR / "themes.toml"


_THEME_KEYS = ("name", "description", "keywords")


_FORMAT_HINT = 'each theme is a [[theme]] table with name = "…", optional description = "…" and keywords = ["…"]'


@dataclasses.dataclass(frozen=True, slots=True)
class Taxonomy:
    """A themes file: its themes, and the similarity below which an article fits none of them."""

    themes: tuple[Theme, ...]
    min_similarity: float = OTHER_MIN_SIMILARITY


def load_themes(path: Path) -> tuple[Theme, ...]:
    """The themes of a TOML file of [[theme]] tables; raises BadThemesFile naming the file and the problem."""
    return load_taxonomy(path).themes


def load_taxonomy(path: Path) -> Taxonomy:
    """The themes file with its optional top-level `min_similarity`; raises BadThemesFile like `load_themes`."""
    path = Path(path)

    def bad(reason: str) -> BadThemesFile:
        return BadThemesFile(f"themes file {path}: {reason}")

    try:
        data = read_toml(path)
    except FileNotFoundError:
        raise bad(f"no such file (give an existing file, or copy {DEFAULT_THEMES_FILE})") from None
    except SettingsFileProblem as exc:
        raise bad(f"{exc}; {_FORMAT_HINT}") from None
    unknown = sorted(set(data) - {"theme", "min_similarity"})
    if unknown:
        raise bad(f"unknown top-level key {quoted(unknown[0])} (allowed: theme, min_similarity)")
    min_similarity = data.get("min_similarity", OTHER_MIN_SIMILARITY)
    if isinstance(min_similarity, bool) or not isinstance(min_similarity, int | float) or not -1 <= min_similarity <= 1:
        raise bad("min_similarity must be a number from -1 to 1 (a cosine similarity)")
    entries = data.get("theme")
    if not isinstance(entries, list) or not entries:
        raise bad(f"no [[theme]] found; {_FORMAT_HINT}")
    themes: list[Theme] = []
    for number, entry in enumerate(entries, 1):
        themes.append(_parse_theme(entry, number, bad))
    names = [t.name for t in themes]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise bad(f"theme name {quoted(duplicates[0])} is used twice; names must be unique")
    return Taxonomy(themes=tuple(themes), min_similarity=float(min_similarity))


def _parse_theme(entry: Any, number: int, bad: Callable[[str], BadThemesFile]) -> Theme:
    where = f"theme {number}"
    if not isinstance(entry, dict):
        raise bad(f"{where} is not a table; {_FORMAT_HINT}")
    unknown = sorted(set(entry) - set(_THEME_KEYS))
    if unknown:
        raise bad(f"{where}: unknown key {quoted(unknown[0])} (allowed: {', '.join(_THEME_KEYS)})")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad(f"{where} has no name; add name = \"…\"")
    name = name.strip()
    if len(name) > THEME_NAME_MAX_CHARS:
        raise bad(f"{where}: the name is longer than {THEME_NAME_MAX_CHARS} characters; a name is a section heading")
    if name.casefold() == OTHER_THEME.casefold():
        raise bad(f"{where}: {OTHER_THEME!r} is the section of stories no theme fits; name the theme otherwise")
    where = f"theme {number} ({quoted(name)})"
    description = entry.get("description", "")
    if not isinstance(description, str):
        raise bad(f"{where}: description must be a string")
    keywords = entry.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
        raise bad(f"{where}: keywords must be a list of non-empty strings")
    keywords = [k.strip() for k in keywords]
    if len(keywords) > THEME_MAX_KEYWORDS or any(len(k) > THEME_KEYWORD_MAX_CHARS for k in keywords):
        raise bad(f"{where}: at most {THEME_MAX_KEYWORDS} keywords of at most {THEME_KEYWORD_MAX_CHARS} characters "
                  "each; a keyword is a hint, the description says what the theme is")
    return Theme(name=name, description=description.strip(), keywords=tuple(keywords))


def _keyword_hits(texts: Sequence[str], themes: Sequence[Theme]) -> np.ndarray:
    hits = np.zeros((len(texts), len(themes)))
    for j, theme in enumerate(themes):
        for keyword in theme.keywords:
            # whole words only; an all-caps keyword ("AI", "5G") must match its case
            flags = 0 if keyword.isupper() else re.IGNORECASE
            pattern = re.compile(rf"(?<!\w){re.escape(keyword)}(?!\w)", flags)
            hits[:, j] += [bool(pattern.search(text)) for text in texts]
    return np.minimum(hits, KEYWORD_BONUS_CAP)


def _theme_text(theme: Theme) -> str:
    return theme.description or theme.name


def assign_taxonomy(
    texts: Sequence[str], themes: Sequence[Theme], vectors: np.ndarray | None = None,
    min_similarity: float = OTHER_MIN_SIMILARITY,
) -> Assignment:
    """Each text's best theme by meaning (refined over the batch), or "Other" when none reaches `min_similarity`.

    The score is the text's cosine with its theme as described (plus keyword hints) or, when the batch is
    large enough to refine, with the theme as it appears in this batch (its articles' centre), whichever is
    higher: a sports story can be far from "Sports: games, matches…" and still sit among this week's
    sports stories.
    """
    names = [t.name for t in themes]
    if not len(texts):  # nothing to assign: no need to load the model
        return Assignment((), (), {name: () for name in names})
    vectors = embed(texts) if vectors is None else vectors
    theme_vectors = embed([_theme_text(t) for t in themes]).astype(np.float64)
    bonus = KEYWORD_BONUS * _keyword_hits(texts, themes)
    similarity = vectors @ theme_vectors.T + bonus
    if len(texts) >= REFINE_MIN_ARTICLES:
        mean = vectors.mean(axis=0)
        batch = normalize(vectors - mean)
        anchors = normalize(theme_vectors - mean)
        start = softmax((batch @ anchors.T + bonus) / REFINE_TEMPERATURE)
        with one_blas_thread():
            graph = nearest_neighbours(batch)
            members = refine(batch, word_counts(texts)[0], start, graph, anchors=anchors, bonus=bonus)
            chosen = members.argmax(axis=1)
            centres = normalize(np.eye(len(themes))[chosen].T @ vectors)
            similarity = np.maximum(similarity, vectors @ centres.T + bonus)
    else:
        chosen = similarity.argmax(axis=1)
    scores = similarity[np.arange(len(texts)), chosen]
    fits = scores >= min_similarity
    assigned = tuple(names[c] if fit else OTHER_THEME for c, fit in zip(chosen, fits, strict=True))
    terms = theme_keywords(texts, np.eye(len(themes))[chosen] * fits[:, None])
    keywords = {name: terms[j] for j, name in enumerate(names)}
    return Assignment(themes=assigned, scores=tuple(round(float(x), 4) for x in scores), keywords=keywords)
