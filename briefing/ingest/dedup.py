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
    DUPLICATE_SKETCH_CANDIDATES,
    DUPLICATE_SKETCH_PHRASES,
    NEAR_DUPLICATE_ARTICLE,
    NEAR_DUPLICATE_WIDELY_SHARED,
    SHINGLE_WORDS,
    WIDELY_SHARED_SHARE,
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
    An article most of whose phrases are that common (`_Widely`: a wire story carried by many outlets, or a
    short text under boilerplate) is also compared on all its phrases, at a stricter bar.

    Articles are taken in order; each is compared with the articles kept so far, on the phrases each kept
    article holds (its own, and those of later copies that replaced it). The phrases of every article sit in
    one sorted array (`_Postings`); a kept article's phrases are those of the articles it holds (`holder`).
    """
    everything = [_shingles(article.text) for article in articles]
    common = _common_shingles(everything)
    own = [(np.setdiff1d(phrases, common, assume_unique=True) if len(common) else phrases) for phrases in everything]
    widely = _Widely(everything, own)
    del everything
    postings = _Postings(own)
    holder = np.full(len(articles), -1, dtype=np.int64)  # the kept article whose phrases include this one's
    sizes = np.zeros(len(articles), dtype=np.float64)  # the number of distinct phrases each kept article holds
    kept: list[Article] = []
    merged: list[Merged] = []
    for position, (article, mine) in enumerate(zip(articles, own, strict=True)):
        holders, shared = postings.overlaps(mine, holder)
        scores = shared / np.maximum(np.minimum(len(mine), sizes[holders]), 1)
        best = int(np.argmax(scores)) if len(scores) else -1  # ties: the first kept
        if best >= 0 and scores[best] >= NEAR_DUPLICATE_ARTICLE:  # the same id scores 1.0
            match, similarity = int(holders[best]), float(scores[best])
        else:
            match, similarity = widely.closest(position, holder)
        if match < 0:
            holder[position] = len(kept)
            sizes[len(kept)] = len(mine)
            widely.keep(position, len(kept))
            kept.append(article)
            continue
        other = kept[match]
        exact = other.id == article.id
        winner, loser = (article, other) if _weight(article) > _weight(other) else (other, article)
        kept[match] = _combine(winner, loser)
        reason = "exact duplicate" if exact else f"near duplicate (similarity {similarity:.2f})"
        merged.append(Merged(kept_id=winner.id, dropped=loser.path, reason=reason))
        if winner is article:  # the new text also matches future copies
            holder[position] = match
            at = int(np.searchsorted(holders, match))
            sizes[match] += len(mine) - (int(shared[at]) if at < len(holders) and holders[at] == match else 0)
            widely.keep(position, match)
    return kept, merged


class _Widely:
    """The articles most of whose phrases are common (WIDELY_SHARED_SHARE or more), compared on all their
    phrases: each with the DUPLICATE_SKETCH_CANDIDATES kept articles that share most of its
    DUPLICATE_SKETCH_PHRASES smallest phrase hashes (a random sample, drawn alike from every copy of one text),
    merging at NEAR_DUPLICATE_WIDELY_SHARED. Only these articles' phrases are kept twice."""

    def __init__(self, everything: Sequence[np.ndarray], own: Sequence[np.ndarray]) -> None:
        self.phrases = {position: phrases for position, (phrases, mine) in enumerate(zip(everything, own, strict=True))
                        if len(mine) < WIDELY_SHARED_SHARE * len(phrases)}
        empty = np.zeros(0, dtype=np.int64)
        self.sketches = _Postings([self.phrases[p][:DUPLICATE_SKETCH_PHRASES] if p in self.phrases else empty
                                   for p in range(len(everything))])
        self.kept: dict[int, np.ndarray] = {}  # kept article -> all the phrases of the widely shared texts it holds

    def closest(self, position: int, holder: np.ndarray) -> tuple[int, float]:
        """The kept article this one is a copy of and their similarity, or (-1, 0.0)."""
        phrases = self.phrases.get(position)
        if phrases is None:
            return -1, 0.0
        candidates, counts = self.sketches.overlaps(phrases[:DUPLICATE_SKETCH_PHRASES], holder)
        best, best_score = -1, 0.0
        for match in candidates[np.argsort(-counts, kind="stable")[:DUPLICATE_SKETCH_CANDIDATES]]:
            theirs = self.kept.get(int(match))
            if theirs is None:
                continue
            shared = len(np.intersect1d(phrases, theirs, assume_unique=True))
            score = shared / min(len(phrases), len(theirs))
            if score > best_score:
                best, best_score = int(match), score
        return (best, best_score) if best_score >= NEAR_DUPLICATE_WIDELY_SHARED else (-1, 0.0)

    def keep(self, position: int, match: int) -> None:
        """Article `position` is kept as (or has replaced the text of) kept article `match`."""
        phrases = self.phrases.get(position)
        if phrases is not None:
            before = self.kept.get(match)
            self.kept[match] = phrases if before is None else np.union1d(before, phrases)


class _Postings:
    """Every article's phrases in one array sorted by phrase: which articles hold a phrase is a range of it."""

    def __init__(self, phrases: Sequence[np.ndarray]) -> None:
        lengths = np.array([len(p) for p in phrases], dtype=np.int64)
        flat = np.concatenate([*phrases, np.zeros(0, dtype=np.int64)])
        order = np.argsort(flat, kind="stable")  # by phrase, then by article
        self.phrase = flat[order]
        self.article = np.repeat(np.arange(len(phrases), dtype=np.int64), lengths)[order]

    def overlaps(self, mine: np.ndarray, holder: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The kept articles (`holder` of the articles holding a phrase; -1: none) that share phrases with
        `mine` (ascending), and how many distinct phrases each shares."""
        starts = np.searchsorted(self.phrase, mine, side="left")
        ends = np.searchsorted(self.phrase, mine, side="right")
        counts = ends - starts
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
