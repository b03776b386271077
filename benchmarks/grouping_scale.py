"""Story grouping at scale (vectors given): CPU seconds per part, recall of the approximate neighbour graph,
peak memory; then the dev sets' BCubed figures with the exact and the forced approximate search.

    python benchmarks/grouping_scale.py [--sizes 20000 100000] [--vectors PATH] [--no-dev]

Weeks: the 20,448 real French OrangeSum articles of ../shared/eval/scale/ (title and `lead_text`, space fr,
untranslated: a week of one language), with their MiniLM vectors (`model_text`, as `group` embeds them); up
to 20,448 items a seeded sample of them, above that all of them plus synthetic variants: another outlet's
take on a random real article a, with one sentence of a random other article b in place of one of a's (the
title dropped half of the time), and the vector unit(u_a + 0.1 u_b + 0.5 s g), g Gaussian of unit expected
norm, s log-normal (sigma 0.6). These constants were calibrated on real MiniLM vectors of 300 such variant
texts (centred cosine to a: real p10/median/p90 0.475/0.840/1.000, synthetic 0.584/0.845/0.961).

The vectors are embedded once (~700 CPU s, one thread) and cached in out/grouping_scale/; --vectors reuses a
(20448, 384) float32 .npy of the same articles in file order instead.

Each size runs in a child process of its own (peak memory is that run's; one BLAS thread):
- TF-IDF     content terms and the TF-IDF matrix
- graph      the neighbour search and exact scoring of the candidates (neighbours.py above
             GROUP_EXACT_MAX_ITEMS, all pairs below)
- linkage    average linkage (linkage.py)
- total      the whole `group_with_vectors` call (the issue's bar: 100,000 items in <= 60 CPU s)
- recall@20  of RECALL_ROWS sampled rows (RECALL_BLOCKS runs of consecutive rows), the exact blend's 20 best
             others (group.py's own similarity blocks) found among each row's 20 best in the graph
- same twice the graph built again in the same process has the same bytes
- exact      today's all-pairs search on the same week (sizes up to EXACT_MAX), for comparison
- peak MB    the process's peak resident memory while grouping (Linux VmHWM, reset after loading the
             week), and what the loaded week and libraries held before (data MB)
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from measure import memory_mb  # noqa: E402

from briefing.stories import group as grouping  # noqa: E402
from briefing.stories import neighbours  # noqa: E402
from briefing.stories.group import GroupInput, group_with_vectors, lead_text, model_text  # noqa: E402
from briefing.stories.settings import GROUP_EXACT_MAX_ITEMS, GROUP_NEIGHBOURS  # noqa: E402

SOURCE = ROOT.parent / "shared" / "eval" / "scale" / "orangesum_train.jsonl.gz"
CACHE = ROOT / "out" / "grouping_scale"
SIZES = (20_000, 100_000)
SEED = 0
MIX, NOISE, SPREAD = 0.1, 0.5, 0.6  # the synthetic variants' vectors (module docstring)
RECALL_ROWS, RECALL_BLOCKS = 2_000, 20
EXACT_MAX = 20_000
THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def real_items() -> list[GroupInput]:
    """The 20,448 articles as a French week hands them to grouping (cached: `lead_text` costs ~16 CPU s)."""
    cached = CACHE / "orangesum_items.jsonl.gz"
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with gzip.open(SOURCE, "rt", encoding="utf-8") as source, gzip.open(cached, "wt", encoding="utf-8") as out:
            for line in source:
                row = json.loads(line)
                lead = lead_text(row["article"], "fr")
                out.write(json.dumps({"id": row["id"], "title": row["title"] or "", "lead": lead},
                                     ensure_ascii=False) + "\n")
    with gzip.open(cached, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return [GroupInput(r["id"], r["title"], r["lead"], None, "fr", None, "fr") for r in rows]


def real_vectors(items: list[GroupInput], given: Path | None) -> np.ndarray:
    """Their unit MiniLM vectors: `given`, or embedded once into the cache."""
    path = given or CACHE / "orangesum_minilm.npy"
    if not path.exists():
        import briefing.embed.encoder
        from briefing.embed import embed, use_cache

        print(f"embedding {len(items)} articles once into {path} (~700 CPU s)", file=sys.stderr, flush=True)
        briefing.embed.encoder.EMBED_THREADS = 1  # one core of a shared machine (CPU s are the same)
        with use_cache(False):
            np.save(path, embed([model_text(item) for item in items]).astype(np.float32))
    vectors = np.load(path).astype(np.float32)
    if vectors.shape[0] != len(items):
        sys.exit(f"{path}: {vectors.shape[0]} vectors for {len(items)} articles")
    return vectors


def week(n: int, vectors_path: Path | None) -> tuple[list[GroupInput], np.ndarray]:
    """n items: a seeded sample of the real ones, or all of them and synthetic variants (module docstring)."""
    items = real_items()
    unit = real_vectors(items, vectors_path)
    rng = np.random.default_rng(SEED + n)
    if n <= len(items):
        chosen = np.sort(rng.choice(len(items), n, replace=False))
        return [items[i] for i in chosen], unit[chosen]
    extra = n - len(items)
    base = rng.integers(len(items), size=extra)
    other = (base + rng.integers(1, len(items), size=extra)) % len(items)
    variants = []
    for number, (a, b) in enumerate(zip(base.tolist(), other.tolist(), strict=True)):
        own, theirs = _sentences(items[a].lead), _sentences(items[b].lead)
        if own and theirs:
            own[int(rng.integers(len(own)))] = theirs[int(rng.integers(len(theirs)))]
        title = items[a].title if rng.random() < 0.5 else ""
        variants.append(GroupInput(f"{items[a].id}~{number}", title, " ".join(own), None, "fr", None, "fr"))
    mixed = unit[base] + MIX * unit[other]
    scale = (NOISE / np.sqrt(unit.shape[1])) * np.exp(rng.normal(0, SPREAD, size=(extra, 1)))
    mixed += rng.standard_normal(mixed.shape, dtype=np.float32) * scale.astype(np.float32)
    mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
    return items + variants, np.concatenate([unit, mixed.astype(np.float32)])


def _sentences(lead: str) -> list[str]:
    parts = lead.replace("? ", "?\n").replace("! ", "!\n").replace(". ", ".\n").split("\n")
    return [p.strip() for p in parts if p.strip()]


# --- one size, in a child process -------------------------------------------------------------------


def _timed(module: Any, name: str, spent: dict[str, float]) -> None:
    """Add the CPU seconds of every call of module.name to spent[name]."""
    original: Callable[..., Any] = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - start

    setattr(module, name, timed)


def _top(graph: Any, row: int, k: int) -> set[int]:
    start, end = graph.indptr[row], graph.indptr[row + 1]
    order = np.argsort(-graph.data[start:end], kind="stable")[:k]
    return set(graph.indices[start:end][order].tolist())


def recall(items: list[GroupInput], vectors: np.ndarray, graph: Any) -> float:
    """Of the exact blend's GROUP_NEIGHBOURS best others (positive) of the sampled rows, the share among each
    row's GROUP_NEIGHBOURS best in `graph`."""
    n, k = len(items), GROUP_NEIGHBOURS
    similarities = grouping._similarities(items, vectors, centre=True)
    rng = np.random.default_rng(1)
    height = RECALL_ROWS // RECALL_BLOCKS
    hits = wanted = 0
    for lo in np.sort(rng.choice(n // height, RECALL_BLOCKS, replace=False)) * height:
        block = similarities(lo, lo + height)
        block[np.arange(height), np.arange(lo, lo + height)] = -np.inf
        nearest = np.argpartition(block, n - k, axis=1)[:, n - k:]
        best = np.take_along_axis(block, nearest, axis=1)
        for offset in range(height):
            truth = set(nearest[offset][best[offset] > 0].tolist())
            hits += len(truth & _top(graph, lo + offset, k))
            wanted += len(truth)
    return hits / max(1, wanted)


def run(n: int, vectors_path: Path | None, exact: bool) -> dict[str, Any]:
    """The figures of one size (module docstring)."""
    items, vectors = week(n, vectors_path)
    loaded = memory_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from here
    spent: dict[str, float] = {}
    graphs: list[Any] = []
    _timed(grouping, "_term_matrix", spent)
    _timed(grouping, "_graph", spent)
    _timed(neighbours, "approximate_graph", spent)
    _timed(neighbours, "tfidf", spent)
    _timed(grouping, "_neighbour_graph", spent)
    _timed(grouping, "average_linkage", spent)
    keep = grouping._graph

    def kept(*args: Any, **kwargs: Any) -> Any:
        graphs.append(keep(*args, **kwargs))
        return graphs[-1]

    grouping._graph = kept
    start = time.process_time()
    stories = group_with_vectors(items, vectors)
    total = time.process_time() - start
    peak = memory_mb("VmHWM")
    search = spent.get("approximate_graph", spent.get("_neighbour_graph", 0.0))
    result = {"n": n, "total": total, "tfidf": spent["_term_matrix"] + spent["_graph"] - search, "graph": search,
              "linkage": spent["average_linkage"], "stories": len(stories), "graphs": len(graphs),
              "peak_mb": peak, "loaded_mb": loaded}
    graph = graphs[-1]
    again = keep(items, vectors, centre=True)
    digest = [hashlib.sha256(g.indptr.tobytes() + g.indices.tobytes() + g.data.tobytes()).hexdigest()
              for g in (graph, again)]
    result["same_twice"] = digest[0] == digest[1]
    result["recall"] = recall(items, vectors, graph)
    if exact and n <= EXACT_MAX:
        start = time.process_time()
        group_with_vectors(items, vectors, exact_max_items=n + 1)
        result["exact_total"] = time.process_time() - start
    return result


def spawn(n: int, vectors_path: Path | None, exact: bool) -> dict[str, Any]:
    """`run` in a child process of its own, on one BLAS thread."""
    command = [sys.executable, __file__, "--child", str(n), *(["--vectors", str(vectors_path)] if vectors_path else []),
               *(["--exact"] if exact else [])]
    env = os.environ | dict.fromkeys(THREADS, "1")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{n} items failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def speed(sizes: list[int], vectors_path: Path | None, exact: bool) -> None:
    """The speed table."""
    week(max(sizes), vectors_path)  # fills the caches before any timing
    print(f"Grouping CPU s (vectors given, one thread); approximate search from {GROUP_EXACT_MAX_ITEMS:,} items")
    print(f"{'items':>8} {'TF-IDF':>7} {'graph':>7} {'linkage':>8} {'total':>7} {'exact total':>12} {'recall@20':>10} "
          f"{'same twice':>10} {'peak MB':>8} {'(data MB)':>9} {'stories':>8}")
    for n in sizes:
        r = spawn(n, vectors_path, exact)
        exact_total = f"{r['exact_total']:.1f}" if "exact_total" in r else "-"
        print(f"{n:>8,} {r['tfidf']:>7.1f} {r['graph']:>7.1f} {r['linkage']:>8.1f} {r['total']:>7.1f} "
              f"{exact_total:>12} {r['recall']:>10.3f} {'yes' if r['same_twice'] else 'NO':>10} {r['peak_mb']:>8.0f} "
              f"{r['loaded_mb']:>9.0f} {r['stories']:>8,}", flush=True)


def dev() -> None:
    """BCubed of the dev sets (benchmarks/stories_grouping.py's), default search against forced approximate."""
    sys.argv = sys.argv[:1]
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from stories_grouping import dev_sets, score

    from briefing.embed import embed

    print()
    print(f"Dev sets, BCubed P / R / F1: default (exact below {GROUP_EXACT_MAX_ITEMS:,} items) and the approximate "
          "search forced")
    print(f"{'set':20}{'items':>7}{'default':>22}{'approximate forced':>22}{'F1 change':>11}")
    for name, (items, gold) in dev_sets().items():
        vectors = embed([model_text(item) for item in items])
        default = score(items, gold, group_with_vectors(items, vectors))
        forced = score(items, gold, group_with_vectors(items, vectors, exact_max_items=0))
        cells = "".join(f"{'{:.3f} {:.3f} {:.3f}'.format(*s):>22}" for s in (default, forced))
        print(f"{name:20}{len(items):>7}{cells}{forced[2] - default[2]:>+11.3f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--vectors", type=Path, help="(20448, 384) MiniLM vectors of the articles, reused")
    parser.add_argument("--exact", action="store_true", help=f"also today's exact search (sizes <= {EXACT_MAX:,})")
    parser.add_argument("--no-dev", action="store_true", help="the speed table only")
    parser.add_argument("--no-speed", action="store_true", help="the dev sets only")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.child, args.vectors, args.exact)))
        return
    if not args.no_speed:
        speed(args.sizes, args.vectors, args.exact)
    if not args.no_dev:
        dev()


if __name__ == "__main__":
    main()
