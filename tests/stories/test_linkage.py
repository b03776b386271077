"""Average linkage (briefing/stories/linkage.py): the bars of each merge, and the same stories as merging the
best pair one at a time (the rule itself, written plainly below) on random graphs."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from briefing.stories.linkage import Bars, average_linkage
from briefing.stories.settings import (
    GROUP_CROSS_MIN_SIZE,
    GROUP_CROSS_MINORITY,
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


def test_an_article_that_came_in_with_a_small_group_leaves_a_story_it_is_not_close_to() -> None:
    """Two pairs (0.5 inside, 0.3 between) and a fifth article close to one member of the first pair (0.45) and
    less to the other (0.25): it joins that pair (0.35, over half its cohesion), and the pair then merges with the
    other at the bar of two groups (0.2); in the story of five its mean link, 0.175, is under half the
    cohesion of the other four (0.367), so it is taken out again."""
    edges = {(0, 1): 0.5, (2, 3): 0.5, (0, 4): 0.45, (1, 4): 0.25}
    edges |= {(a, b): 0.3 for a in (0, 1) for b in (2, 3)}
    graph = _graph(5, edges)
    assert average_linkage(5, graph, BARS) == [[0, 1, 2, 3], [4]]
    assert average_linkage(5, graph, Bars.plain(GROUP_THRESHOLD)) == [[0, 1, 2, 3, 4]]


def test_the_only_translated_article_of_a_big_story_needs_more_of_it_at_the_end_too() -> None:
    """Six originals (0.5 apart) and one translated article at 0.3 from each: 0.6 of the story's cohesion
    passes the share of an original but not GROUP_CROSS_SHARE, whichever way it came in."""
    story = {(a, b): 0.5 for a in range(6) for b in range(a + 1, 6)}
    graph = _graph(7, {**story, **{(a, 6): 0.3 for a in range(6)}})
    assert GROUP_JOIN_SHARE < 0.6 < GROUP_CROSS_SHARE
    assert average_linkage(7, graph, BARS) == [[0, 1, 2, 3, 4, 5, 6]]
    translated = Bars(GROUP_THRESHOLD, GROUP_PAIR_THRESHOLD, GROUP_JOIN_THRESHOLD, share=GROUP_JOIN_SHARE,
                      cross=(False,) * 6 + (True,))
    assert average_linkage(7, graph, translated) == [[0, 1, 2, 3, 4, 5], [6]]


def test_a_few_translated_articles_in_a_big_story_of_originals_each_need_more_of_it() -> None:
    """Eight originals (0.5 apart) and two translated articles, close to each other (0.6) and at 0.3 from each
    original: the pair merges first and then into the story at the bar of two groups; translated articles are a
    fifth of it, so each needs GROUP_CROSS_SHARE of the others' cohesion: the first has 0.33 of 0.46, and once
    it is out the other, the only translated member left, 0.3 of 0.5."""
    story = {(a, b): 0.5 for a in range(8) for b in range(a + 1, 8)}
    graph = _graph(10, {**story, (8, 9): 0.6, **{(a, t): 0.3 for a in range(8) for t in (8, 9)}})
    assert GROUP_CROSS_MINORITY * 10 >= 2
    plain = Bars(GROUP_THRESHOLD, GROUP_PAIR_THRESHOLD, GROUP_JOIN_THRESHOLD, share=GROUP_JOIN_SHARE)
    assert average_linkage(10, graph, plain) == [list(range(10))]
    translated = Bars(GROUP_THRESHOLD, GROUP_PAIR_THRESHOLD, GROUP_JOIN_THRESHOLD, share=GROUP_JOIN_SHARE,
                      cross=(False,) * 8 + (True, True))
    assert average_linkage(10, graph, translated) == [list(range(8)), [8], [9]]


def _plain_linkage(graph: sparse.csr_matrix, bars: Bars) -> list[list[int]]:
    """The rule, one merge at a time over a dense matrix of link sums: of all pairs of groups whose mean link
    reaches the bar of their sizes, the one with the highest mean merges; until none is left. Then each
    story's members are checked against the rest of it (`_plain_check`)."""
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
            return _plain_check([sorted(groups[a]) for a in alive], graph.toarray().astype(np.float64), bars, cross)
        a, b = pair
        inner[a] += inner[b] + links[a, b]
        groups[a] += groups[b]
        links[a] += links[b]
        links[:, a] += links[:, b]
        links[a, a] = 0
        alive.remove(b)


def _plain_check(stories: list[list[int]], similarity: np.ndarray, bars: Bars,
                 cross: list[bool]) -> list[list[int]]:
    """Take out, one at a time, the member furthest below the share of the rest's cohesion it would need to join
    the rest of its story now; a story of three or more only; none with `Bars.plain`."""
    result = []
    for story in stories:
        story = list(story)
        while len(story) >= 3 and (bars.share or any(bars.cross)):
            gaps = []
            for member in story:
                others = [o for o in story if o != member]
                mean = sum(similarity[member, o] for o in others) / len(others)
                pairs = [(a, b) for x, a in enumerate(others) for b in others[x + 1:]]
                cohesion = sum(similarity[a, b] for a, b in pairs) / len(pairs)
                alike = sum(cross[o] == cross[member] for o in story)
                lone = alike <= max(1, GROUP_CROSS_MINORITY * len(story)) and len(story) - alike >= GROUP_CROSS_MIN_SIZE
                share = max(bars.share, GROUP_CROSS_SHARE) if lone else bars.share
                gaps.append(mean - share * cohesion)
            if min(gaps) >= 0:
                break
            worst = story[gaps.index(min(gaps))]
            result.append([worst])
            story.remove(worst)
        result.append(story)
    return sorted(result)


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
