"""The numerics both modes share: unit rows, softmax, the batch's word counts, and `refine`, EM over the
batch that lets a week's own texts sharpen its themes (no labels used).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

from briefing.themes.settings import (
    CENTER_MIN_ARTICLES,
    REFINE_ANCHOR,
    REFINE_MIN_ARTICLES,
    REFINE_NEIGHBOUR_SHARE,
    REFINE_NEIGHBOURS,
    REFINE_ROUNDS,
    REFINE_TEMPERATURE,
    REFINE_WORD_SMOOTHING,
    REFINE_WORD_WEIGHT,
)

WORD = r"(?u)\b[^\W\d_][\w-]*[^\W_]\b"  # two or more characters starting with a letter: no "2025", no "200"


@dataclasses.dataclass(frozen=True, slots=True)
class Assignment:
    """The themes found for a batch of texts: one theme name and score per text, plus each theme's keywords."""

    themes: tuple[str, ...]
    scores: tuple[float, ...]
    keywords: dict[str, tuple[str, ...]]


def normalize(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.asarray(matrix / np.where(norms == 0, 1.0, norms), dtype=np.float64)


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True))


def word_counts(
    texts: Sequence[str], ngrams: tuple[int, int] = (1, 1), stop_words: frozenset[str] | None = None,
    binary: bool = True,
) -> tuple[sparse.csr_matrix, list[str]]:
    """Document-term matrix of the batch (English stop words out; by default 0/1) and its vocabulary."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    min_df = 2 if len(texts) >= REFINE_MIN_ARTICLES else 1  # a word seen once says nothing about a theme
    try:
        vectorizer = CountVectorizer(
            min_df=min_df, stop_words=sorted(stop_words or ENGLISH_STOP_WORDS), binary=binary, dtype=np.float64,
            token_pattern=WORD, ngram_range=ngrams,
        )
        counts = vectorizer.fit_transform(texts)
    except ValueError:  # no word survives (empty texts, only stop words)
        return sparse.csr_matrix((len(texts), 0)), []
    return sparse.csr_matrix(counts), list(vectorizer.get_feature_names_out())


def refine(
    vectors: np.ndarray, counts: sparse.csr_matrix, start: np.ndarray, neighbours: np.ndarray | None,
    anchors: np.ndarray | None = None, bonus: np.ndarray | None = None, temperature: float = REFINE_TEMPERATURE,
) -> np.ndarray:
    """EM over the batch: theme centroids and a word model from soft memberships, then new memberships.

    `start` holds the first memberships (rows sum to 1); `anchors` are pseudo-articles (the descriptions)
    that each theme's centroid keeps, with weight REFINE_ANCHOR; `neighbours` (from `nearest_neighbours`) smooth
    the memberships over the batch's nearest-neighbour graph; a lower `temperature` makes memberships harder.
    """
    members = start
    extra = bonus / temperature if bonus is not None else 0.0
    for _ in range(REFINE_ROUNDS):
        centroids = members.T @ vectors
        if anchors is not None:
            centroids = centroids + REFINE_ANCHOR * anchors
        scores = vectors @ normalize(centroids).T / temperature + extra
        if counts.shape[1]:
            word_counts = np.asarray(counts.T @ members).T + REFINE_WORD_SMOOTHING
            log_probs = np.log(word_counts / word_counts.sum(axis=1, keepdims=True))
            scores = scores + REFINE_WORD_WEIGHT * np.asarray(counts @ log_probs.T)
        scores = scores + np.log(members.mean(axis=0) + 1e-9)  # theme sizes as a prior
        members = softmax(scores)
        if neighbours is not None:  # an article's nearest neighbours usually share its theme
            members = (1 - REFINE_NEIGHBOUR_SHARE) * members + REFINE_NEIGHBOUR_SHARE * members[neighbours].mean(axis=1)
    return members


def nearest_neighbours(vectors: np.ndarray) -> np.ndarray | None:
    """Each row's REFINE_NEIGHBOURS nearest rows by cosine (itself excluded); None for a small batch."""
    if len(vectors) < REFINE_MIN_ARTICLES:
        return None
    from sklearn.neighbors import NearestNeighbors

    count = min(REFINE_NEIGHBOURS, len(vectors) - 1)
    index = NearestNeighbors(n_neighbors=count + 1, algorithm="brute").fit(vectors)
    found = index.kneighbors(vectors, return_distance=False)
    return np.asarray([[j for j in row if j != i][:count] for i, row in enumerate(found)])


def one_blas_thread() -> Any:
    """A context in which numpy and scikit-learn use one thread (BLAS and OpenMP).

    The matrices here are small (articles × 384): threads only add start-up cost, and on a busy machine
    a spinning thread pool made one 1600 × 384 product a hundred times slower.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def batch_vectors(vectors: np.ndarray) -> np.ndarray:
    """Vectors centred on the batch mean (what the week has in common says nothing about its themes)."""
    if len(vectors) < CENTER_MIN_ARTICLES:
        return np.asarray(vectors, dtype=np.float64)
    return normalize(vectors - vectors.mean(axis=0))
