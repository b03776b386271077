"""Candidates: the sentences of an article a summary may use, and their content terms.

Every ranker sees the same candidates: the article's sentences (`briefing.text.split_sentences`) less
captions, photo credits, boilerplate ("Lire aussi", share widgets), headings, agency datelines and
repeated lines.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from briefing.summarize.settings import (
    BOILERPLATE_MARKS,
    BOILERPLATE_STARTS,
    DATELINE_PATTERN,
    PHOTO_CREDIT_START,
)
from briefing.text.sentences import split_sentences
from briefing.text.settings import CJK_LANGS, CJK_TOKENS_PER_WORD
from briefing.text.terms import term_counts, word_tokens

_BOILERPLATE_START = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE_STARTS))
_DATELINE = re.compile(DATELINE_PATTERN)
_PHOTO_CREDIT = re.compile(PHOTO_CREDIT_START, re.IGNORECASE)
_BOILERPLATE_MARK = re.compile("|".join(re.escape(mark) for mark in BOILERPLATE_MARKS))
_SENTENCE_END = frozenset(".!?…:;。！？؟।")
_CLOSERS = " \u00a0\u202f»”\"’)]"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence a ranker may pick: its place in the article and its content terms."""

    index: int  # position among the article's sentences
    text: str
    terms: Counter[str]  # content-word stems (stopwords removed) and their counts
    words: int  # all word tokens, for length preferences


def _is_boilerplate(sentence: str, lower: str) -> bool:
    """True for captions, credits, "read also" links, headings and other lines that are not news."""
    if _BOILERPLATE_START.match(lower):
        return True
    if _BOILERPLATE_MARK.search(lower):
        return True
    # A heading or a caption has no final punctuation, even inside closing quotes or brackets.
    return sentence.rstrip(_CLOSERS)[-1:] not in _SENTENCE_END


def candidates(text: str, lang: str) -> list[Candidate]:
    """The sentences of `text` a summary may use, in order; every sentence when none passes the filters."""
    sentences = [_strip_dateline(s) for s in split_sentences(text, lang)]
    lowers = [s.lower() for s in sentences]
    tokens = [word_tokens(lower, lang) for lower in lowers]
    keys = [" ".join(words) for words in tokens]
    seen: set[str] = set()
    kept: list[int] = []
    for index, sentence in enumerate(sentences):
        key = keys[index]
        # A line printed twice in a row (alt text, then caption) or followed by a photo credit is a caption;
        # later repeats are echoes of a sentence already kept.
        following = sentences[index + 1] if index + 1 < len(sentences) else ""
        caption = key == (keys[index - 1] if index else None) or key == (keys[index + 1] if following else None)
        if caption or _PHOTO_CREDIT.match(following) or key in seen or _is_boilerplate(sentence, lowers[index]):
            continue
        seen.add(key)
        kept.append(index)
    if not kept:
        kept = list(range(len(sentences)))
    per_word = CJK_TOKENS_PER_WORD if lang in CJK_LANGS else 1.0
    return [Candidate(i, sentences[i], term_counts(tokens[i], lang), round(len(tokens[i]) / per_word)) for i in kept]


def _strip_dateline(sentence: str) -> str:
    found = _DATELINE.match(sentence)
    return sentence[found.end() :] if found else sentence
