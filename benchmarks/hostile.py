"""A normal week against the same week with hostile fields: build time and email size.

    python benchmarks/hostile.py [--runs 3] [--engine apertium|--no-translate] [--timeout 600]

The week is four articles of four events (`tests.helpers.week_records`). The hostile week gives the first a
20,000-character publisher without spaces, the second one with spaces, the third a 150 KB link and the
fourth a text that is one 200 KB sentence; the long-title week gives the first article a title of 100,000
letters (no space to cut it at). Each is built `--runs` times with `python -m briefing build` (a
process of its own, as a user runs it; after one warm-up build that loads and converts the models), into a
fresh folder with a fresh translation cache; the table shows the median wall time, each hostile build's time
against the normal one's (the floor is 5x) and the email's size against Gmail's clipping limit (102,400 bytes).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers import week_records  # noqa: E402

GMAIL_CLIP_BYTES = 102_400
LONG_TITLE_LETTERS = 100_000
MAX_SLOWDOWN = 5.0  # the hostile week may take at most this many times the normal week's build


def build(folder: Path, options: list[str], timeout: float) -> tuple[float | None, int | None, int | None]:
    """(seconds, email bytes, PDF bytes) of one `briefing build` of `folder`; (None, None, None) past `timeout`."""
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    for cache in folder.glob("*.sqlite*"):  # every build cold: translations, embeddings, files read
        cache.unlink()
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "briefing", "-q", "build", str(folder), "--out", str(out),
                               "--today", "2025-10-06", "--cache", str(folder / "cache.sqlite"), *options],
                              capture_output=True, text=True, timeout=timeout, check=False, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None, None, None
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"briefing build {folder} failed: {done.stderr.strip().splitlines()[-1]}")
    email = next(out.glob("briefing-*.html"))
    return seconds, email.stat().st_size, email.with_suffix(".pdf").stat().st_size


def main() -> None:
    """Build both weeks and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="builds of each week (median shown)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a build counts as hung")
    engine = parser.add_mutually_exclusive_group()
    engine.add_argument("--engine", default="apertium", help="translation engine of both builds")
    engine.add_argument("--no-translate", action="store_true", help="build without translating")
    args = parser.parse_args()
    options = ["--no-translate"] if args.no_translate else ["--engine", args.engine]
    with tempfile.TemporaryDirectory() as folder:
        weeks = {}
        for name in ("normal", "hostile", "long title"):
            weeks[name] = Path(folder) / name
            weeks[name].mkdir()
            records = week_records(hostile=name == "hostile")
            if name == "long title":
                records[0]["title"] = "A" * LONG_TITLE_LETTERS
            (weeks[name] / "week.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        build(weeks["normal"], options, args.timeout)  # warm-up: models loaded and converted once
        results: dict[str, list[tuple[float | None, int | None, int | None]]] = {name: [] for name in weeks}
        for _ in range(args.runs):
            for name, week in weeks.items():
                results[name].append(build(week, options, args.timeout))
    print(f"{len(weeks)} weeks of 4 articles, {args.runs} build(s) each, {' '.join(options)}; median wall seconds")
    print()
    print("| week | build s | x normal | email bytes | under 102,400 | PDF KB |")
    print("|---|---:|---:|---:|:---:|---:|")
    normal_s = statistics.median(s for s, _, _ in results["normal"] if s is not None)
    for name, runs in results.items():
        if any(s is None for s, _, _ in runs):
            print(f"| {name} | hung (> {args.timeout:.0f} s) | | | | |")
            continue
        seconds = statistics.median(s for s, _, _ in runs if s is not None)
        email = max(e for _, e, _ in runs if e is not None)
        pdf = max(p for _, _, p in runs if p is not None)
        print(f"| {name} | {seconds:.1f} | {seconds / normal_s:.2f} | {email:,} | "
              f"{'yes' if email < GMAIL_CLIP_BYTES else 'NO'} | {pdf / 1000:.0f} |")
    print()
    print(f"floor: each hostile week within {MAX_SLOWDOWN:g}x the normal week's time, its email under "
          f"{GMAIL_CLIP_BYTES:,} bytes")


if __name__ == "__main__":
    main()
