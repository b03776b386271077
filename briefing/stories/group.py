"""Grouping: the week's articles into stories (articles about the same event), across outlets and languages.

Each article is seen through its English title and lead (translated when it was not in English). Two
articles are alike by a blend of two cosines: TF-IDF over content-word stems (names, places and numbers
that a story repeats) and MiniLM sentence embeddings (the same event told in other words, or through a
rough machine translation). Items of different `space`s (untranslated languages) are never compared.

Scale: no n x n matrix is ever held. Similarities are computed a block of rows at a time (a fixed number
of cells) and each article keeps only its GROUP_NEIGHBOURS most similar others: a sparse graph with at
most n x k edges.
Stories are then built by average-linkage agglomeration on that graph: the two groups with the highest
mean pairwise similarity merge, pairs outside the graph counting as 0, until no pair of groups reaches
GROUP_THRESHOLD. Singletons stay alone; the number of stories is whatever the threshold leaves.

Determinism: the same input gives the same stories (fixed order of work, ties broken by position).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from briefing.embed import embed
from briefing.log import get_logger
from briefing.settings import (
    GROUP_BLOCK_CELLS,
    GROUP_EMBED_WEIGHT,
    GROUP_LEAD_SENTENCES,
    GROUP_NEIGHBOURS,
    GROUP_THRESHOLD,
)
from briefing.summarize import candidates, content_terms

__all__ = ["GroupInput", "group", "group_with_vectors", "lead_text"]

log = get_logger(__name__)

EMBED_SPACE = "en"  # the only space the sentence-embedding model reads

Similarities = Callable[[int, int], np.ndarray]
"""(first row, end row) -> the dense block of similarities of those rows to every item."""


@dataclass(frozen=True, slots=True)
class GroupInput:
    """What grouping sees of one article."""

    id: str
    title: str  # English title ("" when the article had no real headline; then the lead carries it)
    lead: str  # English lead: the first sentences (see lead_text), translated when not English
    date: dt.date | None
    lang: str  # the article's own language
    publisher: str | None
    # "en" when title/lead are English (original or translated); else the article's language (no engine
    # could translate it): only items of the same space are ever grouped together
    space: str


def lead_text(text: str, lang: str) -> str:
    """The lead grouping uses: the first GROUP_LEAD_SENTENCES usable sentences of the article (own language),
    skipping captions and boilerplate."""
    return " ".join(c.text for c in candidates(text, lang)[:GROUP_LEAD_SENTENCES])


def _text(item: GroupInput) -> str:
    return f"{item.title.strip()}\n{item.lead.strip()}".strip()


def group(items: Sequence[GroupInput]) -> list[list[int]]:
    """Stories as lists of positions into `items` (each ascending; stories ordered by first position).

    Every item is in exactly one story; singletons allowed. Embeds the English items with MiniLM.
    """
    english = [i for i, item in enumerate(items) if item.space == EMBED_SPACE]
    vectors = embed([_text(items[i]) for i in english]) if len(english) > 1 else None
    return group_with_vectors(items, vectors)


def group_with_vectors(items: Sequence[GroupInput], vectors: np.ndarray | None) -> list[list[int]]:
    """`group` with the MiniLM vectors of the "en" items given (rows in item order), or None for TF-IDF alone."""
    spaces: dict[str, list[int]] = {}
    for position, item in enumerate(items):
        spaces.setdefault(item.space, []).append(position)
    stories: list[list[int]] = []
    for space in sorted(spaces):
        positions = spaces[space]
        space_vectors = vectors if space == EMBED_SPACE else None
        for story in _group_space([items[p] for p in positions], space_vectors):
            stories.append([positions[i] for i in story])
    return sorted(stories)


def _group_space(items: Sequence[GroupInput], vectors: np.ndarray | None) -> list[list[int]]:
    """Stories among items that share one space."""
    if len(items) < 2:
        return [[i] for i in range(len(items))]
    similarities = _similarities(items, vectors)
    graph = _neighbour_graph(len(items), similarities, GROUP_NEIGHBOURS)
    return _average_linkage(len(items), graph, GROUP_THRESHOLD)


def _similarities(items: Sequence[GroupInput], vectors: np.ndarray | None) -> Similarities:
    """Blocks of the blended similarity, never the whole n x n matrix."""
    lang = "en" if items[0].space == EMBED_SPACE else items[0].space
    terms = TfidfVectorizer(
        analyzer=lambda text: list(content_terms(text, lang).elements()), sublinear_tf=True, dtype=np.float32,
    ).fit_transform([_text(item) for item in items])
    terms = sparse.csr_matrix(terms)
    transposed = terms.T.tocsr()
    if vectors is None:
        return lambda lo, hi: (terms[lo:hi] @ transposed).toarray()
    unit = np.asarray(vectors, dtype=np.float32)
    weight = np.float32(GROUP_EMBED_WEIGHT)

    def blend(lo: int, hi: int) -> np.ndarray:
        block = (1 - weight) * (terms[lo:hi] @ transposed).toarray()
        block += weight * (unit[lo:hi] @ unit.T)
        return block

    return blend


def _neighbour_graph(n: int, similarities: Similarities, k: int) -> sparse.csr_matrix:
    """Each item's k most similar others (positive similarity only), as a symmetric sparse matrix."""
    k = min(k, n - 1)
    step = max(1, GROUP_BLOCK_CELLS // n)
    rows: list[np.ndarray] = []
    columns: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        block = similarities(lo, hi)
        own = np.arange(hi - lo)
        block[own, own + lo] = -np.inf  # an item is not its own neighbour
        nearest = np.argpartition(block, n - k, axis=1)[:, n - k :]
        best = np.take_along_axis(block, nearest, axis=1)
        keep = best > 0
        rows.append(np.broadcast_to((own + lo)[:, None], nearest.shape)[keep])
        columns.append(nearest[keep])
        values.append(best[keep])
    graph = sparse.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))), shape=(n, n), dtype=np.float32,
    )
    return graph.maximum(graph.T).tocsr()  # i among j's neighbours or j among i's: one undirected edge


def _average_linkage(n: int, graph: sparse.csr_matrix, threshold: float) -> list[list[int]]:
    """Average-linkage agglomeration on a sparse graph: pairs without an edge count as similarity 0."""
    size = dict.fromkeys(range(n), 1)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    # links[a][b]: the sum of edge similarities between groups a and b
    links: dict[int, dict[int, float]] = {
        i: dict(zip(graph.indices[graph.indptr[i] : graph.indptr[i + 1]].tolist(),
                    graph.data[graph.indptr[i] : graph.indptr[i + 1]].tolist(), strict=True))
        for i in range(n)
    }
    heap = [(-value, a, b) for a in range(n) for b, value in links[a].items() if a < b and value >= threshold]
    heapq.heapify(heap)
    next_id = n
    while heap:
        _, a, b = heapq.heappop(heap)
        if a not in size or b not in size:
            continue  # one side already merged: this entry is stale
        merged = next_id
        next_id += 1
        size[merged] = size.pop(a) + size.pop(b)
        members[merged] = members.pop(a) + members.pop(b)
        joined: dict[int, float] = {}
        for side in (links.pop(a), links.pop(b)):
            for other, total in side.items():
                if other not in (a, b):
                    joined[other] = joined.get(other, 0.0) + total
        links[merged] = joined
        for other, total in joined.items():
            neighbour = links[other]
            neighbour.pop(a, None)
            neighbour.pop(b, None)
            neighbour[merged] = total
            mean = total / (size[merged] * size[other])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, other, merged))
    return sorted(sorted(group) for group in members.values())
