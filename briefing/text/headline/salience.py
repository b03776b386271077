"""Salience: the chance that a headline writer uses each word of an article, and the expected ROUGE-1 F1
of a candidate headline against the real title that chance gives (how options are compared)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache

from briefing.text.headline.settings import (
    DATE_WORDS,
    FUNCTION_WORD_CHANCES,
    FUNCTION_WORD_SALIENCE,
    FUNCTION_WORDS,
    MIN_HEADLINE_WORDS,
    PRONOUN_PENALTY,
    SALIENCE_BIAS,
    SALIENCE_DATE_WORD,
    SALIENCE_FIRST_PLACE,
    SALIENCE_NAME,
    SALIENCE_PER_LOG_COUNT,
    SALIENCE_PER_LOG_LEAD,
    SALIENCE_PER_LOG_LENGTH,
    SUBJECTLESS_OPENERS,
    TITLE_WORDS,
    UNUSABLE_PENALTY,
)
from briefing.text.language import language_key
from briefing.text.wordlists import stopwords

WORD = re.compile(r"\w+")


# A word inside a sentence: after a word and a space or comma, or after an elided article ("d'Alexandre").
MID_SENTENCE_WORD = re.compile(r"(?:(?<=[\w,;:)] )|(?<=\w[’']))[^\W\d_]\w*")


def headline_score(headline: str, salience: Mapping[str, float], lang: str) -> float:
    """How well `headline` stands for the article: its expected ROUGE-1 F1 against a real title (see
    `expected_f1`), less PRONOUN_PENALTY when it opens on a pronoun or an auxiliary ("Il a dit", "A
    affirmé": the title would name who); a fragment of fewer than MIN_HEADLINE_WORDS words loses to all."""
    words = WORD.findall(headline.lower())
    score = expected_f1(words, len(headline.split()), salience)
    if words and words[0] in SUBJECTLESS_OPENERS.get(language_key(lang), frozenset()):
        score -= PRONOUN_PENALTY
    return score if len(headline.split()) >= MIN_HEADLINE_WORDS else score - UNUSABLE_PENALTY


def expected_f1(words: Iterable[str], length: int, salience: Mapping[str, float]) -> float:
    """The ROUGE-1 F1 that a headline of `length` words with these `words` may expect against a real title
    of TITLE_WORDS words, if each distinct word is in the title with the chance its salience gives."""
    return 2 * sum(salience.get(word, 0.0) for word in set(words)) / (length + TITLE_WORDS)


def word_features(text: str, lead: Sequence[str], lang: str) -> dict[str, tuple[float, ...]]:
    """Each word of `text` (lower-cased) with the features the SALIENCE_* weights multiply, in their order:
    log count, name (capitalised mid-sentence), log count in the lead, first place as a share of the text,
    log text length, date word. `benchmarks/fit_headline_salience.py` fits the weights on the same features."""
    words = WORD.findall(text.lower())
    counts = Counter(words)
    first_place: dict[str, int] = {}
    for place, word in enumerate(words):
        first_place.setdefault(word, place)
    in_lead = Counter(WORD.findall(" ".join(lead).lower()))
    names = {m.group().lower() for m in MID_SENTENCE_WORD.finditer(text) if m.group()[0].isupper()}
    log_length = math.log(max(1, len(words)))
    date_words = DATE_WORDS.get(language_key(lang), frozenset())
    return {
        word: (
            math.log(count),
            float(word in names),
            math.log1p(in_lead[word]),
            first_place[word] / len(words),
            log_length,
            float(word in date_words),
        )
        for word, count in counts.items()
    }


SALIENCE_WEIGHTS = (
    SALIENCE_PER_LOG_COUNT,
    SALIENCE_NAME,
    SALIENCE_PER_LOG_LEAD,
    SALIENCE_FIRST_PLACE,
    SALIENCE_PER_LOG_LENGTH,
    SALIENCE_DATE_WORD,
)


def word_salience(text: str, lead: Sequence[str], lang: str) -> dict[str, float]:
    """Each word of `text` (lower-cased) with the chance that a headline writer uses it: a logistic model
    (the SALIENCE_* weights on `word_features`) for content words, FUNCTION_WORD_CHANCES for function words."""
    functional = function_words(lang)
    chances = FUNCTION_WORD_CHANCES.get(language_key(lang), {})
    salience: dict[str, float] = {}
    for word, values in word_features(text, lead, lang).items():
        if word in functional:
            salience[word] = chances.get(word, FUNCTION_WORD_SALIENCE)
            continue
        logit = SALIENCE_BIAS + sum(w * v for w, v in zip(SALIENCE_WEIGHTS, values, strict=True))
        salience[word] = 1 / (1 + math.exp(-logit))
    return salience


@cache
def function_words(lang: str) -> frozenset[str]:
    """Articles, prepositions, pronouns, auxiliaries...: briefing's stopwords and FUNCTION_WORDS."""
    return stopwords(lang) | FUNCTION_WORDS.get(language_key(lang), frozenset())
