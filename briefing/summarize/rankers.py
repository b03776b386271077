"""Rankers: strategies that pick the n candidates standing best for an article (the registry `SUMMARIZERS`).

The default ranker, "centroid", scores each sentence by its similarity to the article's centroid (what the
whole article is about) and to the title (what the editor says it is about), plus a prior for early
sentences, since news puts the essentials first; it then picks greedily with maximal marginal relevance so
two sentences saying the same thing are not both kept. "lead" takes the first n: the classic baseline.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import chain
from operator import mul

from briefing.summarize.candidates import Candidate
from briefing.summarize.settings import (
    CENTROID_WEIGHT,
    LONG_SENTENCE_WORDS,
    POSITION_DECAY,
    POSITION_WEIGHT,
    QUOTE_OPENERS,
    QUOTED_FACTOR,
    REDUNDANCY_PENALTY,
    SHORT_SENTENCE_WORDS,
    TITLE_WEIGHT,
)

Ranker = Callable[[Sequence[Candidate], int, "Counter[str] | None"], list[int]]
"""A strategy: (candidates, n, title terms or None) -> positions in `candidates` of the n picked."""


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
    spread = Counter(chain.from_iterable(c.terms for c in cands))  # in how many sentences each term occurs
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
