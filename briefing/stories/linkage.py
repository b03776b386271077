"""Average-linkage agglomeration on a sparse similarity graph, with the bars of group.py: the same stories as
merging one pair at a time, but most merges done a round at a time in arrays.

The rule (group.py's docstring says why each bar): the two groups with the highest mean pairwise similarity
merge (pairs without an edge count as 0), provided that mean reaches the bar of the pair (`Bars`: two groups,
two single articles, or an article joining a group, with its share of the group's cohesion), until no pair
is left that does. One merge at a time, with a heap, costs Python work for every link of every merged group:
~50 CPU s for 100,000 articles.

Most merges can be done at once. Average linkage is reducible: the mean of a merged group to a third,
(|a| s(a,c) + |b| s(b,c)) / (|a| + |b|), is never above the larger of s(a,c) and s(b,c); so no later merge
gives a group a link above its best link today. Two groups that are each other's best link (over all their
links, whether they pass their bars or not) and pass their bar will merge whatever else happens first, and
nothing that happens first depends on them (the merges before theirs have higher means, which no link of
theirs reaches, and a pair's bar depends on that pair alone). Each round merges every such pair at once;
when none is left, the rest (a group whose best link fails its bar but whose next one passes, say) merge one
at a time as before. Merges that could never happen are dropped first: a group none of whose links reaches
the lowest bar can never merge again. The stories are those of one-at-a-time merging, bar exact ties
between different pairs, which floating-point sums in another order can break the other way.

The join rule is checked once more on the stories made (`_keep_close`): an article can pass it when it joins a
small group and then come into a big story with that group, at the bar of two groups. Each member of a story of
three or more must be close to the rest as a whole: its mean link to them at least the share of their cohesion
its join would need now (a translated article among few in a big story of originals needing the share of the
only one); the member furthest below leaves (a story of its own), and the story is checked again.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from briefing.stories.settings import GROUP_CROSS_MIN_SIZE, GROUP_CROSS_MINORITY, GROUP_CROSS_SHARE

__all__ = ["Bars", "average_linkage"]


@dataclass(frozen=True, slots=True)
class Bars:
    """What two groups need to merge: their mean similarity must reach the bar of their sizes (group.py's
    docstring). `cross` marks translated items, for GROUP_CROSS_SHARE."""

    groups: float  # two groups of two articles or more
    pair: float  # two single articles
    join: float  # one article and a group...
    share: float = 0.0  # ...and this share of the group's cohesion
    cross: tuple[bool, ...] = ()

    @classmethod
    def plain(cls, threshold: float) -> Bars:
        """One bar for every merge (small weeks, as before the stray rules)."""
        return cls(threshold, threshold, threshold)

    @property
    def lowest(self) -> float:
        """No pair's bar is lower than this."""
        return min(self.groups, self.pair, self.join)

    def join_share(self, crossing: np.ndarray | bool) -> np.ndarray:
        """The share of a story's cohesion an article needs to join it or stay in it: `share`, or
        GROUP_CROSS_SHARE where `crossing` (a translated article among originals, or the reverse, as the
        callers define it)."""
        return np.where(crossing, max(self.share, GROUP_CROSS_SHARE), self.share)

    def join_bar(self, size: np.ndarray | float, cohesion: np.ndarray | float,
                 crossing: np.ndarray | bool) -> np.ndarray:
        """The bar of an article joining a group of `size` articles and that `cohesion` (mean inner
        similarity); `crossing`: the article is translated and the group holds none, or the reverse (counts
        from GROUP_CROSS_MIN_SIZE articles)."""
        applies = (np.asarray(size) >= GROUP_CROSS_MIN_SIZE) & crossing
        return np.maximum(self.join, self.join_share(applies) * cohesion)


@dataclass
class _Groups:
    """The groups so far: each item's group is found through `into` (a group merged into another points at
    it; a standing group at itself); the other arrays are indexed by a standing group's id."""

    into: np.ndarray  # int64
    size: np.ndarray  # float64: the number of items
    inner: np.ndarray  # float64: the sum of the edge similarities inside the group
    crossed: np.ndarray  # float64: its translated items

    def bar(self, a: np.ndarray, b: np.ndarray, bars: Bars) -> np.ndarray:
        """The bar of each pair of groups (a[i], b[i])."""
        size_a, size_b = self.size[a], self.size[b]
        group = np.where(size_a > 1, a, b)
        single = np.where(size_a > 1, b, a)
        pairs = self.size[group] * (self.size[group] - 1) / 2
        cohesion = self.inner[group] / np.where(pairs > 0, pairs, 1)
        crossing = np.where(self.crossed[single] > 0, self.crossed[group] == 0,
                            self.crossed[group] == self.size[group])
        join = bars.join_bar(self.size[group], cohesion, crossing)
        return np.where((size_a == 1) & (size_b == 1), bars.pair, np.where((size_a > 1) & (size_b > 1), bars.groups,
                                                                            join))


def average_linkage(n: int, graph: sparse.spmatrix, bars: Bars) -> list[list[int]]:
    """Stories (ascending positions; stories sorted) by average linkage on `graph`, a symmetric sparse matrix of
    similarities with no self-edges, each merge held to the bar of its pair (`Bars`)."""
    upper = sparse.triu(sparse.csr_matrix(graph), k=1, format="coo")
    first, second = upper.row.astype(np.int64), upper.col.astype(np.int64)
    total = upper.data.astype(np.float64)  # the sum of the edge similarities between the two groups
    cross = np.asarray(bars.cross, dtype=np.float64) if bars.cross else np.zeros(n)
    groups = _Groups(np.arange(n, dtype=np.int64), np.ones(n), np.zeros(n), cross)
    while len(total):
        first, second, total = _live(first, second, total, groups, bars)
        merges = _safe_merges(first, second, total, groups, bars)
        if not len(merges):
            break
        first, second, total = _merge(merges, first, second, total, groups, n)
    return _keep_close(_one_at_a_time(_standing(groups.into), first, second, total, groups, bars), graph, bars)


def _keep_close(stories: list[list[int]], graph: sparse.spmatrix, bars: Bars) -> list[list[int]]:
    """The stories with each member that is not close to the rest of its story as a whole taken out, one at a
    time, furthest below first: a member's mean link to the others must reach `bars.share` of their cohesion, or
    GROUP_CROSS_SHARE when its kind (translated, or original) is at most GROUP_CROSS_MINORITY of the story and
    the other kind counts GROUP_CROSS_MIN_SIZE members or more (a few translated articles in a big story of
    originals, each of which came in when another was already there). Bars without a share (`Bars.plain`)
    keep every story as it is. Every story is checked at once in arrays; only those with a member below its
    bar are then taken apart one member at a time."""
    n = graph.shape[0]
    cross = np.asarray(bars.cross, dtype=bool) if bars.cross else np.zeros(n, dtype=bool)
    if not bars.share and not cross.any():
        return stories
    links = sparse.csr_matrix(graph)
    label = np.empty(n, dtype=np.int64)
    for number, story in enumerate(stories):
        label[story] = number
    edges = links.tocoo()
    inside = label[edges.row] == label[edges.col]
    sums = np.bincount(edges.row[inside], weights=edges.data[inside], minlength=n)
    size = np.bincount(label)[label]
    inner = np.bincount(label, weights=sums)[label] / 2
    translated = np.bincount(label, weights=cross)[label]
    below = (size >= 3) & (_gaps(sums, inner, size, translated, cross, bars) < 0)
    failing = set(label[below].tolist())
    kept: list[list[int]] = []
    for number, story in enumerate(stories):
        members = np.asarray(story, dtype=np.int64)
        while number in failing and len(members) >= 3:
            k = len(members)
            member_sums = np.asarray(links[members][:, members].sum(axis=1), dtype=np.float64).ravel()
            gap = _gaps(member_sums, member_sums.sum() / 2, k, int(cross[members].sum()), cross[members], bars)
            worst = int(np.argmin(gap))
            if gap[worst] >= 0:
                break
            kept.append([int(members[worst])])
            members = np.delete(members, worst)
        kept.append(members.tolist())
    return sorted(kept)


def _gaps(sums: np.ndarray, inner: np.ndarray | float, size: np.ndarray | int, translated: np.ndarray | int,
          crossed: np.ndarray, bars: Bars) -> np.ndarray:
    """Each member's mean link to the rest of its story less the share of the rest's cohesion it needs (below
    0: it would not join them now). Per member: `sums` its links to the rest, `crossed` whether it is
    translated; of its story: `inner` the sum of its links, `size` and `translated` its counts."""
    pairs = (np.asarray(size) - 1) * (np.asarray(size) - 2) / 2
    rest = (inner - sums) / np.where(pairs > 0, pairs, 1)  # the cohesion of the others
    alike = np.where(crossed, translated, size - np.asarray(translated))  # members of its kind, itself too
    lone = (alike <= np.maximum(1, GROUP_CROSS_MINORITY * np.asarray(size))) & (size - alike >= GROUP_CROSS_MIN_SIZE)
    return sums / np.maximum(np.asarray(size) - 1, 1) - bars.join_share(lone) * rest


def _live(first: np.ndarray, second: np.ndarray, total: np.ndarray, groups: _Groups,
          bars: Bars) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The links between groups that may still merge: one with a link reaching the lowest bar (its means can
    only fall, so without one it never merges, and its links matter to no merge)."""
    mean = total / (groups.size[first] * groups.size[second])
    live = np.zeros(len(groups.into), dtype=bool)
    strong = mean >= bars.lowest
    live[first[strong]] = True
    live[second[strong]] = True
    keep = live[first] & live[second]
    return first[keep], second[keep], total[keep]


def _safe_merges(first: np.ndarray, second: np.ndarray, total: np.ndarray, groups: _Groups,
                 bars: Bars) -> np.ndarray:
    """(pairs, 3) rows (lower group, upper group, link position): groups that are each other's best link and
    pass their bar. Links come sorted by (first, second), first < second."""
    if not len(total):
        return np.zeros((0, 3), dtype=np.int64)
    n = len(groups.into)
    mean = total / (groups.size[first] * groups.size[second])
    source = np.concatenate([first, second])
    target = np.concatenate([second, first])
    value = np.concatenate([mean, mean])
    order = np.argsort(source, kind="stable")  # by group (a radix sort of integers: linear)
    source, target, value = source[order], target[order], value[order]
    starts = np.flatnonzero(np.concatenate([[True], source[1:] != source[:-1]]))
    top = np.maximum.reduceat(value, starts)
    # each group's best link, ties to the lower neighbour
    tied = np.where(value == np.repeat(top, np.diff(np.append(starts, len(source)))), target, n)
    group, best = source[starts], np.minimum.reduceat(tied, starts)
    best_of = np.full(n, -1, dtype=np.int64)
    best_of[group] = best
    chosen = (best_of[best] == group) & (group < best)
    lower, upper, means = group[chosen], best[chosen], top[chosen]
    where = np.searchsorted(first * n + second, lower * n + upper)
    passes = means >= groups.bar(lower, upper, bars)
    return np.stack([lower[passes], upper[passes], where[passes]], axis=1)


def _merge(merges: np.ndarray, first: np.ndarray, second: np.ndarray, total: np.ndarray, groups: _Groups,
           n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Carry out a round of merges (each group in one pair at most); the links between the groups after it:
    self-links dropped, each pair once (lower id first), parallel links summed."""
    lower, upper, where = merges[:, 0], merges[:, 1], merges[:, 2]
    groups.into[upper] = lower
    groups.inner[lower] += groups.inner[upper] + total[where]
    groups.size[lower] += groups.size[upper]
    groups.crossed[lower] += groups.crossed[upper]
    first, second = groups.into[first], groups.into[second]  # a merged pair lives on as its lower id
    inner = first != second
    first, second, total = first[inner], second[inner], total[inner]
    key = np.minimum(first, second) * n + np.maximum(first, second)
    order = np.argsort(key, kind="stable")
    key, total = key[order], total[order]
    if not len(key):
        return key, key, total
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    return key[starts] // n, key[starts] % n, np.add.reduceat(total, starts)


def _standing(into: np.ndarray) -> np.ndarray:
    """Each item's standing group (following the chain of merges)."""
    while True:
        onward = into[into]
        if np.array_equal(onward, into):
            return into
        into = onward


def _one_at_a_time(group_of: np.ndarray, first: np.ndarray, second: np.ndarray, total: np.ndarray,
                   groups: _Groups, bars: Bars) -> list[list[int]]:
    """The merges that are left, one pair at a time: the best pair that reaches its bar first (group.py's
    algorithm before the rounds), among the groups the rounds left; returns every story."""
    lowest = bars.lowest
    ids = sorted(set(first.tolist()) | set(second.tolist()))  # the groups that may still merge
    size = {g: float(groups.size[g]) for g in ids}
    inner = {g: float(groups.inner[g]) for g in ids}
    crossed = {g: float(groups.crossed[g]) for g in ids}
    became: dict[int, int] = {}  # a group merged here -> the group it merged into

    def bar(a: int, b: int) -> float:
        if size[a] == 1 and size[b] == 1:
            return bars.pair
        if size[a] > 1 and size[b] > 1:
            return bars.groups
        group, single = (a, b) if size[a] > 1 else (b, a)
        cohesion = inner[group] / (size[group] * (size[group] - 1) / 2)
        crossing = crossed[group] == (0 if crossed[single] else size[group])  # the only translated one, or reverse
        return float(bars.join_bar(size[group], cohesion, crossing))

    # links[a][b]: the sum of edge similarities between groups a and b
    links: dict[int, dict[int, float]] = {g: {} for g in ids}
    heap = []
    for a, b, value in zip(first.tolist(), second.tolist(), total.tolist(), strict=True):
        links[a][b] = links[b][a] = value
        mean = value / (size[a] * size[b])
        if mean >= lowest and mean >= bar(a, b):
            heap.append((-mean, a, b))
    heapq.heapify(heap)
    next_id = len(group_of)
    while heap:
        _, a, b = heapq.heappop(heap)
        if a not in size or b not in size:
            continue  # one side already merged: this entry is stale
        merged = next_id
        next_id += 1
        became[a] = became[b] = merged
        inner[merged] = inner.pop(a) + inner.pop(b) + links[a][b]
        crossed[merged] = crossed.pop(a) + crossed.pop(b)
        size[merged] = size.pop(a) + size.pop(b)
        joined: dict[int, float] = {}
        for side in (links.pop(a), links.pop(b)):
            for other, value in side.items():
                if other not in (a, b):
                    joined[other] = joined.get(other, 0.0) + value
        links[merged] = joined
        for other, value in joined.items():
            neighbour = links[other]
            neighbour.pop(a, None)
            neighbour.pop(b, None)
            neighbour[merged] = value
            mean = value / (size[merged] * size[other])
            if mean >= lowest and mean >= bar(merged, other):
                heapq.heappush(heap, (-mean, other, merged))
    final = {}
    for group in set(group_of.tolist()):
        end = group
        while end in became:
            end = became[end]
        final[group] = end
    story_of = np.array([final[g] for g in group_of.tolist()])
    order = np.argsort(story_of, kind="stable")
    cuts = np.flatnonzero(np.diff(story_of[order])) + 1
    return sorted(part.tolist() for part in np.split(order, cuts))
