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
from briefing.text.terms import term_counter, word_tokens

_BOILERPLATE_START = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE_STARTS))
_DATELINE = re.compile(DATELINE_PATTERN)
_PHOTO_CREDIT = re.compile(PHOTO_CREDIT_START, re.IGNORECASE)
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
    # A heading or a caption has no final punctuation, even inside closing quotes or brackets.
    if sentence.rstrip(_CLOSERS)[-1:] not in _SENTENCE_END:
        return True
    if _BOILERPLATE_START.match(lower):
        return True
    return any(mark in lower for mark in BOILERPLATE_MARKS)  # substring search: faster than a regex of them


def candidates(text: str, lang: str) -> list[Candidate]:
    """The sentences of `text` a summary may use, in order; every sentence when none passes the filters."""
    sentences = [_strip_dateline(s) for s in split_sentences(text, lang)]
    lowers = [s.lower() for s in sentences]
    tokens = [word_tokens(lower, lang) for lower in lowers]
    keys = [" ".join(words) for words in tokens]
    keys.append("")  # after the last sentence: no line follows it
    photo_credit = _PHOTO_CREDIT.match
    seen: set[str] = set()
    kept: list[int] = []
    previous = None
    for index, sentence in enumerate(sentences):
        key = keys[index]
        # A line printed twice in a row (alt text, then caption) or followed by a photo credit is a caption;
        # later repeats are echoes of a sentence already kept.
        caption = key == previous or (key == keys[index + 1] and index + 1 < len(sentences))
        previous = key
        if caption or key in seen or _is_boilerplate(sentence, lowers[index]) \
                or (index + 1 < len(sentences) and photo_credit(sentences[index + 1])):
            continue
        seen.add(key)
        kept.append(index)
    if not kept:
        kept = list(range(len(sentences)))
    counts = term_counter(lang)
    if lang in CJK_LANGS:
        return [Candidate(i, sentences[i], counts(tokens[i]), round(len(tokens[i]) / CJK_TOKENS_PER_WORD))
                for i in kept]
    return [Candidate(i, sentences[i], counts(tokens[i]), len(tokens[i])) for i in kept]


def _strip_dateline(sentence: str) -> str:
    found = _DATELINE.match(sentence)
    return sentence[found.end() :] if found else sentence
