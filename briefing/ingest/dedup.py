"""Step 6 of ingestion: one article per story. Exact copies (same id) and near copies (most five-word
phrases shared) are merged; the copy with more text and metadata wins and takes what it lacks from the other.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Sequence

from briefing.ingest import clean
from briefing.ingest.settings import COMMON_SHINGLE_ARTICLES, NEAR_DUPLICATE_ARTICLE, SHINGLE_WORDS
from briefing.records import Article, Merged


def _shingles(text: str) -> set[str]:
    tokens = clean.words(text)
    if len(tokens) < SHINGLE_WORDS:
        return {" ".join(tokens)}
    return {" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)}


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


def _common_shingles(shingle_sets: Sequence[set[str]]) -> set[str]:
    """Phrases found in more than COMMON_SHINGLE_ARTICLES articles: site footers and boilerplate, not stories."""
    counts: Counter[str] = Counter()
    for own in shingle_sets:
        counts.update(own)
    return {shingle for shingle, count in counts.items() if count > COMMON_SHINGLE_ARTICLES}


def merge_duplicates(articles: Sequence[Article]) -> tuple[list[Article], list[Merged]]:
    """One article per story: exact copies (same id) and near copies (most 5-word phrases shared) merge.

    Phrases that very many articles share (a site's footer) are left out of the comparison: they say
    nothing about the story, and looking them up would make the scan quadratic in the number of articles.
    An article made only of such phrases is compared on all of its own.
    """
    all_shingles = [_shingles(article.text) for article in articles]
    common = _common_shingles(all_shingles)
    kept: list[Article] = []
    shingles: list[set[str]] = []
    index: dict[str, list[int]] = defaultdict(list)
    merged: list[Merged] = []
    for article, everything in zip(articles, all_shingles, strict=True):
        own = (everything - common) or everything
        overlap: dict[int, int] = defaultdict(int)
        for shingle in own:
            for position in index[shingle]:
                overlap[position] += 1
        match, similarity = None, 0.0
        for position, shared in overlap.items():
            score = shared / min(len(own), len(shingles[position]))
            if score > similarity:
                match, similarity = position, score
        if match is None or similarity < NEAR_DUPLICATE_ARTICLE:  # the same id scores 1.0
            for shingle in own:
                index[shingle].append(len(kept))
            kept.append(article)
            shingles.append(own)
            continue
        other = kept[match]
        exact = other.id == article.id
        winner, loser = (article, other) if _weight(article) > _weight(other) else (other, article)
        kept[match] = _combine(winner, loser)
        reason = "exact duplicate" if exact else f"near duplicate (similarity {similarity:.2f})"
        merged.append(Merged(kept_id=winner.id, dropped=loser.path, reason=reason))
        if winner is article:  # the new text also matches future copies
            for shingle in own - shingles[match]:
                index[shingle].append(match)
            shingles[match] = shingles[match] | own
    return kept, merged
