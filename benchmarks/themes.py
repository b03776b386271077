"""Theme quality and speed on AG News (../shared/eval/agnews_dev.csv), ours against three baselines.

    python benchmarks/themes.py [--data CSV] [--limit N] [--repeat R] [--subsets N]

Text = title + ". " + description; labels 1 World, 2 Sports, 3 Business, 4 Sci/Tech.
Rows:
- TF-IDF + k-means (k=4)                      classic vectors, no model
- MiniLM + k-means (k=4)                      the same embeddings as ours, plain k-means
- MiniLM zero-shot                            nearest one-line description (benchmarks/agnews_themes.toml)
- ours, taxonomy (agnews_themes.toml)         briefing.themes.taxonomy.assign_taxonomy
- ours, auto --k 4 / ours, auto (k chosen)    briefing.themes.discover.assign_auto
- labels used: MiniLM [+ words]               not a method: a 5-fold logistic regression trained on the labels,
                                              how far the vectors (and TF-IDF words) separate the categories
Accuracy only for taxonomy rows ("Other" counts as wrong); NMI and ARI from scikit-learn for every row.
Speed: the model is loaded once (as in a run); embedding the texts once with MiniLM is the baseline time,
median of --repeat runs; each MiniLM row costs that embedding plus its own work (median of --repeat runs),
and "× embed" is that total over the embedding alone (the issue's bar: ≤ 1.2).

Stability (--subsets N, N > 0): the bars are checked on held-out rows, so one number on the dev file is
not enough. The same vectors are then scored on parts of the file: every contiguous block of 400 and of
800 rows (AG News rows come roughly in date order, so blocks differ in their news: the first 800 hold
the Athens Olympics), and N random subsets each of 800 and 1200 rows (seeded). For each part it prints
the MiniLM baselines and ours (taxonomy accuracy, auto --k 4 NMI, auto NMI), then per size the mean and
the minimum, with the issue's bar beside them.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, adjusted_rand_score, normalized_mutual_info_score
from sklearn.model_selection import cross_val_predict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing import themes  # noqa: E402
from briefing.embed import embed, forget, use_cache  # noqa: E402
from briefing.themes.discover import assign_auto  # noqa: E402
from briefing.themes.taxonomy import assign_taxonomy  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "agnews_dev.csv"
THEMES_FILE = ROOT / "benchmarks" / "agnews_themes.toml"
LABELS = {"1": "World", "2": "Sports", "3": "Business", "4": "Sci/Tech"}
SEED = 0
BLOCK_SIZES = (400, 800)  # contiguous parts: a small and a large week
RANDOM_SIZES = (800, 1200)  # random parts: a mix of dates, closer to a held-out sample
BARS = {"taxonomy acc": 0.85, "auto --k 4 NMI": 0.65, "auto NMI": 0.55}  # issue 6


def read_agnews(path: Path, limit: int | None) -> tuple[list[str], list[str]]:
    """Texts (title + ". " + description) and label names."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:limit]
    texts = [f"{r['title'].strip()}. {r['description'].strip()}" for r in rows]
    return texts, [LABELS[r["label"]] for r in rows]


def timed(func: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    """The result of the last call and the median wall time of `repeat` calls."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def tfidf_kmeans(texts: list[str]) -> np.ndarray:
    """Baseline: TF-IDF vectors of the batch, k-means with k = 4."""
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    return np.asarray(KMeans(n_clusters=4, n_init=10, random_state=SEED).fit(matrix).labels_)


def minilm_kmeans(vectors: np.ndarray) -> np.ndarray:
    """Baseline: k-means with k = 4 on the MiniLM vectors."""
    return np.asarray(KMeans(n_clusters=4, n_init=10, random_state=SEED).fit(vectors).labels_)


def zero_shot(vectors: np.ndarray, descriptions: list[str]) -> np.ndarray:
    """Baseline: each text's nearest description by cosine."""
    return np.asarray((vectors @ embed(descriptions).T).argmax(axis=1))


def supervised(vectors: np.ndarray, texts: list[str], labels: list[str], *, words: bool) -> np.ndarray:
    """Reference that uses the labels: each item's label predicted by a logistic regression trained on the
    other four fifths (5-fold), on the MiniLM vectors, or on them and the TF-IDF words side by side. It tells
    how far the vectors (and words) themselves separate the categories: the ceiling of a method without labels."""
    features: Any = vectors
    if words:
        tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2).fit_transform(texts)
        features = sparse.hstack([sparse.csr_matrix(vectors), 2 * tfidf]).tocsr()
    model = LogisticRegression(max_iter=2000)
    return np.asarray(cross_val_predict(model, features, np.asarray(labels), cv=5))


def subsets(total: int, count: int) -> list[tuple[str, np.ndarray]]:
    """Named row sets: contiguous blocks of BLOCK_SIZES, `count` random draws of each of RANDOM_SIZES."""
    parts = [
        (f"rows {start}-{start + size - 1}", np.arange(start, start + size))
        for size in BLOCK_SIZES for start in range(0, total - size + 1, size)
    ]
    rng = np.random.default_rng(SEED)
    for size in RANDOM_SIZES:
        if size < total:
            draws = [np.sort(rng.choice(total, size, replace=False)) for _ in range(count)]
            parts += [(f"random {size} #{i + 1}", rows) for i, rows in enumerate(draws)]
    return parts


def stability(
    texts: list[str], labels: list[str], vectors: np.ndarray, taxonomy: tuple[Any, ...], count: int,
) -> None:
    """Print the scores of the baselines and ours on each subset, then mean and minimum per size."""
    names = [t.name for t in taxonomy]
    descriptions = [t.description or t.name for t in taxonomy]
    header = ("k-means NMI", "zero-shot acc", "taxonomy acc", "auto --k 4 NMI", "auto NMI")
    print(f"\nStability over parts of the file ({len(texts)} rows; ours against the MiniLM baselines)")
    print(f"{'part':<18} {'size':>5} " + " ".join(f"{h:>14}" for h in header))
    by_size: dict[str, list[tuple[float, ...]]] = {}
    for name, rows in subsets(len(texts), count):
        part_texts, part_labels, part_vectors = [texts[i] for i in rows], [labels[i] for i in rows], vectors[rows]
        taxonomy_themes = assign_taxonomy(part_texts, taxonomy, vectors=part_vectors).themes
        auto_k4 = assign_auto(part_texts, 4, vectors=part_vectors).themes
        auto = assign_auto(part_texts, None, vectors=part_vectors).themes
        scores = (
            normalized_mutual_info_score(part_labels, minilm_kmeans(part_vectors)),
            accuracy_score(part_labels, [names[i] for i in zero_shot(part_vectors, descriptions)]),
            accuracy_score(part_labels, taxonomy_themes),
            normalized_mutual_info_score(part_labels, auto_k4),
            normalized_mutual_info_score(part_labels, auto),
        )
        kind = "block" if name.startswith("rows") else "random"
        by_size.setdefault(f"{kind} {len(rows)}", []).append(scores)
        print(f"{name:<18} {len(rows):>5} " + " ".join(f"{x:>14.3f}" for x in scores), flush=True)
    print(f"{'summary':<18} {'parts':>5} " + " ".join(f"{h:>14}" for h in header))
    for group, table in by_size.items():
        matrix = np.array(table)
        for stat, values in (("mean", matrix.mean(axis=0)), ("min", matrix.min(axis=0))):
            print(f"{group + ' ' + stat:<18} {len(table):>5} " + " ".join(f"{x:>14.3f}" for x in values))
    print("bars: " + ", ".join(f"{name} ≥ {bar}" for name, bar in BARS.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="AG News CSV: label,title,description")
    parser.add_argument("--limit", type=int, default=None, help="only the first N rows")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per row (median)")
    parser.add_argument("--subsets", type=int, default=0, help="also score N random subsets per size, and blocks")
    args = parser.parse_args()

    texts, labels = read_agnews(args.data, args.limit)
    taxonomy = themes.load_themes(THEMES_FILE)
    names = [t.name for t in taxonomy]
    embed(["warm-up: the model loads once per run"])
    with use_cache(False):  # every timed run computes its vectors (the cache, or this process's memory of them,
        vectors, embed_time = timed(lambda: (forget(), embed(texts))[1], args.repeat)  # would hand them back)

    rows: list[tuple[str, list[str] | np.ndarray, float, bool]] = []  # name, predicted, seconds, is_taxonomy
    predicted, seconds = timed(lambda: tfidf_kmeans(texts), args.repeat)
    rows.append(("TF-IDF + k-means (k=4)", predicted, seconds, False))
    predicted, seconds = timed(lambda: minilm_kmeans(vectors), args.repeat)
    rows.append(("MiniLM + k-means (k=4)", predicted, embed_time + seconds, False))
    descriptions = [t.description or t.name for t in taxonomy]
    predicted, seconds = timed(lambda: zero_shot(vectors, descriptions), args.repeat)
    rows.append(("MiniLM zero-shot", [names[i] for i in predicted], embed_time + seconds, True))
    result, seconds = timed(lambda: assign_taxonomy(texts, taxonomy, vectors=vectors), args.repeat)
    rows.append(("ours, taxonomy", list(result.themes), embed_time + seconds, True))
    result, seconds = timed(lambda: assign_auto(texts, 4, vectors=vectors), args.repeat)
    rows.append(("ours, auto --k 4", list(result.themes), embed_time + seconds, False))
    auto_labels = sorted(result.keywords)
    result, seconds = timed(lambda: assign_auto(texts, None, vectors=vectors), args.repeat)
    rows.append((f"ours, auto (k={len(result.keywords)} chosen)", list(result.themes), embed_time + seconds, False))

    print(f"AG News: {len(texts)} items from {args.data.name}; embedding once: {embed_time:.1f} s "
          f"({len(texts) / embed_time:.0f} items/s), median of {args.repeat}")
    print(f"{'method':<30} {'accuracy':>8} {'NMI':>6} {'ARI':>6} {'items/s':>8} {'× embed':>8}")
    for name, predicted, seconds, is_taxonomy in rows:
        accuracy = f"{accuracy_score(labels, predicted):.3f}" if is_taxonomy else "-"
        nmi = normalized_mutual_info_score(labels, predicted)
        ari = adjusted_rand_score(labels, predicted)
        ratio = f"{seconds / embed_time:.3f}" if "MiniLM" in name or "ours" in name else "-"
        print(f"{name:<30} {accuracy:>8} {nmi:>6.3f} {ari:>6.3f} {len(texts) / seconds:>8.0f} {ratio:>8}")
    for name, words in (("MiniLM", False), ("MiniLM + words", True)):
        predicted = supervised(vectors, texts, labels, words=words)
        print(f"{'labels used: ' + name:<30} {accuracy_score(labels, predicted):>8.3f} "
              f"{normalized_mutual_info_score(labels, predicted):>6.3f} "
              f"{adjusted_rand_score(labels, predicted):>6.3f} {'-':>8} {'-':>8}")
    print("(labels used: 5-fold logistic regression, what the vectors themselves separate; not a method)")
    print("auto --k 4 labels: " + "; ".join(auto_labels))
    print("auto (k chosen) labels: " + "; ".join(sorted(result.keywords)))
    if args.subsets > 0:
        stability(texts, labels, vectors, taxonomy, args.subsets)


if __name__ == "__main__":
    main()
