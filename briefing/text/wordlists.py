"""The word lists that ship in `briefing/text/data/`: stopwords and abbreviations per language."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from briefing.text.language import language_key

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_word_list(path: Path) -> list[str]:
    """The words of a list file: one per line, blank lines and '#' comments skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def stopwords(lang: str) -> frozenset[str]:
    """Function words ignored when comparing sentences (empty for a language without a list)."""
    path = DATA_DIR / "stopwords" / f"{language_key(lang)}.txt"
    if not path.is_file():
        return frozenset()
    return frozenset(read_word_list(path))


@cache
def abbreviations(lang: str) -> frozenset[str]:
    """Words that a period follows without ending the sentence, for `lang` (others: French and English)."""
    files = [DATA_DIR / "abbreviations" / f"{language_key(lang)}.txt"]
    if not files[0].is_file():
        files = sorted((DATA_DIR / "abbreviations").glob("*.txt"))
    words: set[str] = set()
    for path in files:
        words.update(read_word_list(path))
    return frozenset(words)
