"""Auto mode: the week's own themes. k-means and bisecting k-means run several times on the batch's main
directions, each run is refined (refine.py), and the runs are combined (a consensus), which is both better
and far more stable than one k-means. The number of themes is chosen by silhouette unless given; each theme
is labelled with its most distinctive words (labels.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from briefing.embed import embed
from briefing.log import get_logger
from briefing.themes.labels import label, theme_keywords
from briefing.themes.refine import (
    Assignment,
    batch_vectors,
    nearest_neighbours,
    normalize,
    one_blas_thread,
    refine,
    word_counts,
)
from briefing.themes.settings import (
    AUTO_CONSENSUS_RUNS,
    AUTO_FINAL_NGRAMS,
    AUTO_FINAL_TEMPERATURE,
    AUTO_FINAL_WHITENING,
    AUTO_K_MAX,
    AUTO_K_MIN_LARGE,
    AUTO_LARGE_WEEK,
    AUTO_START_DIMENSIONS,
    REFINE_MIN_ARTICLES,
    THEME_SEED,
)

log = get_logger(__name__)

def _kmeans(vectors: np.ndarray, k: int, seed: int, n_init: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    return np.asarray(KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(vectors).labels_)


def choose_k(vectors: np.ndarray) -> int:
    """The number of themes with the best (cosine) silhouette, from 2 (3 in a large week) to AUTO_K_MAX."""
    from sklearn.metrics import silhouette_score

    n = len(vectors)
    best_k, best_score = 1, -math.inf
    smallest = AUTO_K_MIN_LARGE if n >= AUTO_LARGE_WEEK else 2
    for k in range(smallest, min(AUTO_K_MAX, n - 1) + 1):
        labels = _kmeans(vectors, k, THEME_SEED, n_init=3)
        if len(set(labels.tolist())) < 2:
            continue
        score = float(silhouette_score(vectors, labels, metric="cosine"))
        log.debug("k=%d: silhouette %.4f", k, score)
        if score > best_score + 1e-9:
            best_k, best_score = k, score
    return best_k


def _bisecting_kmeans(vectors: np.ndarray, k: int, seed: int) -> np.ndarray:
    from sklearn.cluster import BisectingKMeans

    return np.asarray(BisectingKMeans(n_clusters=k, n_init=1, random_state=seed).fit(vectors).labels_)


def _main_directions(batch: np.ndarray) -> np.ndarray:
    """The batch projected on its AUTO_START_DIMENSIONS leading principal directions, unit length per row."""
    from sklearn.decomposition import PCA

    dimensions = min(AUTO_START_DIMENSIONS, len(batch) - 1, batch.shape[1])
    if dimensions < 1 or not np.ptp(batch, axis=0).any():  # one article, or all alike: no direction to find
        return batch
    return normalize(PCA(n_components=dimensions, svd_solver="full").fit_transform(batch))


def _evened(batch: np.ndarray) -> np.ndarray:
    """The batch in its principal directions, each divided by its spread to the AUTO_FINAL_WHITENING power."""
    left, spread, _ = np.linalg.svd(batch - batch.mean(axis=0), full_matrices=False)
    return normalize(left * spread ** (1 - AUTO_FINAL_WHITENING))


def _discover(
    batch: np.ndarray, counts: sparse.csr_matrix, texts: Sequence[str], k: int,
) -> np.ndarray:
    """Soft memberships in k themes: refined clusterings, combined by a k-means over their memberships.

    The starting clusterings come from k-means and from bisecting k-means (half each) on the batch's main
    directions; each is then refined on the full vectors and the words. The two start from different
    mistakes (k-means cuts a big, tight story such as the Olympics in two; bisecting splits the widest
    group first), so their consensus is steadier from one week to the next than either alone. A large week's
    consensus is refined once more with the week's directions evened out, words and two-word phrases, and
    sharper memberships (settings.py says what each adds).
    """
    if k <= 1:
        return np.ones((len(batch), 1))
    neighbours = nearest_neighbours(batch)
    reduced = _main_directions(batch)
    half = max(1, AUTO_CONSENSUS_RUNS // 2)
    starts = [_kmeans(reduced, k, THEME_SEED + run, n_init=1) for run in range(half)]
    starts += [_bisecting_kmeans(reduced, k, THEME_SEED + run) for run in range(half)]
    runs = [refine(batch, counts, np.eye(k)[start], neighbours) for start in starts]
    consensus = _kmeans(np.hstack(runs), k, THEME_SEED, n_init=10)
    members = refine(batch, counts, np.eye(k)[consensus], neighbours)
    if len(batch) < REFINE_MIN_ARTICLES:  # too few articles to learn the week's directions from
        return members
    evened = _evened(batch)
    phrase_counts, _ = word_counts(texts, ngrams=AUTO_FINAL_NGRAMS)  # only here: the dearer count, large weeks only
    start = np.eye(k)[members.argmax(axis=1)]
    return refine(evened, phrase_counts, start, nearest_neighbours(evened), temperature=AUTO_FINAL_TEMPERATURE)


def assign_auto(texts: Sequence[str], k: int | None = None, vectors: np.ndarray | None = None) -> Assignment:
    """Themes discovered in the batch (k of them, or chosen by silhouette), each with a readable English label.

    The score is the cosine between the text and its theme's centroid.
    """
    vectors = embed(texts) if vectors is None else vectors
    n = len(texts)
    if n == 0:
        return Assignment((), (), {})
    batch = batch_vectors(vectors)
    counts, _ = word_counts(texts)
    with one_blas_thread():
        k = min(k, n) if k is not None else (choose_k(batch) if n >= 3 else 1)
        members = _discover(batch, counts, texts, k)
    chosen = members.argmax(axis=1)
    used = sorted(set(chosen.tolist()))
    one_hot = np.eye(members.shape[1])[chosen][:, used]
    centroids = normalize(one_hot.T @ vectors)
    terms = theme_keywords(texts, one_hot)
    names: list[str] = []
    for theme_terms in terms:
        names.append(label(theme_terms, set(names)))
    index = {c: i for i, c in enumerate(used)}
    assigned = tuple(names[index[c]] for c in chosen)
    scores = tuple(round(float(vectors[i] @ centroids[index[c]]), 4) for i, c in enumerate(chosen))
    keywords = dict(zip(names, terms, strict=True))
    log.info("found %d theme(s): %s", len(names), "; ".join(names))
    return Assignment(themes=assigned, scores=scores, keywords=keywords)
