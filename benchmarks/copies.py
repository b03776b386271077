"""Copies of one article against as many different ones: `briefing stories` time and the stories it makes.

    python benchmarks/copies.py [--count 1000] [--base REV]

A week in which hundreds of outlets paste one wire story word for word (no title: scraped text) is run
through `python -m briefing stories` (a process of its own, as a user runs it) next to a week of as many
different untitled English articles (AG News dev), after a warm-up run of two articles. The table shows the
CPU seconds of each run, the copies' against the different articles', and the number of stories (the copies
must make one). With --base REV, the same runs of commit REV, checked out into a temporary folder, come first.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AGNEWS = ROOT.parent / "shared" / "eval" / "agnews_dev.csv"
WIRE = ("The city council approved the new budget on Monday after a long debate. The mayor said the plan would "
        "fund schools and roads. Opposition members voted against it.")


def weeks(folder: Path, count: int) -> dict[str, Path]:
    """The two JSONL inputs: `count` copies of WIRE, and `count` different AG News articles."""
    with AGNEWS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:count]
    made = {"copies": [WIRE] * count, "different": [f"{r['title']}. {r['description']}" for r in rows],
            "warm-up": [WIRE, rows[0]["description"]]}  # the first run of a checkout converts the model once
    paths = {}
    for name, texts in made.items():
        paths[name] = folder / f"{name}.jsonl"
        paths[name].write_text("".join(json.dumps({"id": n, "lang": "en", "text": t}) + "\n"
                                       for n, t in enumerate(texts)), encoding="utf-8")
    return paths


def run(source: Path, week: Path, cache: Path) -> tuple[float, int]:
    """CPU seconds (the child's user + system) and stories of one `briefing stories` run of `source`'s code."""
    cache.parent.mkdir()  # a cold run: the embeddings are cached beside the translation cache
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "briefing", "-q", "stories", "--input", str(week), "--cache",
                           str(cache)], cwd=source, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(source)})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, len(done.stdout.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="articles in each week")
    parser.add_argument("--base", help="also run this commit (checked out into a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefing-copies-") as folder:
        work = Path(folder)
        paths = weeks(work, args.count)
        sources = {"this checkout": ROOT}
        if args.base:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(work / "base"),
                            args.base], check=True)
            sources = {args.base: work / "base", **sources}
        print(f"{'code':16}{'week':>12}{'articles':>10}{'CPU s':>9}{'x different':>13}{'stories':>9}")
        try:
            for label, source in sources.items():
                run(source, paths["warm-up"], work / f"{label.replace(' ', '-')}-warm-up" / "cache.sqlite")
                found = {name: run(source, path, work / f"{label.replace(' ', '-')}-{name}" / "cache.sqlite")
                         for name, path in (("different", paths["different"]), ("copies", paths["copies"]))}
                for name, (cpu, stories) in found.items():
                    ratio = cpu / found["different"][0]
                    print(f"{label:16}{name:>12}{args.count:>10}{cpu:>9.1f}{ratio:>13.2f}{stories:>9}")
        finally:
            if args.base:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(work / "base")],
                               check=False)


if __name__ == "__main__":
    main()
