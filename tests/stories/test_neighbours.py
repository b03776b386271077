"""The approximate neighbour graph of big weeks (briefing/stories/neighbours.py), forced on small seeded
synthetic weeks: where its candidates cover every pair it is the exact graph; otherwise it is the same twice
and keeps most exact edges (a floor that may only go up)."""

from __future__ import annotations

from collections import Counter
from functools import cache

import numpy as np
import pytest
from scipy import sparse

from briefing.stories import group as group_module
from briefing.stories.group import GroupInput, content_terms, embedding_text
from briefing.stories.neighbours import tfidf
from briefing.stories.settings import GROUP_STRONG_LINK

# Edges of the exact graph that the approximate one keeps on the 3,000-item week below: measured 0.970
RECALL_FLOOR = 0.96


@cache
def _week(n: int, seed: int = 0) -> tuple[tuple[GroupInput, ...], np.ndarray]:
    """n items in stories of ~10: each story has its own MiniLM-like direction and rare words; every item
    also draws common words (Zipf) and noise; a third are translations (lang en, space fr), a few are mute.
    French, so its random words fill the French term table, not the English one other tests measure."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words = ["".join(rng.choice(letters, 7)) for _ in range(3_000 + n)]
    common, rare = words[:3_000], words[3_000:]
    stories = max(1, n // 10)
    story = rng.integers(stories, size=n)
    directions = rng.standard_normal((stories, 64)).astype(np.float32)
    zipf = 1 / np.arange(1, len(common) + 1)
    drawn = rng.choice(len(common), (n, 12), p=zipf / zipf.sum())
    items, vectors = [], []
    for i in range(n):
        own = [rare[story[i] * 8 + j] for j in rng.permutation(8)[:4]]
        text = " ".join(own + [common[j] for j in drawn[i]])
        if i % 97 == 5:
            text = ""  # no content word: mute
        lang = "en" if rng.random() < 0.3 else "fr"
        items.append(GroupInput(f"i{i}", "", text, None, lang, None, "fr"))
        vectors.append(directions[story[i]] + 1.2 * rng.standard_normal(64).astype(np.float32))
    unit = np.array(vectors, dtype=np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    return tuple(items), unit


def _graphs(items: tuple[GroupInput, ...], vectors: np.ndarray | None,
            centre: bool) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    exact = group_module._graph(items, vectors, centre=centre, exact_max_items=len(items) + 1)
    approximate = group_module._graph(items, vectors, centre=centre, exact_max_items=0)
    return exact, approximate


@pytest.mark.parametrize(("with_vectors", "centre"), [(True, True), (True, False), (False, False)])
def test_candidates_that_cover_every_pair_give_the_exact_graph(with_vectors: bool, centre: bool) -> None:
    """40 items: every other item is a candidate, so the graph is group.py's exact one (its values up to the
    float32 rounding of another order of sums)."""
    items, vectors = _week(40, seed=1)
    exact, approximate = _graphs(items, vectors if with_vectors else None, centre)
    assert exact.nnz > 0
    assert (exact != 0).astype(int).toarray().tolist() == (approximate != 0).astype(int).toarray().tolist()
    assert np.allclose(exact.toarray(), approximate.toarray(), atol=1e-5)


def test_tfidf_is_scikit_learns_sublinear_weighting() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    items, _ = _week(200, seed=2)
    counts = [content_terms(embedding_text(item), "fr") for item in items]
    ours = tfidf(counts)
    theirs = TfidfVectorizer(analyzer=lambda t: t, sublinear_tf=True, dtype=np.float32).fit_transform(
        [list(c.elements()) for c in counts])
    assert np.allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray(), atol=1e-6)
    assert tfidf([Counter(), Counter()]).shape == (2, 0)


def test_the_approximate_graph_is_the_same_twice_and_keeps_most_exact_edges() -> None:
    items, vectors = _week(3_000)
    exact, approximate = _graphs(items, vectors, centre=True)
    again = group_module._graph(items, vectors, centre=True, exact_max_items=0)
    assert (approximate.indptr.tobytes(), approximate.indices.tobytes(), approximate.data.tobytes()) == \
        (again.indptr.tobytes(), again.indices.tobytes(), again.data.tobytes())
    kept = exact.multiply(approximate != 0).nnz / exact.nnz
    assert kept >= RECALL_FLOOR


def test_a_story_hundreds_of_outlets_ran_keeps_its_strong_links_in_the_approximate_graph() -> None:
    """400 items of one tight story among 600 others: the exact graph links each to up to 200 of the story
    (GROUP_STRONG_LINKS_MAX); the approximate graph kept about 20 of them (12 %), and now has nearly all, the
    same twice."""
    rng = np.random.default_rng(3)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    words = ["".join(rng.choice(letters, 7)) for _ in range(5_000)]
    direction = rng.standard_normal(64).astype(np.float32)
    items, vectors = [], []
    for i in range(1_000):
        story = i % 5 < 2
        own = words[:6] if story else list(rng.choice(words[6:], 6))
        text = " ".join([*own, *rng.choice(words[6:], 6)])
        items.append(GroupInput(f"i{i}", "", text, None, "fr", None, "fr"))
        vectors.append((3 * direction if story else 0) + rng.standard_normal(64).astype(np.float32))
    unit = np.array(vectors, dtype=np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    exact, approximate = _graphs(tuple(items), unit, centre=True)
    in_story = np.arange(1_000) % 5 < 2
    strong = exact.multiply(exact >= GROUP_STRONG_LINK).tocsr()[in_story][:, in_story]
    assert strong.nnz >= 400 * 150  # far more than 20 per item
    kept = strong.multiply(approximate.tocsr()[in_story][:, in_story] != 0).nnz / strong.nnz
    assert kept >= 0.98, kept  # measured 0.993; 0.120 without the strong links
    again = group_module._graph(tuple(items), unit, centre=True, exact_max_items=0)
    assert (approximate != again).nnz == 0
