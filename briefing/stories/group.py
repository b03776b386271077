"""Grouping: the week's articles into stories (articles about the same event), across outlets and languages.

Each article is seen through its title and lead in one language, its `space`: English (translated when it
was not in English) in a week of several languages, the week's own language in a week of one. Two articles
are alike by a blend of two cosines: TF-IDF over content-word stems (names, places and numbers that a story
repeats) and MiniLM sentence embeddings (the same event told in other words, or through a rough machine
translation; MiniLM was trained on English, but its word pieces carry names and cognates in French too).
A translation loses some of the words its original shares with other outlets' articles, so a pair of one
translated and one original article counts a little more. Items of different spaces (a language no engine
could translate) are never compared.

Scale: no n x n matrix is ever held. Similarities are computed a block of rows at a time (a fixed number
of cells) and each article keeps only its GROUP_NEIGHBOURS most similar others (`_neighbour_graph`): a
sparse graph with at most n x k edges.
Stories are then built by average-linkage agglomeration on that graph: the two groups with the highest
mean pairwise similarity merge, pairs outside the graph counting as 0, while they reach their bar
(`_Bars`): two groups GROUP_THRESHOLD; two single articles the stricter GROUP_PAIR_THRESHOLD (two articles
on one subject, one of a hundred in a busy week, are not yet a story); one article and a story
GROUP_JOIN_THRESHOLD and GROUP_JOIN_SHARE of the story's own cohesion (the mean similarity of its members),
so an article joins a story it is close to as a whole, not through one close member; and a translated
article joining a big story of originals only (or an original joining translations only) a larger share,
GROUP_CROSS_SHARE. Singletons stay alone; the number of stories is whatever the bars leave.

Same-domain weeks: an analyst's week is often about one country or sector, and the MiniLM vectors of its
articles then share a large common part (the domain, not the event: cosines of 0.57-0.76 between different
events). The mean vector is subtracted from every vector before the cosine, so only what sets an article
apart from the rest of its week counts. The mean is taken per original language (`_kind_means`) when a week
mixes them: translated articles read alike, and one mean between them and the originals would leave the
language in every vector. Below GROUP_CENTRE_MIN_ITEMS items that mean is mostly the items themselves (two
centred vectors are always opposite), so small batches and spaces without vectors keep the plain cosines
and the stricter GROUP_PLAIN_THRESHOLD.

One-event weeks: when a week is mostly one event, its mean is that event and centring would scatter it.
`_one_event` looks for it: plain MiniLM cosines high on average (GROUP_ONE_EVENT_COSINE), a plain grouping
whose largest story holds GROUP_ONE_EVENT_SHARE of the week, and a person or organisation named by
GROUP_ONE_EVENT_NAME_SHARE of that story's articles (an event's names recur; a same-domain week shares its
country, not its people). Such a week is grouped on plain cosines.

Determinism: the same input gives the same stories (fixed order of work, ties broken by position).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from briefing.embed import embed, leading
from briefing.log import get_logger
from briefing.records import Mention
from briefing.stories.settings import (
    GROUP_BLOCK_CELLS,
    GROUP_CENTRE_MIN_ITEMS,
    GROUP_CROSS_MIN_SIZE,
    GROUP_CROSS_SHARE,
    GROUP_EMBED_LANG,
    GROUP_EMBED_WEIGHT,
    GROUP_JOIN_SHARE,
    GROUP_JOIN_THRESHOLD,
    GROUP_LEAD_SENTENCES,
    GROUP_NEIGHBOURS,
    GROUP_ONE_EVENT_COSINE,
    GROUP_ONE_EVENT_COSINE_OTHER,
    GROUP_ONE_EVENT_NAME_MIN,
    GROUP_ONE_EVENT_NAME_SHARE,
    GROUP_ONE_EVENT_SHARE,
    GROUP_PAIR_THRESHOLD,
    GROUP_PLAIN_THRESHOLD,
    GROUP_THRESHOLD,
    GROUP_TRANSLATED_FACTOR,
    GROUP_UNTRANSLATED_EMBED_TOKENS,
)
from briefing.text.candidates import candidates
from briefing.text.entities import PLACE, name_key
from briefing.text.language import language_key
from briefing.text.terms import content_terms

__all__ = ["GroupInput", "embedding_text", "group", "group_with_vectors", "lead_text", "model_text"]

log = get_logger(__name__)

Similarities = Callable[[int, int], np.ndarray]
"""(first row, end row) -> the dense block of similarities of those rows to every item."""


@dataclass(frozen=True, slots=True)
class GroupInput:
    """What grouping sees of one article."""

    id: str
    title: str  # title in `space` ("" when the article had no real headline; then the lead carries it)
    lead: str  # lead in `space`: the first sentences (see lead_text), translated when the article's is not
    date: dt.date | None
    lang: str  # the article's own language
    publisher: str | None
    # the language title and lead are in: "en" when translated (a week of several languages), else the
    # article's own; only items of the same space are ever grouped together
    space: str
    title_en: str = ""  # the title in English, for display ("" when there is none)
    entities: tuple[Mention, ...] = ()  # the names of its title and lead (original language)


@dataclass(frozen=True, slots=True)
class _Bars:
    """What two groups need to merge: their mean similarity must reach the bar of their sizes (module
    docstring). `cross` marks translated items, for GROUP_CROSS_SHARE."""

    groups: float  # two groups of two articles or more
    pair: float  # two single articles
    join: float  # one article and a group...
    share: float = 0.0  # ...and this share of the group's cohesion
    cross: tuple[bool, ...] = ()

    @classmethod
    def plain(cls, threshold: float) -> _Bars:
        """One bar for every merge (small weeks, as before the stray rules)."""
        return cls(threshold, threshold, threshold)
    entities: tuple[Mention, ...] = ()  # the names in its title and lead (original language): evidence in any space


def lead_text(text: str, lang: str) -> str:
    """The lead grouping uses: the first GROUP_LEAD_SENTENCES usable sentences of the article (own language),
    skipping captions and boilerplate."""
    return " ".join(c.text for c in candidates(text, lang)[:GROUP_LEAD_SENTENCES])


def embedding_text(item: GroupInput) -> str:
    """The text of an item that is compared: its title, then its lead."""
    return f"{item.title.strip()}\n{item.lead.strip()}".strip()


def group(items: Sequence[GroupInput], executor: Executor | None = None) -> list[list[int]]:
    """Stories as lists of positions into `items` (each ascending; stories ordered by first position).

    Every item is in exactly one story; singletons allowed. Embeds the items with MiniLM (on the executor's
    workers when one is given).
    """
    if len(items) < 2:
        return group_with_vectors(items, None)
    return group_with_vectors(items, embed([model_text(item) for item in items], executor))


def model_text(item: GroupInput) -> str:
    """What MiniLM reads of an item: its `embedding_text`, cut to GROUP_UNTRANSLATED_EMBED_TOKENS word pieces
    when it is not English."""
    text = embedding_text(item)
    return text if language_key(item.space) == GROUP_EMBED_LANG else leading(text, GROUP_UNTRANSLATED_EMBED_TOKENS)


def group_with_vectors(items: Sequence[GroupInput], vectors: np.ndarray | None, *,
                       threshold: float = GROUP_THRESHOLD) -> list[list[int]]:
    """`group` with the MiniLM vectors of `embedding_text` of the items given (rows in item order), or None
    for TF-IDF alone; `threshold` is the least mean similarity of two groups that merge."""
    spaces: dict[str, list[int]] = {}
    for position, item in enumerate(items):
        spaces.setdefault(item.space, []).append(position)
    stories: list[list[int]] = []
    for space in sorted(spaces):
        positions = spaces[space]
        if vectors is None or (language_key(space) != GROUP_EMBED_LANG and len(positions) < GROUP_CENTRE_MIN_ITEMS):
            space_vectors = None  # plain MiniLM cosines mean something in English only; centring needs numbers
        else:
            space_vectors = vectors if len(spaces) == 1 else vectors[positions]
        for story in _group_space([items[p] for p in positions], space_vectors, threshold):
            stories.append([positions[i] for i in story])
    return sorted(stories)


def _group_space(items: Sequence[GroupInput], vectors: np.ndarray | None, threshold: float) -> list[list[int]]:
    """Stories among items that share one space."""
    if len(items) < 2:
        return [[i] for i in range(len(items))]
    if vectors is None or len(items) < GROUP_CENTRE_MIN_ITEMS:
        graph = _neighbour_graph(len(items), _similarities(items, vectors, centre=False), GROUP_NEIGHBOURS)
        return _average_linkage(len(items), graph, _Bars.plain(GROUP_PLAIN_THRESHOLD))
    one_event = _one_event(items, vectors)
    if one_event is not None:
        return one_event
    english = language_key(items[0].space) == GROUP_EMBED_LANG
    bars = _Bars(groups=threshold, pair=max(threshold, GROUP_PAIR_THRESHOLD),
                 join=max(threshold, GROUP_JOIN_THRESHOLD) if english else threshold, share=GROUP_JOIN_SHARE,
                 cross=tuple(language_key(item.lang) != language_key(item.space) for item in items))
    graph = _neighbour_graph(len(items), _similarities(items, vectors, centre=True), GROUP_NEIGHBOURS)
    return _average_linkage(len(items), graph, bars)


def _one_event(items: Sequence[GroupInput], vectors: np.ndarray) -> list[list[int]] | None:
    """The stories of a week that is mostly one event, grouped on plain cosines; None for any other week.

    Plain MiniLM cosines average GROUP_ONE_EVENT_COSINE or more (GROUP_ONE_EVENT_COSINE_OTHER outside
    English: MiniLM reads any two French texts as somewhat alike), the plain grouping's largest story holds
    GROUP_ONE_EVENT_SHARE of the week, and a person or organisation of that story is named by
    GROUP_ONE_EVENT_NAME_SHARE of its articles (and at least GROUP_ONE_EVENT_NAME_MIN): the five seeds, five
    events of one country's digital economy, average 0.66 in English but share no such name.
    """
    n = len(items)
    unit = np.asarray(vectors, dtype=np.float32)
    total = unit.sum(axis=0)
    mean_cosine = (float(total @ total) - n) / (n * (n - 1))  # the mean of u.v over distinct pairs of unit rows
    english = language_key(items[0].space) == GROUP_EMBED_LANG
    if mean_cosine < (GROUP_ONE_EVENT_COSINE if english else GROUP_ONE_EVENT_COSINE_OTHER):
        return None
    graph = _neighbour_graph(n, _similarities(items, vectors, centre=False), GROUP_NEIGHBOURS)
    bars = _Bars(GROUP_PLAIN_THRESHOLD, GROUP_PLAIN_THRESHOLD, GROUP_PLAIN_THRESHOLD, share=GROUP_JOIN_SHARE)
    stories = _average_linkage(n, graph, bars)
    largest = max(stories, key=len)
    if len(largest) < GROUP_ONE_EVENT_SHARE * n or _name_share(items, largest) < GROUP_ONE_EVENT_NAME_SHARE:
        return None
    log.info("%d of %d articles look like one event: grouped without centring", len(largest), n)
    return stories


def _name_share(items: Sequence[GroupInput], positions: Sequence[int]) -> float:
    """The share of these items naming the person or organisation (any name but a place) most of them name;
    0 when fewer than GROUP_ONE_EVENT_NAME_MIN do."""
    named = Counter(key for p in positions
                    for key in {name_key(m.name) for m in items[p].entities if m.type != PLACE})
    most = max(named.values(), default=0)
    return most / len(positions) if most >= GROUP_ONE_EVENT_NAME_MIN else 0.0


def _similarities(items: Sequence[GroupInput], vectors: np.ndarray | None, *, centre: bool) -> Similarities:
    """Blocks of the blended similarity, never the whole n x n matrix; `centre`: the MiniLM cosine is that of
    the vectors less the mean of their kind (`_kind_means`; computed from dot products, so no centred
    copy of the vectors is held)."""
    lang = items[0].space
    words = [list(content_terms(embedding_text(item), lang).elements()) for item in items]
    if any(words):
        vectorizer = TfidfVectorizer(analyzer=lambda terms: terms, sublinear_tf=True, dtype=np.float32)
        terms = sparse.csr_matrix(vectorizer.fit_transform(words))
    else:  # nothing but stop words, or empty texts: no word in common
        terms = sparse.csr_matrix((len(items), 0), dtype=np.float32)
    transposed = terms.T.tocsr()
    if vectors is None:
        return lambda lo, hi: (terms[lo:hi] @ transposed).toarray()
    weight = np.float32(GROUP_EMBED_WEIGHT)
    translated = np.array([language_key(item.lang) != language_key(item.space) for item in items])
    boost = np.float32(GROUP_TRANSLATED_FACTOR)
    mixed = bool(translated.any() and not translated.all())
    mute = np.array([not w for w in words])  # nothing but stop words: no evidence (two empty texts embed alike)
    unit = np.asarray(vectors, dtype=np.float32)
    if centre:
        kind, means = _kind_means(items, unit)
    else:
        kind, means = np.zeros(len(items), dtype=int), np.zeros((1, unit.shape[1]), dtype=np.float32)
    # (u - m).(v - n) = u.v - u.n - m.v + m.n, and |u - m| from the same terms: no centred copy of the vectors
    along = unit @ means.T  # n x kinds
    gram = means @ means.T
    own = along[np.arange(len(items)), kind]
    norms = np.sqrt(np.maximum(np.einsum("ij,ij->i", unit, unit) - 2 * own + gram[kind, kind], np.float32(1e-12)))

    def blend(lo: int, hi: int) -> np.ndarray:
        block = unit[lo:hi] @ unit.T
        if centre:
            block -= along[lo:hi][:, kind]
            block -= along[:, kind[lo:hi]].T
            block += gram[kind[lo:hi]][:, kind]
            block /= norms[lo:hi, None]
            block /= norms[None, :]
        block *= weight
        block += (1 - weight) * (terms[lo:hi] @ transposed).toarray()
        if mixed:
            np.multiply(block, boost, out=block, where=translated[lo:hi, None] != translated[None, :])
        if mute.any():
            block[mute[lo:hi]] = 0
            block[:, mute] = 0
        return block

    return blend


def _kind_means(items: Sequence[GroupInput], unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean each vector is centred on: each item's kind (a row of the first array), and the kinds' means.

    Each original language with GROUP_CENTRE_MIN_ITEMS items or more is a kind of its own when the space
    holds several (translated articles read alike, and one mean between them and the originals leaves the
    language in every vector: the 30 DUC stories with 300 translated French articles, BCubed precision
    0.82 -> 0.89); the rest share the space's mean (kind 0).
    """
    languages = [language_key(item.lang) for item in items]
    counts = Counter(languages)
    own = sorted(lang for lang, count in counts.items() if GROUP_CENTRE_MIN_ITEMS <= count < len(items))
    kind = np.array([own.index(lang) + 1 if lang in own else 0 for lang in languages])
    means = np.stack([unit.mean(axis=0), *(unit[kind == k].mean(axis=0) for k in range(1, len(own) + 1))])
    return kind, means.astype(np.float32)


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


def _average_linkage(n: int, graph: sparse.csr_matrix, bars: _Bars) -> list[list[int]]:
    """Average-linkage agglomeration on a sparse graph (pairs without an edge count as similarity 0), each
    merge held to the bar of its sizes (`_Bars`)."""
    size = dict.fromkeys(range(n), 1)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    inner = dict.fromkeys(range(n), 0.0)  # the sum of the edge similarities inside each group
    crossed = {i: int(bool(bars.cross) and bars.cross[i]) for i in range(n)}  # its translated items

    def bar(a: int, b: int) -> float:
        if size[a] == 1 and size[b] == 1:
            return bars.pair
        if size[a] > 1 and size[b] > 1:
            return bars.groups
        group, single = (a, b) if size[a] > 1 else (b, a)
        cohesion = inner[group] / (size[group] * (size[group] - 1) / 2)
        share = bars.share
        if size[group] >= GROUP_CROSS_MIN_SIZE and crossed[group] in ((0,) if crossed[single] else (size[group],)):
            share = max(share, GROUP_CROSS_SHARE)  # the only translated article of a big story, or the reverse
        return max(bars.join, share * cohesion)

    # links[a][b]: the sum of edge similarities between groups a and b
    links: dict[int, dict[int, float]] = {
        i: dict(zip(graph.indices[graph.indptr[i] : graph.indptr[i + 1]].tolist(),
                    graph.data[graph.indptr[i] : graph.indptr[i + 1]].tolist(), strict=True))
        for i in range(n)
    }
    heap = [(-value, a, b) for a in range(n) for b, value in links[a].items() if a < b and value >= bars.pair]
    heapq.heapify(heap)
    next_id = n
    while heap:
        _, a, b = heapq.heappop(heap)
        if a not in size or b not in size:
            continue  # one side already merged: this entry is stale
        merged = next_id
        next_id += 1
        inner[merged] = inner.pop(a) + inner.pop(b) + links[a][b]
        crossed[merged] = crossed.pop(a) + crossed.pop(b)
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
            if mean >= bar(merged, other):
                heapq.heappush(heap, (-mean, other, merged))
    return sorted(sorted(group) for group in members.values())
