"""Where grouping's named entities are found, and what it costs: `python benchmarks/entities.py [--n N]`.

The titles and leads of N real French articles (OrangeSum, ../shared/eval/scale/) go through
`briefing.text.entities.entities` (spaCy's French pipeline, no cache) in this process and then with two local
workers (`--jobs 2`). Each way runs in a fresh child process, so each loads spaCy itself; printed: the
driver's CPU seconds (user + sys of the child process, model load included), the CPU seconds with its
workers', the wall seconds, and whether the names are the same as in this process.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from measure import cpu_seconds  # noqa: E402

SOURCE = ROOT.parent / "shared" / "eval" / "scale" / "orangesum_train.jsonl.gz"


def texts(n: int) -> list[str]:
    """The first n articles' title and lead, as grouping gives them to `entities`."""
    from briefing.stories.group import lead_text

    found = []
    with gzip.open(SOURCE, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            found.append(f"{row['title']}.\n{lead_text(row['article'], 'fr')}")
            if len(found) == n:
                break
    return found


def child(n: int, jobs: int) -> None:
    """One way, in this process: prints a JSON line (driver CPU s, wall s, the names)."""
    from briefing.runtime import parallel
    from briefing.text.entities import entities

    chosen = texts(n)
    start = time.perf_counter(), cpu_seconds(resource.RUSAGE_SELF), cpu_seconds(resource.RUSAGE_CHILDREN)
    with parallel.pool(jobs) as executor:
        found = entities(chosen, ["fr"] * len(chosen), executor=executor)
    driver = cpu_seconds(resource.RUSAGE_SELF) - start[1]
    workers = cpu_seconds(resource.RUSAGE_CHILDREN) - start[2]  # counted once the pool has ended
    print(json.dumps({"driver": driver, "all": driver + workers, "wall": time.perf_counter() - start[0],
                      "names": [[m.name for m in names] for names in found]}))



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="articles")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.n, args.child)
        return
    print(f"named entities of {args.n:,} French titles and leads (spaCy, no cache)")
    print(f"{'where':24}{'driver CPU s':>14}{'all CPU s':>11}{'wall s':>9}   names as in this process")
    first = None
    for jobs, label in ((1, "this process"), (2, "two workers (--jobs 2)")):
        done = subprocess.run([sys.executable, __file__, "--n", str(args.n), "--child", str(jobs)],
                              capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.splitlines()[-1])
        first = first or result["names"]
        same = "yes" if result["names"] == first else "NO"
        print(f"{label:24}{result['driver']:>14.1f}{result['all']:>11.1f}{result['wall']:>9.1f}   {same}")


if __name__ == "__main__":
    main()
