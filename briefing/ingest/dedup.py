"""Step 6 of ingestion: one article per story. Exact copies (same id) and near copies (most five-word
phrases shared) are merged; the copy with more text and metadata wins and takes what it lacks from the other.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from briefing.ingest import clean
from briefing.ingest.settings import (
    COMMON_SHINGLE_ARTICLES,
    DUPLICATE_OWN_MIN_PHRASES,
    NEAR_DUPLICATE_ARTICLE,
    SHINGLE_WORDS,
)
from briefing.records import Article, Merged


def _shingles(text: str) -> np.ndarray:
    """The distinct five-word phrases of a text, each as a 64-bit hash (sorted): eight bytes a phrase instead of
    a string in a set (~150), for every article of the week at once. Two different phrases share a hash once in
    ~10^19 pairs; 20,000 articles hold ~10^7 phrases, ~10^13 pairs."""
    tokens = clean.words(text)
    count = max(1, len(tokens) - SHINGLE_WORDS + 1)  # a text of fewer words is one phrase
    # hashed one at a time: the phrases of a 20 MB text, as strings, took 300 MB
    phrases = (hash(" ".join(tokens[i : i + SHINGLE_WORDS])) for i in range(count))
    return np.unique(np.fromiter(phrases, dtype=np.int64, count=count))


def _weight(article: Article) -> float:
    """More text and more metadata make the better copy."""
    known = sum(1 for v in (article.date, article.url, article.publisher) if v) + (not article.title_derived)
    return len(article.text) * (1 + 0.25 * known)


def _combine(winner: Article, loser: Article) -> Article:
    """The winner, with metadata it lacks taken from the copy it replaces."""
    better_title = winner.title_derived and not loser.title_derived
    return dataclasses.replace(
        winner,
        date=winner.date or loser.date,
        url=winner.url or loser.url,
        publisher=winner.publisher or loser.publisher,
        title=loser.title if better_title else winner.title,
        title_derived=winner.title_derived and not better_title,
    )


def _common_shingles(shingle_sets: Sequence[np.ndarray]) -> np.ndarray:
    """Phrases found in more than COMMON_SHINGLE_ARTICLES articles (sorted): site footers and boilerplate, not
    stories."""
    found, counts = np.unique(np.concatenate([*shingle_sets, np.zeros(0, dtype=np.int64)]), return_counts=True)
    return found[counts > COMMON_SHINGLE_ARTICLES]


def merge_duplicates(articles: Sequence[Article]) -> tuple[list[Article], list[Merged]]:
    """One article per story: exact copies (same id) and near copies (most 5-word phrases shared) merge.

    Phrases that very many articles share (a site's footer) are left out of the comparison: they say
    nothing about the story, and looking them up would make the scan quadratic in the number of articles.
    An article with few phrases of its own beyond them (DUPLICATE_OWN_MIN_PHRASES) that its own find no copy
    of is compared again on all its phrases: a story many outlets carry, whose every shared phrase is common,
    or a copy of one. Each phrase is then looked up among its first COMMON_SHINGLE_ARTICLES holders only (in
    article order, where the first copy kept is), so the scan stays linear.

    Articles are taken in order; each is compared with the articles kept so far, on the phrases each kept
    article holds (its own, and those of later copies that replaced it). The phrases of every article sit in
    one sorted array (`_Postings`); a kept article's phrases are those of the articles it holds (`holder`).
    """
    everything = [_shingles(article.text) for article in articles]
    common = _common_shingles(everything)
    own = [(np.setdiff1d(phrases, common, assume_unique=True) if len(common) else phrases) for phrases in everything]
    lengths = np.array([[len(mine), len(phrases)] for mine, phrases in zip(own, everything, strict=True)],
                       dtype=np.float64).reshape(-1, 2)
    whole = {position: phrases for position, phrases in enumerate(everything)  # also compared on all its phrases
             if lengths[position, 0] < DUPLICATE_OWN_MIN_PHRASES}
    postings = _Postings(everything)
    del everything
    holder = np.full(len(articles), -1, dtype=np.int64)  # the kept article whose phrases include this one's
    sizes = np.zeros((len(articles), 2), dtype=np.float64)  # each kept article's distinct phrases: own, all
    kept: list[Article] = []
    merged: list[Merged] = []
    for position, article in enumerate(articles):
        found = _closest(postings, own[position], holder, sizes[:, 0])  # the same id scores 1.0
        space = 0  # which phrases matched: its own (0), or all (1)
        if found is None and position in whole:
            found, space = _closest(postings, whole[position], holder, sizes[:, 1]), 1
        if found is None:
            holder[position] = len(kept)
            sizes[len(kept)] = lengths[position]
            kept.append(article)
            continue
        match, similarity, shared = found
        other = kept[match]
        exact = other.id == article.id
        winner, loser = (article, other) if _weight(article) > _weight(other) else (other, article)
        kept[match] = _combine(winner, loser)
        reason = "exact duplicate" if exact else f"near duplicate (similarity {similarity:.2f})"
        merged.append(Merged(kept_id=winner.id, dropped=loser.path, reason=reason))
        if winner is article:  # the new text also matches future copies
            holder[position] = match
            # exact in the phrases compared; the others close enough for a copy (its few own phrases more, or
            # the union's lower bound)
            sizes[match, space] += lengths[position, space] - shared
            if space:
                sizes[match, 0] += lengths[position, 0]
            else:
                sizes[match, 1] = max(sizes[match, 1], lengths[position, 1])
    return kept, merged


def _closest(postings: _Postings, mine: np.ndarray, holder: np.ndarray,
             sizes: np.ndarray) -> tuple[int, float, int] | None:
    """The kept article sharing the largest share of the smaller of `mine` and its own phrases (`sizes`), with
    that share and the phrases shared, when the share reaches NEAR_DUPLICATE_ARTICLE; else None. Ties: the
    first kept."""
    holders, shared = postings.overlaps(mine, holder, first=COMMON_SHINGLE_ARTICLES)
    if not len(holders):
        return None
    scores = shared / np.maximum(np.minimum(len(mine), sizes[holders]), 1)
    best = int(np.argmax(scores))
    if scores[best] < NEAR_DUPLICATE_ARTICLE:
        return None
    return int(holders[best]), float(scores[best]), int(shared[best])


class _Postings:
    """Every article's phrases in one array sorted by phrase: which articles hold a phrase is a range of it."""

    def __init__(self, phrases: Sequence[np.ndarray]) -> None:
        lengths = np.array([len(p) for p in phrases], dtype=np.int64)
        flat = np.concatenate([*phrases, np.zeros(0, dtype=np.int64)])
        order = np.argsort(flat, kind="stable")  # by phrase, then by article
        self.phrase = flat[order]
        self.article = np.repeat(np.arange(len(phrases), dtype=np.int64), lengths)[order]

    def overlaps(self, mine: np.ndarray, holder: np.ndarray, first: int) -> tuple[np.ndarray, np.ndarray]:
        """The kept articles (`holder` of the articles holding a phrase; -1: none) that share phrases with
        `mine` (ascending), and how many distinct phrases each shares; of each phrase, only the `first`
        articles holding it (in article order) are looked at."""
        starts = np.searchsorted(self.phrase, mine, side="left")
        ends = np.searchsorted(self.phrase, mine, side="right")
        counts = np.minimum(ends - starts, first)
        total = int(counts.sum())
        if not total:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        # the positions of every posting of every phrase of mine, and which of mine it is
        which = np.repeat(np.arange(len(mine)), counts)
        at = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + starts[which]
        holders = holder[self.article[at]]
        found = holders >= 0
        pairs = np.unique(which[found] * np.int64(len(holder)) + holders[found])  # each phrase once per holder
        kept, shared = np.unique(pairs % len(holder), return_counts=True)
        return kept, shared.astype(np.float64)
