"""Average linkage (briefing/stories/linkage.py): the bars of each merge, and the same stories as merging the
best pair one at a time (the rule itself, written plainly below) on random graphs."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from briefing.stories.linkage import Bars, average_linkage
from briefing.stories.settings import (
    GROUP_CROSS_MIN_SIZE,
    GROUP_CROSS_SHARE,
    GROUP_JOIN_SHARE,
    GROUP_JOIN_THRESHOLD,
    GROUP_PAIR_THRESHOLD,
    GROUP_THRESHOLD,
)

BARS = Bars(GROUP_THRESHOLD, GROUP_PAIR_THRESHOLD, GROUP_JOIN_THRESHOLD, share=GROUP_JOIN_SHARE)


def _graph(n: int, edges: dict[tuple[int, int], float]) -> sparse.csr_matrix:
    rows, columns, values = [], [], []
    for (a, b), value in edges.items():
        rows += [a, b]
        columns += [b, a]
        values += [value, value]
    return sparse.csr_matrix((values, (rows, columns)), shape=(n, n), dtype=np.float32)


def test_an_article_close_to_one_member_only_does_not_join_the_story() -> None:
    """Four articles of one story (0.5 apart) and a fifth close to one of them (0.45) but to no other: its mean
    link to the story, 0.15, passed the old bar (GROUP_THRESHOLD) through a chain of merges; it is under half
    the story's cohesion."""
    story = {(a, b): 0.5 for a in range(4) for b in range(a + 1, 4)}
    graph = _graph(5, {**story, (0, 4): 0.45, (1, 4): 0.15})
    assert average_linkage(5, graph, BARS) == [[0, 1, 2, 3], [4]]
    assert average_linkage(5, graph, Bars.plain(GROUP_THRESHOLD)) == [[0, 1, 2, 3, 4]]  # the old rule, by chain
    close = _graph(5, {**story, **{(a, 4): 0.4 for a in range(4)}})  # close to the story as a whole: it joins
    assert average_linkage(5, close, BARS) == [[0, 1, 2, 3, 4]]


def test_two_single_articles_on_one_subject_need_more_than_two_stories_do() -> None:
    graph = _graph(4, {(0, 1): 0.3, (2, 3): 0.5})
    assert 0.3 < GROUP_PAIR_THRESHOLD < 0.5
    assert average_linkage(4, graph, BARS) == [[0], [1], [2, 3]]


def _plain_linkage(graph: sparse.csr_matrix, bars: Bars) -> list[list[int]]:
    """The rule, one merge at a time over a dense matrix of link sums: of all pairs of groups whose mean link
    reaches the bar of their sizes, the one with the highest mean merges; until none is left."""
    n = graph.shape[0]
    links = graph.toarray().astype(np.float64)
    groups = [[i] for i in range(n)]
    inner = [0.0] * n
    cross = list(bars.cross) or [False] * n

    def bar(a: int, b: int) -> float:
        size_a, size_b = len(groups[a]), len(groups[b])
        if size_a == 1 and size_b == 1:
            return bars.pair
        if size_a > 1 and size_b > 1:
            return bars.groups
        group, single = (a, b) if size_a > 1 else (b, a)
        size = len(groups[group])
        translated = sum(cross[i] for i in groups[group])
        lone = translated == 0 if cross[groups[single][0]] else translated == size
        share = max(bars.share, GROUP_CROSS_SHARE) if size >= GROUP_CROSS_MIN_SIZE and lone else bars.share
        return max(bars.join, share * inner[group] / (size * (size - 1) / 2))

    alive = list(range(n))
    while True:
        best, pair = -np.inf, None
        for x, a in enumerate(alive):
            for b in alive[x + 1:]:
                mean = links[a, b] / (len(groups[a]) * len(groups[b]))
                if links[a, b] > 0 and mean > best and mean >= bar(a, b):
                    best, pair = mean, (a, b)
        if pair is None:
            return sorted(sorted(g) for g in (groups[a] for a in alive))
        a, b = pair
        inner[a] += inner[b] + links[a, b]
        groups[a] += groups[b]
        links[a] += links[b]
        links[:, a] += links[:, b]
        links[a, a] = 0
        alive.remove(b)


@pytest.mark.parametrize("seed", range(40))
def test_the_same_stories_as_merging_one_best_pair_at_a_time(seed: int) -> None:
    """Random sparse graphs of 2-80 items, with clusters (so merges chain and rounds matter), some translated
    items, and each kind of bars: the stories equal the one-at-a-time rule's."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 81))
    cluster = rng.integers(0, max(1, n // 4), size=n)
    edges = {}
    for a in range(n):
        for b in rng.choice(n, size=min(n, 8), replace=False):
            if a != b:
                close = cluster[a] == cluster[b]
                edges[min(a, b), max(a, b)] = float(rng.uniform(0.2, 0.8) if close else rng.uniform(0.0, 0.4))
    graph = _graph(n, edges)
    cross = tuple(bool(x) for x in rng.random(n) < 0.3)
    for bars in (Bars.plain(0.22), BARS, Bars(GROUP_THRESHOLD, GROUP_PAIR_THRESHOLD, GROUP_JOIN_THRESHOLD,
                                                share=GROUP_JOIN_SHARE, cross=cross)):
        assert average_linkage(n, graph, bars) == _plain_linkage(graph, bars)


def test_no_edges_and_one_item() -> None:
    assert average_linkage(3, sparse.csr_matrix((3, 3), dtype=np.float32), BARS) == [[0], [1], [2]]
    assert average_linkage(1, sparse.csr_matrix((1, 1), dtype=np.float32), BARS) == [[0]]
