"""The neighbour graph of a big week (GROUP_EXACT_MAX_ITEMS items or more), in time that grows with n, not n².

The graph is the one group.py builds exactly for smaller weeks: each item's k most similar others by the
blended similarity (GROUP_EMBED_WEIGHT x the MiniLM cosine, centred on the batch mean or not, plus the rest
x the TF-IDF cosine of content-word stems; x GROUP_TRANSLATED_FACTOR for a translated/original pair;
nothing for an item without a content word), positive similarities only, one undirected edge when i is
among j's best or j among i's. Rather than comparing every pair, it compares each item with candidates
from two cheap searches, and keeps the best of those by the exact blend:

1. dense: an HNSW graph index (faiss) over the main directions of the MiniLM vectors as the blend compares
   them finds each item's GROUP_ANN_DENSE_CANDIDATES nearest others, approximately;
2. rare terms: an inverted index over the terms at most GROUP_ANN_RARE_TERM_MAX_ITEMS items share (names,
   places, numbers) gives each item the GROUP_ANN_SPARSE_CANDIDATES others with the largest TF-IDF product
   over those terms: the pairs the words tie together that MiniLM ranks lower;
3. every candidate pair is scored with the exact blend; each item keeps its k best;
4. strong links, as the exact graph has them: an item whose k best all reach GROUP_ANN_STRONG_FROM (one of a
   story hundreds of outlets ran) is scored against its GROUP_STRONG_LINKS_MAX nearest in the HNSW index
   (its neighbours' neighbours without vectors), and keeps those that reach GROUP_STRONG_LINK.

What it gives up: an item whose true neighbour neither search proposes misses that edge (recall, measured
in stories/settings.py, is what the README reports). Determinism holds: the index is built and searched on
one thread in position order (an HNSW graph depends on the order of insertion), everything else is NumPy in
a fixed order, ties go to the lower position; the same input gives the same graph.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from typing import Any

import numpy as np
from scipy import sparse

from briefing.errors import BriefingError
from briefing.stories.settings import (
    GROUP_ANN_BUILD_BREADTH,
    GROUP_ANN_DENSE_CANDIDATES,
    GROUP_ANN_DIMENSIONS,
    GROUP_ANN_LINKS,
    GROUP_ANN_PCA_SAMPLE,
    GROUP_ANN_RARE_TERM_MAX_ITEMS,
    GROUP_ANN_SCORE_ROWS,
    GROUP_ANN_SEARCH_BREADTH,
    GROUP_ANN_SPARSE_CANDIDATES,
    GROUP_ANN_SPARSE_ROWS,
    GROUP_ANN_STRONG_FROM,
    GROUP_ANN_STRONG_ROWS,
    GROUP_ANN_TERM_ROWS,
    GROUP_EMBED_WEIGHT,
    GROUP_STRONG_LINK,
    GROUP_STRONG_LINKS_MAX,
    GROUP_TRANSLATED_FACTOR,
)

__all__ = ["approximate_graph", "tfidf"]


Search = Callable[[np.ndarray | None, int], np.ndarray]
"""(rows or None for all, count) -> each row's `count` + 1 nearest positions in the dense index (`_dense_search`)."""


class NeighbourIndexMissing(BriefingError):
    """The approximate neighbour search of big weeks needs faiss (faiss-cpu), which is not installed."""


def tfidf(terms: Sequence[Counter[str]]) -> sparse.csr_matrix:
    """(n, vocabulary) float32 TF-IDF of each item's term counts: sublinear tf (1 + log count), smoothed idf
    (log((1 + n) / (1 + df)) + 1), unit rows (an item without terms keeps an empty row): scikit-learn's
    TfidfVectorizer weighting with sublinear tf, built straight from the counts; group.py's one TF-IDF, exact
    graph and approximate alike. Columns go by falling document frequency (the terms most looked up come
    first, close together in memory)."""
    n = len(terms)
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=n)
    vocabulary = {term: column for column, term in enumerate(dict.fromkeys(chain.from_iterable(terms)))}
    indices = np.fromiter(map(vocabulary.__getitem__, chain.from_iterable(terms)), dtype=np.int64,
                          count=int(lengths.sum()))
    counts = np.fromiter(chain.from_iterable(bag.values() for bag in terms), dtype=np.float32, count=len(indices))
    df = np.bincount(indices, minlength=len(vocabulary))
    rank = np.empty(len(df), dtype=np.int64)
    rank[np.argsort(-df, kind="stable")] = np.arange(len(df))
    indices = rank[indices]
    idf = (np.log((1 + n) / (1 + np.sort(df)[::-1].astype(np.float64))) + 1).astype(np.float32)
    data = (np.log(counts) + np.float32(1)) * idf[indices]
    row_of = np.repeat(np.arange(n), lengths)
    norms = np.sqrt(np.bincount(row_of, weights=np.square(data, dtype=np.float64), minlength=n))
    data /= np.where(norms > 0, norms, 1.0)[row_of].astype(np.float32)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    matrix = sparse.csr_matrix((data, indices.astype(np.int32), indptr), shape=(n, len(df)), dtype=np.float32)
    matrix.sort_indices()
    return matrix


def approximate_graph(terms: sparse.csr_matrix, dense: np.ndarray | None, *, translated: np.ndarray,
                      k: int) -> sparse.csr_matrix:
    """Each item's k most similar others (positive similarity only) among the candidates, as a symmetric sparse
    matrix: the exact graph's edges, but for those neither search proposes.

    `terms`: unit TF-IDF rows (`tfidf`; an empty row is an item without a content word); `dense`: unit rows whose
    dot products are the MiniLM cosines the blend takes (centred or not), None for TF-IDF alone; `translated`:
    whether each item's text is a translation. Raises NeighbourIndexMissing without faiss (only when `dense`
    is given).
    """
    from threadpoolctl import threadpool_limits

    n = terms.shape[0]
    k = min(k, n - 1)
    mute = np.diff(terms.indptr) == 0
    df = np.bincount(terms.indices, minlength=terms.shape[1])  # each term's items
    with threadpool_limits(limits=1):  # the same sums in the same order, whatever the machine's cores
        wanted = GROUP_ANN_SPARSE_CANDIDATES + (0 if dense is not None else GROUP_ANN_DENSE_CANDIDATES)
        found = [_rare_term_candidates(terms, df, wanted)]
        search = _dense_search(dense) if dense is not None else None
        if search is not None:
            found.append(search(None, GROUP_ANN_DENSE_CANDIDATES))
        candidates = _merged(found, np.arange(n))
        shared = _shared_terms(terms, df)
        scores = _scores(shared, dense, candidates, translated, mute)
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]  # candidates ascend: ties go to the lower one
        best = np.take_along_axis(scores, order, axis=1)
        nearest = np.take_along_axis(candidates, order, axis=1)
        keep = best > 0
        rows = np.broadcast_to(np.arange(n)[:, None], nearest.shape)[keep]
        graph = sparse.csr_matrix((best[keep], (rows, nearest[keep])), shape=(n, n), dtype=np.float32)
        graph = graph.maximum(_strong_links(shared, dense, search, nearest, best, translated, mute))
    return graph.maximum(graph.T).tocsr()


def _strong_links(shared: sparse.csr_matrix, dense: np.ndarray | None,
                  search: Search | None, nearest: np.ndarray, best: np.ndarray,
                  translated: np.ndarray, mute: np.ndarray) -> sparse.csr_matrix:
    """The exact graph's strong links (group.py `_neighbour_graph`), from the neighbours found: each row whose k
    nearest all reach GROUP_ANN_STRONG_FROM (the exact graph takes GROUP_STRONG_LINK; in a big week that was
    half the rows, at a cost over the bar) is scored against its GROUP_STRONG_LINKS_MAX nearest by the dense
    `search` (its nearest ones' nearest without one), and keeps the GROUP_STRONG_LINKS_MAX strongest that reach
    GROUP_STRONG_LINK. A story that hundreds of outlets ran is such a set of rows. `shared`: the
    `_shared_terms` of the TF-IDF rows."""
    n = len(nearest)
    wide = np.flatnonzero(best.min(axis=1) >= GROUP_ANN_STRONG_FROM) if best.shape[1] else np.zeros(0, dtype=np.int64)
    rows: list[np.ndarray] = []
    columns: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for lo in range(0, len(wide), GROUP_ANN_STRONG_ROWS):
        own = wide[lo:lo + GROUP_ANN_STRONG_ROWS]
        found = [nearest[own]]
        if search is not None:
            found.append(search(own, GROUP_STRONG_LINKS_MAX))
        else:
            found.append(nearest[nearest[own]].reshape(len(own), -1))
        candidates = _merged(found, own)
        scores = _scores(shared, dense, candidates, translated, mute, own)
        keep = np.argsort(-scores, axis=1, kind="stable")[:, :GROUP_STRONG_LINKS_MAX]
        strongest = np.take_along_axis(scores, keep, axis=1)
        chosen = strongest >= GROUP_STRONG_LINK
        rows.append(np.broadcast_to(own[:, None], keep.shape)[chosen])
        columns.append(np.take_along_axis(candidates, keep, axis=1)[chosen])
        values.append(strongest[chosen])
    if not rows:
        return sparse.csr_matrix((n, n), dtype=np.float32)
    return sparse.csr_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))),
                             shape=(n, n), dtype=np.float32)


def _dense_search(vectors: np.ndarray) -> Search:
    """A search of the rows' nearest others by inner product: an HNSW index over the GROUP_ANN_DIMENSIONS main
    directions of the vectors, approximate. The search gives (rows, count + 1) positions for the rows asked
    (None: every row; the row itself may be among them); -1 pads."""
    try:
        import faiss
    except ImportError:
        raise NeighbourIndexMissing("grouping a week this big needs faiss; install it with: pip install faiss-cpu") \
            from None
    n, dim = vectors.shape
    # the main directions (principal components) of an evenly spaced sample keep most of each cosine
    sample = vectors[:: max(1, n // GROUP_ANN_PCA_SAMPLE)].astype(np.float64)
    _, directions = np.linalg.eigh(sample.T @ sample)
    reduced = vectors @ directions[:, ::-1][:, :min(dim, GROUP_ANN_DIMENSIONS)].astype(np.float32)
    reduced /= np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), np.float32(1e-12))
    index = faiss.IndexHNSWFlat(reduced.shape[1], GROUP_ANN_LINKS, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = GROUP_ANN_BUILD_BREADTH
    with _one_faiss_thread(faiss):  # one thread: the graph depends on the order of insertion
        index.add(np.ascontiguousarray(reduced))

    def search(rows: np.ndarray | None, count: int) -> np.ndarray:
        count = min(count, n - 1)
        index.hnsw.efSearch = max(GROUP_ANN_SEARCH_BREADTH, count + 1)
        with _one_faiss_thread(faiss):
            _, keys = index.search(reduced if rows is None else np.ascontiguousarray(reduced[rows]), count + 1)
        return np.asarray(keys, dtype=np.int64)

    return search


@contextlib.contextmanager
def _one_faiss_thread(faiss: Any) -> Iterator[None]:
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(threads)


def _rare_term_candidates(terms: sparse.csr_matrix, df: np.ndarray, count: int) -> np.ndarray:
    """(n, count) positions of each row's others with the largest TF-IDF product over rare terms (`df`: each
    term's number of items); -1 pads."""
    n = terms.shape[0]
    shared = df[terms.indices]
    keep = (shared <= GROUP_ANN_RARE_TERM_MAX_ITEMS) & (shared > 1)
    rows = np.repeat(np.arange(n), np.diff(terms.indptr))[keep]
    rare = sparse.csr_matrix((terms.data[keep], (rows, terms.indices[keep])), shape=terms.shape, dtype=np.float32)
    transposed = rare.T.tocsr()
    found = np.full((n, count), -1, dtype=np.int64)
    for lo in range(0, n, GROUP_ANN_SPARSE_ROWS):
        hi = min(n, lo + GROUP_ANN_SPARSE_ROWS)
        found[lo:hi] = _top_per_row(sparse.csr_matrix(rare[lo:hi] @ transposed), count, lo)
    return found


def _top_per_row(product: sparse.csr_matrix, count: int, first: int) -> np.ndarray:
    """(rows, count) columns of each row's largest positive entries, the row's own item (first + row) left out,
    ties to the lower column; -1 pads."""
    product.sort_indices()
    rows = np.repeat(np.arange(product.shape[0]), np.diff(product.indptr))
    columns, values = product.indices, product.data
    keep = (columns != rows + first) & (values > 0)
    rows, columns, values = rows[keep], columns[keep], values[keep]
    # one key: the row, then the value downwards (a product of unit rows lies in (0, 1]); a stable sort keeps
    # equal values in column order
    order = np.argsort(rows * 2.0 + (1.0 - values), kind="stable")
    rows, columns = rows[order], columns[order]
    starts = np.searchsorted(rows, np.arange(product.shape[0]))
    rank = np.arange(len(rows)) - starts[rows]
    top = np.full((product.shape[0], count), -1, dtype=np.int64)
    chosen = rank < count
    top[rows[chosen], rank[chosen]] = columns[chosen]
    return top


def _merged(found: list[np.ndarray], own: np.ndarray) -> np.ndarray:
    """Each row's candidates from every search, ascending, each once, the row's own item (`own`) left out; -1
    pads at the end."""
    joined = np.concatenate(found, axis=1)
    n = int(max(joined.max(initial=0), own.max(initial=0))) + 1  # past every position
    joined[(joined < 0) | (joined == own[:, None])] = n
    joined.sort(axis=1)
    repeated = np.zeros(joined.shape, dtype=bool)
    repeated[:, 1:] = joined[:, 1:] == joined[:, :-1]
    joined[repeated] = n
    joined.sort(axis=1)
    width = int((joined < n).sum(axis=1).max(initial=0))
    joined = joined[:, :max(1, width)]
    joined[joined == n] = -1
    return joined


def _shared_terms(terms: sparse.csr_matrix, df: np.ndarray) -> sparse.csr_matrix:
    """`terms` without the terms of a single item (`df` of 1: the last columns, by falling document frequency):
    they add nothing to any product of two items, and are most of a big week's vocabulary."""
    shared = int(np.count_nonzero(df > 1))
    keep = terms.indices < shared
    rows = np.repeat(np.arange(terms.shape[0]), np.diff(terms.indptr))[keep]
    return sparse.csr_matrix((terms.data[keep], (rows, terms.indices[keep])), shape=(terms.shape[0], shared),
                             dtype=np.float32)


def _scores(terms: sparse.csr_matrix, dense: np.ndarray | None, candidates: np.ndarray, translated: np.ndarray,
            mute: np.ndarray, own: np.ndarray | None = None) -> np.ndarray:
    """The exact blended similarity of each row's item (`own`; row r is item r without it) to each of its
    candidates; -inf where there is none."""
    n = len(candidates)
    own = np.arange(n) if own is None else own
    valid = candidates >= 0
    safe = np.where(valid, candidates, 0)
    scores = _term_products(terms, candidates, own)
    if dense is not None:
        weight = np.float32(GROUP_EMBED_WEIGHT)
        scores *= 1 - weight
        for lo in range(0, n, GROUP_ANN_SCORE_ROWS):
            hi = min(n, lo + GROUP_ANN_SCORE_ROWS)
            cosines = np.einsum("ijk,ik->ij", dense[safe[lo:hi]], dense[own[lo:hi]])
            scores[lo:hi] += weight * cosines
        if translated.any() and not translated.all():
            np.multiply(scores, np.float32(GROUP_TRANSLATED_FACTOR), out=scores,
                        where=translated[own][:, None] != translated[safe])
    scores[mute[own]] = 0
    scores[mute[safe]] = 0
    scores[~valid] = -np.inf
    return scores


def _term_products(terms: sparse.csr_matrix, candidates: np.ndarray, own: np.ndarray) -> np.ndarray:
    """(n, width) float32 TF-IDF products of each row with each of its candidates (0 where there is none): the
    rows of a block of pairs gathered on both sides and multiplied term by term (scipy's sorted merge, in C++),
    work in proportion to the pairs' stored terms, never to a block's n columns."""
    n, width = candidates.shape
    products = np.zeros((n, width), dtype=np.float32)
    for lo in range(0, n, GROUP_ANN_TERM_ROWS):
        hi = min(n, lo + GROUP_ANN_TERM_ROWS)
        block = candidates[lo:hi]
        valid = block >= 0
        rows = np.broadcast_to(own[lo:hi, None], block.shape)[valid]
        pairs = terms[rows].multiply(terms[block[valid]])
        products[lo:hi][valid] = np.asarray(pairs.sum(axis=1)).ravel()
    return products
