"""Build cost at scale, against the previous release and across executors, in one run:

    python benchmarks/scale.py [--sizes 50 500 1500] [--runs 3] [--baseline f81ff19] [--english K]
        [--modes "--jobs 1" "--jobs 2" "--cluster local:2"] [--cold-only] [--data FILE]

For each size, N French articles (../shared/eval/orangesum_valid.jsonl, or --data: a JSONL file, gzipped or
not, such as the 20,448 articles of ../shared/eval/scale/orangesum_train.jsonl.gz) are written as a folder of
JSONL files of 1,000 articles, dated inside ISO week 2019-W23, and `briefing -v build --week 2019-W23
--engine apertium` runs as a child process, for this checkout and for the baseline commit (checked out beside
it with `git worktree add`, run with PYTHONPATH pointing at it):
- cold:  --no-cache (nothing read from or written to the translation and embedding caches)
- rerun: the same build again with a cache that an untimed build filled just before (not with --cold-only)
Every timed build gets a fresh output folder; one untimed build per checkout comes first (it loads the disk
caches and, for the new code, converts the embedding model once). --modes runs this checkout once per set of
build options (each a row; the baseline runs with its defaults); --jobs N is --modes "--jobs N".

--english K makes each week one of two languages: K of its articles are English AG News items (title and
description) instead of French ones, so grouping translates every French lead (a week of one language is
grouped untranslated).

Reported per build: wall seconds; CPU seconds (user+sys of the child and every process it waited for: apertium,
pool workers, the worker processes of a local Dask cluster; the process tree is also sampled from /proc twice a
second, and a worker it saw that was never waited for is added) and CPU ms per article; the driver's own peak
memory (its ru_maxrss, which a worker's never counts in) and the stage in which its resident memory, sampled
with the CPU, was highest; wall seconds per stage from the timestamps of its log
lines (a stage runs from its first line to the next stage's: "ingest" ends at the "ingest:" line, "render" is
what follows the theme grouping); the PDF's pages (pypdf) and the email's bytes. Medians of --runs. Ratios are
this checkout over the baseline, each rerun over its own cold build, and CPU per article over the same code and
mode's at the first size. Rows are printed as they are measured, so a run cut short keeps what it measured.
Works on any commit whose `build` has -v, --no-cache, --cache, --week, --today, --creation-date and --engine.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gzip
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pypdf

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
DRIVER_PEAK = re.compile(r"^scale-benchmark driver-peak-kb (\d+)$")
# the child runs briefing's CLI and, on its way out, prints its own peak memory (a worker's is not in it)
DRIVER = ("import atexit, resource, sys\n"
          "atexit.register(lambda: print('scale-benchmark driver-peak-kb', "
          "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr, flush=True))\n"
          "from briefing.cli import main\nmain()")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_S = 0.5
# a week is a folder of JSONL files of this many articles (about 3 MB): one file of 20,000 would be over
# build's --max-size, and a newsroom's export comes in parts
RECORDS_PER_FILE = 1_000


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    stages: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    email_bytes: int = 0
    peak_stage: str = "-"  # the stage in which the driver's sampled resident memory was highest


def write_week(data: Path, count: int, path: Path, english: int = 0) -> None:
    with (gzip.open(data, "rt", encoding="utf-8") if data.suffix == ".gz" else data.open(encoding="utf-8")) as handle:
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
    path.mkdir(parents=True, exist_ok=True)
    for first in range(0, len(records), RECORDS_PER_FILE):
        with (path / f"part-{first // RECORDS_PER_FILE:03d}.jsonl").open("w", encoding="utf-8") as out:
            for i, record in enumerate(records[first:first + RECORDS_PER_FILE], first):
                record["date"] = f"2019-06-{MONDAY_DAY + i % 7:02d}"
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


def stage_times(marks: list[tuple[str, float]], end: float) -> dict[str, float]:
    """Each stage's wall seconds, from `stage_starts`' marks and the build's end."""
    bounds = [*marks, ("end", end)]
    return {stage: bounds[i + 1][1] - stamp for i, (stage, stamp) in enumerate(marks)}


def stage_at(marks: list[tuple[str, float]], moment: float | None) -> str:
    """The stage running at `moment` ("-" when there is none), from `stage_starts`' marks."""
    running = [stage for stage, stamp in marks if moment is not None and stamp <= moment]
    return running[-1] if running else "-"


def stage_starts(lines: list[tuple[float, str]], start: float) -> list[tuple[str, float]]:
    """(stage, when it started), in time order, from the build's log lines."""
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
    return marks


class TreeSampler:
    """The CPU seconds of every process below `root`, read from /proc every SAMPLE_S seconds: the last reading of
    each (user+sys of its own and of the children it waited for). Catches workers the driver never waits for.
    Also the driver's own resident memory at each reading, and when it was highest."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[tuple[int, int], tuple[int, float]] = {}  # (pid, start tick) -> (parent, CPU s)
        self.peak: tuple[int, float | None] = (0, None)  # the driver's highest resident pages, and when
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            table: dict[int, tuple[int, int, float]] = {}
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                ticks = sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
                table[int(entry)] = (int(fields[1]), int(fields[19]), ticks / CLOCK_TICKS)
                if int(entry) == self.root and int(fields[21]) > self.peak[0]:  # rss, in pages
                    self.peak = (int(fields[21]), time.perf_counter())
            below = {self.root}
            grew = True
            while grew:
                grew = False
                for pid, (parent, _, _) in table.items():
                    if parent in below and pid not in below:
                        below.add(pid)
                        grew = True
            for pid in below - {self.root}:
                parent, start, cpu = table[pid]
                self.seen[(pid, start)] = (parent, cpu)

    def unwaited(self) -> float:
        """CPU seconds of the driver's direct children seen running that are not in the driver's own rusage:
        those still alive when it ended (Linux gives the driver a child's times only once it waits for it)."""
        self._stop.set()
        self._thread.join()
        alive = {int(e) for e in os.listdir("/proc") if e.isdigit()}
        return sum(cpu for (pid, _), (parent, cpu) in self.seen.items() if parent == self.root and pid in alive)


def run_build(code: Path, source: Path, out: Path, cache: Path, *, cached: bool, options: list[str],
              engine: str) -> Run:
    command = [sys.executable, "-c", DRIVER, "-v", "build", str(source),
               "--week", WEEK, "--out", str(out), "--today", "2019-06-10", "--creation-date", "2019-06-10T07:00:00",
               "--cache", str(cache / "translations.sqlite"), "--engine", engine, *options]
    if not cached:
        command.append("--no-cache")
    env = {**os.environ, "PYTHONPATH": str(code), "XDG_CACHE_HOME": str(cache.parent / "xdg")}
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
                             cwd=code)
    sampler = TreeSampler(child.pid)
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            lines.append((time.perf_counter(), line.rstrip("\n")))

    reader = threading.Thread(target=read)
    reader.start()
    _, status, usage = os.wait4(child.pid, 0)
    end = time.perf_counter()
    unwaited = sampler.unwaited()
    reader.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        tail = "\n".join(line for _, line in lines[-5:])
        raise SystemExit(f"build failed ({code}, exit {child.returncode}):\n{tail}")
    peaks = [int(m.group(1)) for _, line in lines if (m := DRIVER_PEAK.match(line))]
    pdfs = sorted(out.glob("briefing-*.pdf"))
    if not pdfs:
        tail = "\n".join(line for _, line in lines[-5:])
        raise SystemExit(f"build wrote no PDF ({code}):\n{tail}")
    emails = sorted(out.glob("briefing-*.html"))
    marks = stage_starts(lines, start)
    return Run(end - start, usage.ru_utime + usage.ru_stime + unwaited,
               (peaks[0] if peaks else usage.ru_maxrss) / 1024, stage_times(marks, end),
               len(pypdf.PdfReader(pdfs[0]).pages), emails[0].stat().st_size if emails else 0,
               stage_at(marks, sampler.peak[1]))


def median_run(runs: list[Run]) -> Run:
    stages = {s for r in runs for s in r.stages}
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
               statistics.median(r.rss_mb for r in runs),
               {s: statistics.median(r.stages.get(s, 0.0) for r in runs) for s in stages},
               runs[0].pages, runs[0].email_bytes, runs[0].peak_stage)


def baseline_checkout(commit: str, folder: Path) -> Path:
    if not (folder / "briefing" / "__init__.py").is_file():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), commit],
                       check=True, capture_output=True)
    return folder


STAGES = ("ingest", "select", "summarize", "stories", "translate", "themes", "render")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="OrangeSum JSONL, gzipped or not (French articles; ../shared/eval/scale/ has 20,448)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 1500], help="articles per week")
    parser.add_argument("--runs", type=int, default=3, help="timed builds per row (median)")
    parser.add_argument("--baseline", default="f81ff19", help="commit to compare with ('none' to skip)")
    parser.add_argument("--baseline-dir", type=Path, default=Path(tempfile.gettempdir()) / "briefing-baseline",
                        help="where the baseline commit is checked out")
    parser.add_argument("--jobs", type=int, default=None, help='short for --modes "--jobs N"')
    parser.add_argument("--modes", nargs="+", default=None, metavar="OPTIONS",
                        help='build options for this checkout, one row each: "--jobs 1" "--cluster local:2"')
    parser.add_argument("--engine", default="apertium", help="--engine of every build")
    parser.add_argument("--english", type=int, default=0,
                        help="English AG News items in place of as many French articles (a week of two languages)")
    parser.add_argument("--baseline-cold-only", action="store_true",
                        help="skip the baseline's cached reruns (they only show it had no embedding cache)")
    parser.add_argument("--cold-only", action="store_true", help="no cached reruns at all")
    parser.add_argument("--keep", type=Path, default=None,
                        help="build in this folder and keep it (the weeks, caches and every build's files)")
    args = parser.parse_args()

    modes = args.modes or ([f"--jobs {args.jobs}"] if args.jobs is not None else [""])
    codes = {"new": ROOT}
    if args.baseline != "none":
        codes = {"base": baseline_checkout(args.baseline, args.baseline_dir), **codes}
    cores = len(os.sched_getaffinity(0))
    mix = f" ({args.english} of them English AG News items)" if args.english else ""
    print(f"briefing build --engine {args.engine}, {WEEK} of {args.data.name}{mix}, {cores} cores, medians of "
          f"{args.runs}; base = {args.baseline}, new = this checkout; stage columns are wall seconds")
    header = ["articles", "code", "options", "build", "wall s", "CPU s", "CPU ms/article", "driver peak MB", "in",
              *[f"{s} s" for s in STAGES], "PDF pages", "email bytes", "CPU new/base", "rerun/cold CPU",
              "CPU/article ÷ first size"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header), flush=True)
    results: dict[tuple[str, str, int, str], Run] = {}
    with contextlib.nullcontext(str(args.keep)) if args.keep else tempfile.TemporaryDirectory(prefix="scale-") as name:
        tmp = Path(name)
        tmp.mkdir(parents=True, exist_ok=True)
        for name, code in codes.items():
            warm = tmp / f"warm-{name}"
            write_week(args.data, 5, warm)
            run_build(code, warm, tmp / "out", tmp / f"cache-{name}" / "warm", cached=True, options=[],
                      engine=args.engine)
            for mode in (modes if name == "new" else [""]):
                options = shlex.split(mode)
                for size in args.sizes:
                    source = tmp / f"week-{size}"
                    if not source.exists():
                        write_week(args.data, size, source, args.english)
                    cache = tmp / f"cache-{name}" / f"{size}{mode}".replace(" ", "")
                    kinds = ["cold"] if args.cold_only or (name == "base" and args.baseline_cold_only) else [
                        "cold", "rerun"]
                    for kind in kinds:
                        if kind == "rerun":
                            run_build(code, source, tmp / "fill", cache, cached=True, options=options,
                                      engine=args.engine)
                        runs = [run_build(code, source, tmp / f"out-{name}-{size}-{kind}{i}{mode}".replace(" ", ""),
                                          cache, cached=kind == "rerun", options=options, engine=args.engine)
                                for i in range(args.runs)]
                        results[(name, mode, size, kind)] = median_run(runs)
                        print(row(results, name, mode, size, kind, args.sizes[0]), flush=True)


def row(results: dict[tuple[str, str, int, str], Run], name: str, mode: str, size: int, kind: str,
        first: int) -> str:
    """One line of the table, its ratios against the rows measured before it."""
    run = results[(name, mode, size, kind)]
    base = results.get(("base", "", size, kind))
    versus = f"{run.cpu / base.cpu:.2f}" if name == "new" and base else ""
    own = f"{run.cpu / results[(name, mode, size, 'cold')].cpu:.2f}" if kind == "rerun" else ""
    smallest = results.get((name, mode, first, kind))
    growth = f"{(run.cpu / size) / (smallest.cpu / first):.2f}" if smallest and size != first else ""
    cells = [f"{size:,}", name, mode or "(default)", kind, f"{run.wall:.1f}", f"{run.cpu:.1f}",
             f"{1000 * run.cpu / size:.1f}", f"{run.rss_mb:.0f}", run.peak_stage,
             *[f"{run.stages[s]:.1f}" if s in run.stages else "-" for s in STAGES],
             str(run.pages), f"{run.email_bytes:,}", versus, own, growth]
    return "| " + " | ".join(cells) + " |"


if __name__ == "__main__":
    main()
