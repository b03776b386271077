"""The word lists that ship in `briefing/text/data/`: stopwords and abbreviations per language.

A list is found by looking the normal language code up among the shipped files: a code from input never
becomes part of a path, so `"lang": "../../etc/x"` opens nothing.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from briefing.text.language import UNKNOWN, language_key

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_word_list(path: Path) -> list[str]:
    """The words of a list file: one per line, blank lines and '#' comments skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def _shipped(kind: str) -> dict[str, Path]:
    """The shipped lists of one kind ("stopwords", "abbreviations"), by the language code they are named after."""
    return {path.stem: path for path in sorted((DATA_DIR / kind).glob("*.txt")) if language_key(path.stem) == path.stem}


@cache
def stopwords(lang: str) -> frozenset[str]:
    """Function words ignored when comparing sentences (empty for a language without a list, or unknown)."""
    path = _shipped("stopwords").get(language_key(lang))
    return frozenset(read_word_list(path)) if path is not None else frozenset()


@cache
def abbreviations(lang: str) -> frozenset[str]:
    """Words that a period follows without ending the sentence, for `lang` (others and unknown: every list)."""
    lists = _shipped("abbreviations")
    code = language_key(lang)
    paths = [lists[code]] if code != UNKNOWN and code in lists else list(lists.values())
    return frozenset(word for path in paths for word in read_word_list(path))
