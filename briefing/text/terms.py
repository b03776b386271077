"""Content terms: the words of a text that carry meaning, cut to a common stem, for comparing texts.

Any language: stopwords come from the shipped lists (`wordlists.stopwords`), a fixed prefix stands in for
a stemmer, and Chinese and Japanese (written without spaces) are compared on character bigrams.
"""

from __future__ import annotations

import re
from collections import Counter, _count_elements  # type: ignore[attr-defined]  # Counter.update's C loop
from collections.abc import Callable
from functools import cache

from briefing.text.language import language_key
from briefing.text.settings import CJK_LANGS, STEM_PREFIX, TERM_TABLE_MAX
from briefing.text.wordlists import stopwords

_WORD = re.compile(r"\w+")


def content_terms(text: str, lang: str) -> Counter[str]:
    """Lower-cased content words of `text`, cut to a fixed prefix (a cheap stemmer for any language)."""
    lang = language_key(lang)
    return term_counts(word_tokens(text.lower(), lang), lang)


def word_tokens(lower: str, lang: str) -> list[str]:
    """Word tokens; for Chinese and Japanese, written without spaces, character bigrams instead."""
    words = _WORD.findall(lower)
    if lang not in CJK_LANGS:
        return words
    bigrams: list[str] = []
    for run in words:
        if run.isascii() or len(run) < 3:
            bigrams.append(run)
        else:
            bigrams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return bigrams


def term_counts(words: list[str], lang: str) -> Counter[str]:
    """The content terms among `words` (from `word_tokens`) and how often each occurs."""
    return Counter(filter(None, map(_term_table(lang).__getitem__, words)))


def term_counter(lang: str) -> Callable[[list[str]], Counter[str]]:
    """`term_counts` for one language, the language's table looked up once (for the many sentences of a text)."""
    term = _term_table(lang).__getitem__

    def counts(words: list[str]) -> Counter[str]:
        found: Counter[str] = Counter()
        _count_elements(found, filter(None, map(term, words)))
        return found

    return counts


class _TermTable(dict[str, str]):
    """word -> its term (the stem; "" for a stopword or a one-letter word), filled on first sight.

    Looking words up in a dict runs in C, which makes term extraction several times faster than
    filtering and cutting each word in Python.
    """

    def __init__(self, stop: frozenset[str]) -> None:
        super().__init__()
        self.stop = stop

    def __missing__(self, word: str) -> str:
        term = "" if len(word) < 2 or word in self.stop else word[:STEM_PREFIX]
        if len(self) < TERM_TABLE_MAX:
            self[word] = term
        return term


@cache
def _term_table(lang: str) -> _TermTable:
    return _TermTable(stopwords(lang))
