"""Extractive summaries: pick the N sentences that best stand for an article, in their original order.

Rankers are strategies in `SUMMARIZERS`. Every ranker sees the same candidates: the article's sentences
(see `briefing.sentences`) less captions, boilerplate, headings and repeated lines.

The default ranker, "centroid", scores each sentence by its similarity to the article's centroid (what the
whole article is about) and to the title (what the editor says it is about), plus a prior for early
sentences, since news puts the essentials first; it then picks greedily with maximal marginal relevance so
two sentences saying the same thing are not both kept.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from operator import mul
from typing import Any

from briefing.errors import BadInput, SummarizeError
from briefing.log import get_logger
from briefing.records import Article
from briefing.sentences import DATA_DIR, language_key, read_word_list, split_sentences
from briefing.settings import (
    BOILERPLATE_MARKS,
    BOILERPLATE_STARTS,
    CENTROID_WEIGHT,
    CJK_LANGS,
    CJK_TOKENS_PER_WORD,
    DATELINE_PATTERN,
    LANGID_SAMPLE_CHARS,
    LONG_SENTENCE_WORDS,
    MIN_SENTENCE_WORDS,
    PHOTO_CREDIT_START,
    POSITION_DECAY,
    POSITION_WEIGHT,
    QUOTE_OPENERS,
    QUOTED_FACTOR,
    REDUNDANCY_PENALTY,
    SHORT_SENTENCE_WORDS,
    STEM_PREFIX,
    TERM_TABLE_MAX,
    TITLE_WEIGHT,
)

__all__ = [
    "SUMMARIZERS",
    "Candidate",
    "Ranker",
    "split_sentences",
    "summarize",
    "summarize_article",
    "summarize_records",
]

log = get_logger(__name__)

_WORD = re.compile(r"\w+")
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


Ranker = Callable[[Sequence[Candidate], int, "Counter[str] | None"], list[int]]
"""A strategy: (candidates, n, title terms or None) -> positions in `candidates` of the n picked."""


# --- text features -----------------------------------------------------------------------


@cache
def stopwords(lang: str) -> frozenset[str]:
    """Function words ignored when comparing sentences (empty for a language without a list)."""
    path = DATA_DIR / "stopwords" / f"{language_key(lang)}.txt"
    if not path.is_file():
        return frozenset()
    return frozenset(read_word_list(path))


def content_terms(text: str, lang: str) -> Counter[str]:
    """Lower-cased content words of `text`, cut to a fixed prefix (a cheap stemmer for any language)."""
    lang = language_key(lang)
    return _terms(_tokens(text.lower(), lang), lang)


# --- candidates ----------------------------------------------------------------------------


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
    tokens = [_tokens(lower, lang) for lower in lowers]
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
    return [Candidate(i, sentences[i], _terms(tokens[i], lang), round(len(tokens[i]) / per_word)) for i in kept]


def _tokens(lower: str, lang: str) -> list[str]:
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


def _strip_dateline(sentence: str) -> str:
    found = _DATELINE.match(sentence)
    return sentence[found.end() :] if found else sentence


def _terms(words: list[str], lang: str) -> Counter[str]:
    return Counter(filter(None, map(_term_table(lang).__getitem__, words)))


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


# --- rankers -------------------------------------------------------------------------------


def lead(cands: Sequence[Candidate], n: int, title: Counter[str] | None = None) -> list[int]:
    """The first n sentences: the classic news baseline."""
    return list(range(min(n, len(cands))))


def centroid(cands: Sequence[Candidate], n: int, title: Counter[str] | None = None) -> list[int]:
    """Centroid + title similarity + position prior, picked greedily with maximal marginal relevance.

    Sentences are tf-idf vectors (idf over the article's sentences); the centroid weighs a term by how
    many sentences use it and how telling it is. Cosines are computed from the term counts directly
    (weights idf², no vector is built), which keeps the ranker a small fraction of a millisecond.
    """
    if n >= len(cands):
        return list(range(len(cands)))
    spread: Counter[str] = Counter()  # in how many sentences each term occurs
    for cand in cands:
        spread.update(cand.terms.keys())
    idf = _idf(spread, len(cands))
    idf2 = {term: weight * weight for term, weight in idf.items()}
    middle = {term: count * idf2[term] for term, count in spread.items()}  # centroid · sentence weights
    middle_norm = math.sqrt(_weighted_square(spread, idf2))
    title_norm = math.sqrt(sum(map(mul, title.values(), title.values()))) if title else 0.0
    norms = [math.sqrt(_weighted_square(c.terms, idf2)) for c in cands]
    relevance = []
    for position, (cand, norm) in enumerate(zip(cands, norms, strict=True)):
        score = POSITION_WEIGHT * POSITION_DECAY**position
        if norm:
            bag = cand.terms
            to_middle = sum(map(mul, bag.values(), map(middle.__getitem__, bag)))
            score += CENTROID_WEIGHT * to_middle / (norm * middle_norm)
            if title and title_norm:
                score += TITLE_WEIGHT * _weighted_dot(bag, title, idf) / (norm * title_norm)
        if cand.text[:1] in QUOTE_OPENERS:
            score *= QUOTED_FACTOR
        relevance.append(score * _length_factor(cand.words))

    def similarity(i: int, j: int) -> float:
        if not (norms[i] and norms[j]):
            return 0.0
        return _weighted_dot(cands[i].terms, cands[j].terms, idf2) / (norms[i] * norms[j])

    return _mmr(relevance, similarity, n)


def _mmr(relevance: list[float], similarity: Callable[[int, int], float], n: int) -> list[int]:
    """Greedy maximal marginal relevance: relevance less the penalty times the closest pick's cosine.

    Candidates are visited best-first and the visit stops once no one left can win (relevance is an
    upper bound of the marginal score), so few similarities are computed.
    """
    order = sorted(range(len(relevance)), key=lambda i: (-relevance[i], i))
    chosen = [order[0]]
    closest = [0.0] * len(relevance)  # cosine to the most similar sentence picked so far
    checked = [0] * len(relevance)  # how many picks `closest` already accounts for
    while len(chosen) < n:
        best, best_score = -1, -math.inf
        for i in order:
            if relevance[i] <= best_score:
                break
            if i in chosen:
                continue
            for j in chosen[checked[i] :]:
                closest[i] = max(closest[i], similarity(i, j))
            checked[i] = len(chosen)
            score = relevance[i] - REDUNDANCY_PENALTY * closest[i]
            if score > best_score:
                best, best_score = i, score
        chosen.append(best)
    return sorted(chosen)


def _weighted_square(a: Counter[str], weight: dict[str, float]) -> float:
    """Σ a[t]²·weight[t] (every term of `a` must be in `weight`)."""
    return sum(map(mul, map(mul, a.values(), a.values()), map(weight.__getitem__, a)))


def _weighted_dot(a: Counter[str], b: Counter[str], weight: dict[str, float]) -> float:
    """Σ a[t]·b[t]·weight[t] over the terms both have (every shared term must be in `weight`)."""
    shared = a.keys() & b.keys()
    products = map(mul, map(a.__getitem__, shared), map(b.__getitem__, shared))
    return sum(map(mul, products, map(weight.__getitem__, shared)))


def _idf(spread: Counter[str], total: int) -> dict[str, float]:
    """Inverse sentence frequency of each term within the article (rarer terms tell sentences apart)."""
    by_count = {count: math.log(1.0 + total / count) for count in set(spread.values())}
    return {term: by_count[count] for term, count in spread.items()}


def _length_factor(words: int) -> float:
    """1 for a sentence of ordinary length; less for a very long one, which crowds out the second pick,
    and for a very short one, whose few words make its cosines look better than its content is."""
    if not words:
        return 0.0
    return min(1.0, LONG_SENTENCE_WORDS / words, words / SHORT_SENTENCE_WORDS)


SUMMARIZERS: dict[str, Ranker] = {"lead": lead, "centroid": centroid, "default": centroid}


# --- public entry points --------------------------------------------------------------------


def summarize(
    text: str, lang: str, n: int, *, method: str = "default", title: str | None = None, keep_lead: bool = False
) -> list[str]:
    """The n sentences of `text` that best summarise it, in their original order.

    When n is at least the number of usable sentences, all of them are returned. `title`, when given,
    helps rankers that use it. `keep_lead` makes the first sentence one of the n, whatever its rank.
    Raises SummarizeError for an unknown method or n < 1.
    """
    _check_method(method)
    if n < 1:
        raise SummarizeError(f"a summary needs at least one sentence, got {n}")
    lang = language_key(lang)
    cands = candidates(text, lang)
    if n >= len(cands):
        return [c.text for c in cands]
    # Short rhetorical beats ("Non.", "Pourquoi ?") only fill in when there are too few real statements.
    statements = [c for c in cands if c.words >= MIN_SENTENCE_WORDS]
    pool = statements if len(statements) >= n else cands
    title_terms = content_terms(title, lang) if title else None
    if keep_lead:
        rest = SUMMARIZERS[method](pool[1:], n - 1, title_terms or None) if n > 1 else []
        picked = [0, *(i + 1 for i in rest)]
    else:
        picked = SUMMARIZERS[method](pool, n, title_terms or None)
    return [pool[i].text for i in sorted(picked)]


def _check_method(method: str) -> None:
    if method not in SUMMARIZERS:
        raise SummarizeError(f"unknown summarizer {method!r}; choose one of: {', '.join(sorted(SUMMARIZERS))}")


def summarize_article(article: Article, n: int, *, method: str = "default") -> Article:
    """A copy of `article` with `summary` set (the picked sentences joined by one space).

    The title guides the ranker unless ingestion made it from the lead (`title_derived`); then the
    title is a cut-off lead, so the summary keeps the lead sentence whole for the reader.
    """
    title = None if article.title_derived else article.title
    sentences = summarize(
        article.text, article.lang or "und", n, method=method, title=title, keep_lead=article.title_derived
    )
    return dataclasses.replace(article, summary=" ".join(sentences))


def summarize_records(
    records: Iterable[dict[str, Any]],
    *,
    field: str,
    lang: str,
    sentences: int,
    method: str,
    title_field: str | None,
) -> Iterator[dict[str, Any]]:
    """Each record with a "summary" added, for `briefing summarize` (JSONL in, JSONL out).

    `lang` "auto" takes each record's "lang" field, else detects the language of the text. The title
    field is ignored for records marked `"title_derived": true` (see `ingest --jsonl`). Raises BadInput
    naming the record when `field` is missing or not text, SummarizeError for an unknown method.
    """
    _check_method(method)
    for number, record in enumerate(records, 1):
        name = f"record {number}" + (f" (id {record['id']})" if "id" in record else "")
        text = record.get(field)
        if not isinstance(text, str):
            found = "missing" if text is None else f"not text ({type(text).__name__})"
            raise BadInput(f"{name}: field {field!r} is {found}; name the text field with --field")
        # Like summarize_article: a title that ingestion made from the lead says nothing new.
        title = record.get(title_field) if title_field and record.get("title_derived") is not True else None
        if title_field and title is not None and not isinstance(title, str):
            raise BadInput(f"{name}: title field {title_field!r} is not text ({type(title).__name__})")
        text_lang = _record_lang(record, text) if lang == "auto" else lang
        summary = summarize(text, text_lang, sentences, method=method, title=title or None)
        yield {**record, "summary": " ".join(summary)}


def _record_lang(record: dict[str, Any], text: str) -> str:
    given = record.get("lang")
    if isinstance(given, str) and given:
        return given
    return detect_lang(text)


def detect_lang(text: str) -> str:
    """ISO 639-1 code of `text` by py3langid ("und" for text without letters)."""
    sample = text[:LANGID_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return "und"
    import py3langid

    code, _ = py3langid.classify(sample)
    log.debug("detected language %s", code)
    return str(code)
