"""Build cost at scale, against the previous release, in one run:

    python benchmarks/scale.py [--sizes 50 500 1500] [--runs 3] [--baseline f81ff19] [--jobs N] [--english K]

For each size, N French articles (../shared/eval/orangesum_valid.jsonl) are written as one JSONL source dated
inside ISO week 2019-W23, and `briefing -v build --week 2019-W23` runs as a child process, for this checkout
and for the baseline commit (checked out beside it with `git worktree add`, run with PYTHONPATH pointing at it):
- cold:  --no-cache (nothing read from or written to the translation and embedding caches)
- rerun: the same build again with a cache that an untimed build filled just before
Every timed build gets a fresh output folder; one untimed build per checkout comes first (it loads the disk
caches and, for the new code, converts the embedding model once).

--english K makes each week one of two languages: K of its articles are English AG News items (title and
description) instead of French ones, so grouping translates every French lead (a week of one language is
grouped untranslated).

Reported per build: wall seconds, CPU seconds (user+sys of the child and the processes it waited for:
apertium, pool workers), peak memory (ru_maxrss of the child), and wall seconds per stage from the
timestamps of its log lines (a stage runs from its first line to the next stage's: "ingest" ends at the
"ingest:" line, "render" is what follows the theme grouping). Medians of --runs. Ratios are this checkout
over the baseline, and each rerun over its own cold build. Works on any commit whose `build` has -v,
--no-cache, --cache, --week, --today and --creation-date.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "orangesum_valid.jsonl"
ENGLISH_DATA = ROOT.parent / "shared" / "eval" / "agnews_dev.csv"
WEEK, MONDAY_DAY = "2019-W23", 3  # 2019-06-03 .. 2019-06-09
# (stage, pattern of the log line where it starts); "ingest" starts with the process
STAGE_STARTS = (
    ("summarize", re.compile(r"^summarizing ")),
    ("stories", re.compile(r"^(translating the titles|grouped \d+ article)")),
    ("translate", re.compile(r"^translating \d+ ")),
    ("themes", re.compile(r"^grouping \d+ ")),
    ("render", re.compile(r"^(found \d+ theme|merged small theme|wrote )")),
)
INGEST_END = re.compile(r"^ingest: ")


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    stages: dict[str, float] = field(default_factory=dict)


def write_week(data: Path, count: int, path: Path, english: int = 0) -> None:
    with data.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for _, line in zip(range(count - english), handle, strict=False)]
    if len(rows) < count - english:
        raise SystemExit(f"{data} has only {len(rows)} articles")
    records = [{"title": row["title"], "text": row["article"], "lang": "fr", "url": f"https://example.org/{row['id']}"}
               for row in rows]
    if english:
        with ENGLISH_DATA.open(encoding="utf-8", newline="") as handle:
            items = list(csv.DictReader(handle))[:english]
        records += [{"title": item["title"], "text": item["description"], "lang": "en",
                     "url": f"https://example.com/{i}"} for i, item in enumerate(items)]
    with path.open("w", encoding="utf-8") as out:
        for i, record in enumerate(records):
            record["date"] = f"2019-06-{MONDAY_DAY + i % 7:02d}"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def stage_times(lines: list[tuple[float, str]], start: float, end: float) -> dict[str, float]:
    marks: list[tuple[str, float]] = [("ingest", start)]
    seen = {"ingest"}
    for stamp, line in lines:
        if INGEST_END.match(line) and "summarize" not in seen:
            marks.append(("select", stamp))
            seen.add("select")
        for stage, pattern in STAGE_STARTS:
            if stage not in seen and pattern.match(line):
                marks.append((stage, stamp))
                seen.add(stage)
    marks.sort(key=lambda mark: mark[1])
    bounds = [*marks, ("end", end)]
    return {stage: bounds[i + 1][1] - stamp for i, (stage, stamp) in enumerate(marks)}


def run_build(code: Path, source: Path, out: Path, cache: Path, *, cached: bool, jobs: int | None) -> Run:
    command = [sys.executable, "-c", "from briefing.cli import main; main()", "-v", "build", str(source),
               "--week", WEEK, "--out", str(out), "--today", "2019-06-10", "--creation-date", "2019-06-10T07:00:00",
               "--cache", str(cache / "translations.sqlite")]
    if not cached:
        command.append("--no-cache")
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    env = {**os.environ, "PYTHONPATH": str(code), "XDG_CACHE_HOME": str(cache.parent / "xdg")}
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
                             cwd=code)
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            lines.append((time.perf_counter(), line.rstrip("\n")))

    reader = threading.Thread(target=read)
    reader.start()
    _, status, usage = os.wait4(child.pid, 0)
    end = time.perf_counter()
    reader.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        tail = "\n".join(line for _, line in lines[-5:])
        raise SystemExit(f"build failed ({code}, exit {child.returncode}):\n{tail}")
    return Run(end - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stage_times(lines, start, end))


def median_run(runs: list[Run]) -> Run:
    stages = {s for r in runs for s in r.stages}
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
               statistics.median(r.rss_mb for r in runs),
               {s: statistics.median(r.stages.get(s, 0.0) for r in runs) for s in stages})


def baseline_checkout(commit: str, folder: Path) -> Path:
    if not (folder / "briefing" / "__init__.py").is_file():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), commit],
                       check=True, capture_output=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="OrangeSum JSONL (French articles)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 1500], help="articles per week")
    parser.add_argument("--runs", type=int, default=3, help="timed builds per row (median)")
    parser.add_argument("--baseline", default="f81ff19", help="commit to compare with ('none' to skip)")
    parser.add_argument("--baseline-dir", type=Path, default=Path(tempfile.gettempdir()) / "briefing-baseline",
                        help="where the baseline commit is checked out")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for this checkout (default: its own)")
    parser.add_argument("--english", type=int, default=0,
                        help="English AG News items in place of as many French articles (a week of two languages)")
    parser.add_argument("--baseline-cold-only", action="store_true",
                        help="skip the baseline's cached reruns (they only show it had no embedding cache)")
    args = parser.parse_args()

    codes = {"new": ROOT}
    if args.baseline != "none":
        codes = {"base": baseline_checkout(args.baseline, args.baseline_dir), **codes}
    results: dict[tuple[str, int, str], Run] = {}
    with tempfile.TemporaryDirectory(prefix="scale-") as tmp_name:
        tmp = Path(tmp_name)
        for name, code in codes.items():
            jobs = args.jobs if name == "new" else None
            warm = tmp / f"warm-{name}.jsonl"
            write_week(args.data, 5, warm)
            run_build(code, warm, tmp / "out", tmp / f"cache-{name}" / "warm", cached=True, jobs=jobs)
            for size in args.sizes:
                source = tmp / f"week-{size}.jsonl"
                write_week(args.data, size, source, args.english)
                cache = tmp / f"cache-{name}" / str(size)
                cold = [run_build(code, source, tmp / f"out-{name}-{size}-c{i}", cache, cached=False, jobs=jobs)
                        for i in range(args.runs)]
                results[(name, size, "cold")] = median_run(cold)
                if name == "base" and args.baseline_cold_only:
                    continue
                run_build(code, source, tmp / f"out-{name}-{size}-fill", cache, cached=True, jobs=jobs)
                rerun = [run_build(code, source, tmp / f"out-{name}-{size}-r{i}", cache, cached=True, jobs=jobs)
                         for i in range(args.runs)]
                results[(name, size, "rerun")] = median_run(rerun)
                print(f"measured {name} {size}", file=sys.stderr, flush=True)
    stages = ["ingest", "select", "summarize", "stories", "translate", "themes", "render"]
    seen = [s for s in stages if any(s in r.stages for r in results.values())]
    cores = len(os.sched_getaffinity(0))
    mix = f" ({args.english} of them English AG News items)" if args.english else ""
    print(f"briefing build, {WEEK} of OrangeSum articles{mix}, {cores} cores, medians of {args.runs}; "
          f"base = {args.baseline}, new = this checkout")
    header = ["articles", "code", "build", "wall s", "CPU s", "peak MB", *[f"{s} s" for s in seen],
              "CPU new/base", "rerun/cold CPU"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for size in args.sizes:
        for name in codes:
            for kind in ("cold", "rerun"):
                if (name, size, kind) not in results:
                    continue
                run = results[(name, size, kind)]
                base = results.get(("base", size, kind))
                versus = f"{run.cpu / base.cpu:.2f}" if name == "new" and base else ""
                own = f"{run.cpu / results[(name, size, 'cold')].cpu:.2f}" if kind == "rerun" else ""
                cells = [f"{size:,}", name, kind, f"{run.wall:.1f}", f"{run.cpu:.1f}", f"{run.rss_mb:.0f}",
                         *[f"{run.stages[s]:.1f}" if s in run.stages else "-" for s in seen], versus, own]
                print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
