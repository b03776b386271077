"""Grouping articles by theme: named sections from a taxonomy file, or discovered clusters with readable labels.

Both modes work on English text (title + summary) and compute each article's vector once
(MiniLM, `briefing.embed`). The batch being themed then refines itself, without any labels:

- Taxonomy mode starts from each theme's description (plus its keyword hints) and runs a few rounds of
  EM over the week's own articles: theme centroids move towards the articles they attract, and a small
  word model learnt from the same articles adds the words that mark each theme. Descriptions stay anchored
  so a week cannot drift a theme away (weeks under 30 articles are too small to learn from and use plain
  similarity). An article far from every theme, as described and as seen in the week, goes to "Other".
- Auto mode runs k-means and bisecting k-means several times on the batch's main directions, refines each
  run the same way, and combines the runs (a consensus), which is both better and far more stable than one
  k-means. The number of themes is chosen by silhouette unless given. Each theme is labelled with its most
  distinctive words or phrases ("Prices & stocks").
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from briefing.embed import embed
from briefing.errors import BadInput, BadThemesFile
from briefing.log import get_logger
from briefing.records import Section, Story, Theme
from briefing.settings import (
    AUTO_CONSENSUS_RUNS,
    AUTO_K_MAX,
    AUTO_K_MIN_LARGE,
    AUTO_LARGE_WEEK,
    AUTO_START_DIMENSIONS,
    CENTER_MIN_ARTICLES,
    KEYWORD_BONUS,
    KEYWORD_BONUS_CAP,
    LABEL_TERMS,
    MAX_SECTIONS,
    NEWS_FILLER_WORDS,
    OTHER_MIN_SIMILARITY,
    OTHER_THEME,
    REFINE_ANCHOR,
    REFINE_MIN_ARTICLES,
    REFINE_NEIGHBOUR_SHARE,
    REFINE_NEIGHBOURS,
    REFINE_ROUNDS,
    REFINE_TEMPERATURE,
    REFINE_WORD_SMOOTHING,
    REFINE_WORD_WEIGHT,
    SECTION_KEYWORDS,
    TEMPLATES_DIR,
    THEME_SEED,
    TINY_THEME_SHARE,
)

log = get_logger(__name__)

DEFAULT_THEMES_FILE: Path = TEMPLATES_DIR / "themes.toml"
_WORD = r"(?u)\b[^\W\d_][\w-]*[^\W_]\b"  # two or more characters starting with a letter: no "2025", no "200"
_THEME_KEYS = ("name", "description", "keywords")
_FORMAT_HINT = 'each theme is a [[theme]] table with name = "…", optional description = "…" and keywords = ["…"]'


@dataclasses.dataclass(frozen=True, slots=True)
class Taxonomy:
    """A themes file: its themes, and the similarity below which an article fits none of them."""

    themes: tuple[Theme, ...]
    min_similarity: float = OTHER_MIN_SIMILARITY


@dataclasses.dataclass(frozen=True, slots=True)
class Assignment:
    """The themes found for a batch of texts: one theme name and score per text, plus each theme's keywords."""

    themes: tuple[str, ...]
    scores: tuple[float, ...]
    keywords: dict[str, tuple[str, ...]]


# --- the themes file --------------------------------------------------------------------


def load_themes(path: Path) -> tuple[Theme, ...]:
    """The themes of a TOML file of [[theme]] tables; raises BadThemesFile naming the file and the problem."""
    return load_taxonomy(path).themes


def load_taxonomy(path: Path) -> Taxonomy:
    """The themes file with its optional top-level `min_similarity`; raises BadThemesFile like `load_themes`."""
    path = Path(path)

    def bad(reason: str) -> BadThemesFile:
        return BadThemesFile(f"themes file {path}: {reason}")

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise bad(f"no such file (give an existing file, or copy {DEFAULT_THEMES_FILE})") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise bad(f"cannot be read ({exc.__class__.__name__}); it must be a UTF-8 TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise bad(f"not valid TOML ({exc}); {_FORMAT_HINT}") from None
    unknown = sorted(set(data) - {"theme", "min_similarity"})
    if unknown:
        raise bad(f"unknown top-level key {unknown[0]!r} (allowed: theme, min_similarity)")
    min_similarity = data.get("min_similarity", OTHER_MIN_SIMILARITY)
    if isinstance(min_similarity, bool) or not isinstance(min_similarity, int | float) or not -1 <= min_similarity <= 1:
        raise bad("min_similarity must be a number from -1 to 1 (a cosine similarity)")
    entries = data.get("theme")
    if not isinstance(entries, list) or not entries:
        raise bad(f"no [[theme]] found; {_FORMAT_HINT}")
    themes: list[Theme] = []
    for number, entry in enumerate(entries, 1):
        themes.append(_parse_theme(entry, number, bad))
    names = [t.name for t in themes]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise bad(f"theme name {duplicates[0]!r} is used twice; names must be unique")
    return Taxonomy(themes=tuple(themes), min_similarity=float(min_similarity))


def _parse_theme(entry: Any, number: int, bad: Callable[[str], BadThemesFile]) -> Theme:
    where = f"theme {number}"
    if not isinstance(entry, dict):
        raise bad(f"{where} is not a table; {_FORMAT_HINT}")
    unknown = sorted(set(entry) - set(_THEME_KEYS))
    if unknown:
        raise bad(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(_THEME_KEYS)})")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad(f"{where} has no name; add name = \"…\"")
    where = f"theme {number} ({name.strip()!r})"
    description = entry.get("description", "")
    if not isinstance(description, str):
        raise bad(f"{where}: description must be a string")
    keywords = entry.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
        raise bad(f"{where}: keywords must be a list of non-empty strings")
    return Theme(name=name.strip(), description=description.strip(), keywords=tuple(k.strip() for k in keywords))


# --- shared numerics --------------------------------------------------------------------


def _normalize(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.asarray(matrix / np.where(norms == 0, 1.0, norms), dtype=np.float64)


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True))


def _word_counts(
    texts: Sequence[str], ngrams: tuple[int, int] = (1, 1), stop_words: frozenset[str] | None = None,
    binary: bool = True,
) -> tuple[sparse.csr_matrix, list[str]]:
    """Document-term matrix of the batch (English stop words out; by default 0/1) and its vocabulary."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    min_df = 2 if len(texts) >= REFINE_MIN_ARTICLES else 1  # a word seen once says nothing about a theme
    try:
        vectorizer = CountVectorizer(
            min_df=min_df, stop_words=sorted(stop_words or ENGLISH_STOP_WORDS), binary=binary, dtype=np.float64,
            token_pattern=_WORD, ngram_range=ngrams,
        )
        counts = vectorizer.fit_transform(texts)
    except ValueError:  # no word survives (empty texts, only stop words)
        return sparse.csr_matrix((len(texts), 0)), []
    return sparse.csr_matrix(counts), list(vectorizer.get_feature_names_out())


def _refine(
    vectors: np.ndarray, counts: sparse.csr_matrix, start: np.ndarray, neighbours: np.ndarray | None,
    anchors: np.ndarray | None = None, bonus: np.ndarray | None = None,
) -> np.ndarray:
    """EM over the batch: theme centroids and a word model from soft memberships, then new memberships.

    `start` holds the first memberships (rows sum to 1); `anchors` are pseudo-articles (the descriptions)
    that each theme's centroid keeps, with weight REFINE_ANCHOR; `neighbours` (from `_neighbours`) smooth
    the memberships over the batch's nearest-neighbour graph.
    """
    members = start
    extra = bonus / REFINE_TEMPERATURE if bonus is not None else 0.0
    for _ in range(REFINE_ROUNDS):
        centroids = members.T @ vectors
        if anchors is not None:
            centroids = centroids + REFINE_ANCHOR * anchors
        scores = vectors @ _normalize(centroids).T / REFINE_TEMPERATURE + extra
        if counts.shape[1]:
            word_counts = np.asarray(counts.T @ members).T + REFINE_WORD_SMOOTHING
            log_probs = np.log(word_counts / word_counts.sum(axis=1, keepdims=True))
            scores = scores + REFINE_WORD_WEIGHT * np.asarray(counts @ log_probs.T)
        scores = scores + np.log(members.mean(axis=0) + 1e-9)  # theme sizes as a prior
        members = _softmax(scores)
        if neighbours is not None:  # an article's nearest neighbours usually share its theme
            members = (1 - REFINE_NEIGHBOUR_SHARE) * members + REFINE_NEIGHBOUR_SHARE * members[neighbours].mean(axis=1)
    return members


def _neighbours(vectors: np.ndarray) -> np.ndarray | None:
    """Each row's REFINE_NEIGHBOURS nearest rows by cosine (itself excluded); None for a small batch."""
    if len(vectors) < REFINE_MIN_ARTICLES:
        return None
    from sklearn.neighbors import NearestNeighbors

    count = min(REFINE_NEIGHBOURS, len(vectors) - 1)
    index = NearestNeighbors(n_neighbors=count + 1, algorithm="brute").fit(vectors)
    found = index.kneighbors(vectors, return_distance=False)
    return np.asarray([[j for j in row if j != i][:count] for i, row in enumerate(found)])


def _one_blas_thread() -> Any:
    """A context in which numpy and scikit-learn use one thread (BLAS and OpenMP).

    The matrices here are small (articles × 384): threads only add start-up cost, and on a busy machine
    a spinning thread pool made one 1600 × 384 product a hundred times slower.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _batch_vectors(vectors: np.ndarray) -> np.ndarray:
    """Vectors centred on the batch mean (what the week has in common says nothing about its themes)."""
    if len(vectors) < CENTER_MIN_ARTICLES:
        return np.asarray(vectors, dtype=np.float64)
    return _normalize(vectors - vectors.mean(axis=0))


# --- distinctive terms and labels ---------------------------------------------------------


def _distinctive_terms(counts: sparse.csr_matrix, vocab: list[str], members: np.ndarray) -> list[list[str]]:
    """For each theme, its terms most over-represented against the whole batch (smoothed log-odds × frequency)."""
    if not vocab:
        return [[] for _ in range(members.shape[1])]
    in_theme = np.asarray(counts.T @ members).T + REFINE_WORD_SMOOTHING  # themes × terms
    overall = np.asarray(counts.sum(axis=0)).ravel() + REFINE_WORD_SMOOTHING
    share = in_theme / in_theme.sum(axis=1, keepdims=True)
    lift = np.log(share / (overall / overall.sum()))
    weight = lift * np.log1p(in_theme - REFINE_WORD_SMOOTHING)  # distinctive and also frequent
    words = np.array([term.count(" ") + 1 for term in vocab])
    order = np.stack([np.lexsort((-words, -row)) for row in weight])[:, : 4 * SECTION_KEYWORDS]  # ties: phrases
    return [[vocab[j] for j in row if weight[i, j] > 0] for i, row in enumerate(order)]


def _theme_keywords(texts: Sequence[str], members: np.ndarray) -> list[tuple[str, ...]]:
    """Each theme's SECTION_KEYWORDS most distinctive words or two-word phrases, as spelt in the texts.

    A phrase hides the words inside it ("oil prices" rather than "oil" and "prices").
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    counts, vocab = _word_counts(
        texts, ngrams=(1, 2), stop_words=ENGLISH_STOP_WORDS | NEWS_FILLER_WORDS, binary=False,
    )
    forms = _surface_forms(texts)
    keywords = []
    for terms in _distinctive_terms(counts, vocab, members):
        chosen: list[str] = []
        for term in terms:
            words = set(term.split())
            if any(words & set(c.split()) for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == SECTION_KEYWORDS:
                break
        keywords.append(tuple(" ".join(forms.get(w, w) for w in term.split()) for term in chosen))
    return keywords


def _surface_forms(texts: Sequence[str]) -> dict[str, str]:
    """The most common spelling of each lower-cased word ("iraq" → "Iraq", "oil" → "oil")."""
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        for word in re.findall(_WORD, text):
            forms.setdefault(word.lower(), Counter())[word] += 1
    # the commonest spelling, but not SHOUTED datelines ("ATHENS (Reuters)") when another spelling exists
    return {low: max(sorted(c), key=lambda w: (not w.isupper(), c[w])) for low, c in forms.items()}


def _label(words: Sequence[str], taken: set[str]) -> str:
    """A short English label from a theme's distinctive terms: "Oil prices & OPEC"; unique among `taken`."""
    if not words:
        return "Miscellaneous"
    label = ""
    for count in range(min(LABEL_TERMS, len(words)), len(words) + 1):  # a theme may have a single term
        label = " & ".join(words[:count])
        label = label[0].upper() + label[1:]
        if label not in taken:
            return label
    suffix = 2
    while f"{label} ({suffix})" in taken:
        suffix += 1
    return f"{label} ({suffix})"


# --- the two modes ----------------------------------------------------------------------


def _keyword_hits(texts: Sequence[str], themes: Sequence[Theme]) -> np.ndarray:
    hits = np.zeros((len(texts), len(themes)))
    for j, theme in enumerate(themes):
        for keyword in theme.keywords:
            # whole words only; an all-caps keyword ("AI", "5G") must match its case
            flags = 0 if keyword.isupper() else re.IGNORECASE
            pattern = re.compile(rf"(?<!\w){re.escape(keyword)}(?!\w)", flags)
            hits[:, j] += [bool(pattern.search(text)) for text in texts]
    return np.minimum(hits, KEYWORD_BONUS_CAP)


def _theme_text(theme: Theme) -> str:
    return theme.description or theme.name


def assign_taxonomy(
    texts: Sequence[str], themes: Sequence[Theme], vectors: np.ndarray | None = None,
    min_similarity: float = OTHER_MIN_SIMILARITY,
) -> Assignment:
    """Each text's best theme by meaning (refined over the batch), or "Other" when none reaches `min_similarity`.

    The score is the text's cosine with its theme as described (plus keyword hints) or, when the batch is
    large enough to refine, with the theme as it appears in this batch (its articles' centre), whichever is
    higher: a sports story can be far from "Sports: games, matches…" and still sit among this week's
    sports stories.
    """
    names = [t.name for t in themes]
    if not len(texts):  # nothing to assign: no need to load the model
        return Assignment((), (), {name: () for name in names})
    vectors = embed(texts) if vectors is None else vectors
    theme_vectors = embed([_theme_text(t) for t in themes]).astype(np.float64)
    bonus = KEYWORD_BONUS * _keyword_hits(texts, themes)
    similarity = vectors @ theme_vectors.T + bonus
    if len(texts) >= REFINE_MIN_ARTICLES:
        mean = vectors.mean(axis=0)
        batch = _normalize(vectors - mean)
        anchors = _normalize(theme_vectors - mean)
        start = _softmax((batch @ anchors.T + bonus) / REFINE_TEMPERATURE)
        with _one_blas_thread():
            members = _refine(batch, _word_counts(texts)[0], start, _neighbours(batch), anchors=anchors, bonus=bonus)
            chosen = members.argmax(axis=1)
            centres = _normalize(np.eye(len(themes))[chosen].T @ vectors)
            similarity = np.maximum(similarity, vectors @ centres.T + bonus)
    else:
        chosen = similarity.argmax(axis=1)
    scores = similarity[np.arange(len(texts)), chosen]
    fits = scores >= min_similarity
    assigned = tuple(names[c] if fit else OTHER_THEME for c, fit in zip(chosen, fits, strict=True))
    terms = _theme_keywords(texts, np.eye(len(themes))[chosen] * fits[:, None])
    keywords = {name: terms[j] for j, name in enumerate(names)}
    return Assignment(themes=assigned, scores=tuple(round(float(x), 4) for x in scores), keywords=keywords)


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
    return _normalize(PCA(n_components=dimensions, svd_solver="full").fit_transform(batch))


def _discover(batch: np.ndarray, counts: sparse.csr_matrix, k: int) -> np.ndarray:
    """Soft memberships in k themes: refined clusterings, combined by a k-means over their memberships.

    The starting clusterings come from k-means and from bisecting k-means (half each) on the batch's main
    directions; each is then refined on the full vectors and the words. The two start from different
    mistakes (k-means cuts a big, tight story such as the Olympics in two; bisecting splits the widest
    group first), so their consensus is steadier from one week to the next than either alone.
    """
    if k <= 1:
        return np.ones((len(batch), 1))
    neighbours = _neighbours(batch)
    reduced = _main_directions(batch)
    half = max(1, AUTO_CONSENSUS_RUNS // 2)
    starts = [_kmeans(reduced, k, THEME_SEED + run, n_init=1) for run in range(half)]
    starts += [_bisecting_kmeans(reduced, k, THEME_SEED + run) for run in range(half)]
    runs = [_refine(batch, counts, np.eye(k)[start], neighbours) for start in starts]
    consensus = _kmeans(np.hstack(runs), k, THEME_SEED, n_init=10)
    return _refine(batch, counts, np.eye(k)[consensus], neighbours)


def assign_auto(texts: Sequence[str], k: int | None = None, vectors: np.ndarray | None = None) -> Assignment:
    """Themes discovered in the batch (k of them, or chosen by silhouette), each with a readable English label.

    The score is the cosine between the text and its theme's centroid.
    """
    vectors = embed(texts) if vectors is None else vectors
    n = len(texts)
    if n == 0:
        return Assignment((), (), {})
    batch = _batch_vectors(vectors)
    counts, _ = _word_counts(texts)
    with _one_blas_thread():
        k = min(k, n) if k is not None else (choose_k(batch) if n >= 3 else 1)
        members = _discover(batch, counts, k)
    chosen = members.argmax(axis=1)
    used = sorted(set(chosen.tolist()))
    one_hot = np.eye(members.shape[1])[chosen][:, used]
    centroids = _normalize(one_hot.T @ vectors)
    terms = _theme_keywords(texts, one_hot)
    names: list[str] = []
    for theme_terms in terms:
        names.append(_label(theme_terms, set(names)))
    index = {c: i for i, c in enumerate(used)}
    assigned = tuple(names[index[c]] for c in chosen)
    scores = tuple(round(float(vectors[i] @ centroids[index[c]]), 4) for i, c in enumerate(chosen))
    keywords = dict(zip(names, terms, strict=True))
    log.info("found %d theme(s): %s", len(names), "; ".join(names))
    return Assignment(themes=assigned, scores=scores, keywords=keywords)


def assign(texts: Sequence[str], *, themes_file: Path | None, auto: bool, k: int | None) -> Assignment:
    """Theme every text: discovered clusters with `auto`, else the taxonomy (the default one without a file)."""
    if auto:
        return assign_auto(texts, k)
    taxonomy = load_taxonomy(themes_file or DEFAULT_THEMES_FILE)
    return assign_taxonomy(texts, taxonomy.themes, min_similarity=taxonomy.min_similarity)


# --- the stage's public functions ---------------------------------------------------------


def theme_records(
    records: list[dict[str, Any]], *, field: str, themes_file: Path | None, auto: bool, k: int | None,
) -> list[dict[str, Any]]:
    """Copies of the records with "theme" and "theme_score" added (for `briefing themes`).

    Raises BadInput naming the record whose `field` is missing or not text, BadThemesFile for a bad file.
    """
    texts = []
    for number, record in enumerate(records, 1):
        value = record.get(field)
        if not isinstance(value, str):
            problem = "has no" if value is None else "has a non-text"
            raise BadInput(f"record {number} {problem} {field!r} field; choose the text field with --field")
        texts.append(value)
    result = assign(texts, themes_file=themes_file, auto=auto, k=k)
    return [
        {**record, "theme": theme, "theme_score": score}
        for record, theme, score in zip(records, result.themes, result.scores, strict=True)
    ]


def story_text(story: Story) -> str:
    """The English text a story is themed on: its title and summary in English; for a story listed in one line
    (its summary untranslated), the English text it was grouped on (the same text reuses its vector) or else
    its English title alone; its originals when nothing was translated."""
    if story.context_en and not story.summary_en:
        return story.context_en
    if story.title_en and not story.summary_en:
        return story.title_en.strip()
    title = (story.title_en or story.title).strip().rstrip(".")
    summary = (story.summary_en or story.summary).strip()
    return f"{title}. {summary}" if summary else title


def group_stories(
    stories: Sequence[Story], *, themes_file: Path | None, auto: bool, k: int | None,
) -> list[Section]:
    """Every story themed (theme and theme_score set), in sections: the theme with most stories first, tiny
    themes merged into "Other", which comes last; each section's stories in rank order."""
    stories = list(stories)
    if not stories:
        return []
    result = assign([story_text(s) for s in stories], themes_file=themes_file, auto=auto, k=k)
    themed = [
        dataclasses.replace(s, theme=theme, theme_score=score)
        for s, theme, score in zip(stories, result.themes, result.scores, strict=True)
    ]
    return _sections(themed, result.keywords)


def _sections(stories: list[Story], keywords: dict[str, tuple[str, ...]]) -> list[Section]:
    """Group by theme, merge tiny themes and those beyond MAX_SECTIONS into "Other", order by importance."""
    by_theme: dict[str, list[Story]] = {}
    for story in stories:
        by_theme.setdefault(story.theme, []).append(story)

    def importance(name: str) -> tuple[int, int, str]:
        group = by_theme[name]
        return (-len(group), min(s.rank for s in group), name)

    tiny = max(1, math.ceil(TINY_THEME_SHARE * len(stories)))
    named = sorted((n for n in by_theme if n != OTHER_THEME), key=importance)
    kept = [n for n in named if len(by_theme[n]) >= tiny][:MAX_SECTIONS]
    other = [s for n in by_theme if n not in kept for s in by_theme[n]]
    if other:
        merged = sorted({s.theme for s in other} - {OTHER_THEME})
        if merged:
            log.info("merged small theme(s) into %s: %s", OTHER_THEME, ", ".join(merged))
        other = [dataclasses.replace(s, theme=OTHER_THEME) for s in other]

    def ordered(group: list[Story]) -> tuple[Story, ...]:
        return tuple(sorted(group, key=lambda s: (s.rank, s.id)))

    sections = [Section(theme=n, stories=ordered(by_theme[n]), keywords=keywords.get(n, ())) for n in kept]
    if other:
        sections.append(Section(theme=OTHER_THEME, stories=ordered(other)))
    return sections
