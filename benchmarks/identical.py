"""Same inputs, same files: does this checkout build byte-identical briefings to another commit?

    python benchmarks/identical.py [--base REV] [--jobs N]

A restructuring must not change what users get. This builds two weeks with this checkout and with REV
(default: HEAD~1, checked out beside it with `git worktree`), each with a fixed run date and generation
date and no cache, and compares the JSON, HTML and text files byte for byte:

- `seeds/`: the five sample articles;
- a 200-article week from the shared development sets (English DUC 2003 newswire, the MultiLing
  French/English mix and single French OrangeSum articles: the first 200 of `stories_week.py`'s week),
  so grouping, translation (apertium), themes and the email budget all run.

The PDF is compared on its extracted text (`pdftotext`); its bytes hold a document id. Exit code 1 when
any file differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from stories_week import WEEK, week_records  # noqa: E402

FIXED = ["--today", "2025-10-08", "--creation-date", "2025-10-08T08:00:00", "--no-cache", "--engine", "apertium"]
WEEK_ARTICLES = 200


def build(checkout: Path, sources: list[str], out: Path, cache: Path, extra: list[str]) -> None:
    """`python -m briefing build` with `checkout`'s code; raises on a failed build."""
    env = {**os.environ, "PYTHONPATH": str(checkout), "XDG_CACHE_HOME": str(cache)}
    subprocess.run([sys.executable, "-m", "briefing", "-q", "build", *sources, "--out", str(out), *FIXED, *extra],
                   check=True, cwd=checkout, env=env, stdout=subprocess.DEVNULL)


def compare(left: Path, right: Path) -> list[str]:
    """One line per output file: same or different."""
    lines = []
    for path in sorted(left.glob("briefing-*")):
        other = right / path.name
        if path.suffix == ".pdf":
            same = other.is_file() and _pdf_text(path) == _pdf_text(other)
        else:
            same = other.is_file() and path.read_bytes() == other.read_bytes()
        lines.append(f"{'same' if same else 'DIFFERENT'}  {path.name} ({path.stat().st_size:,} bytes)")
    missing = {p.name for p in right.glob("briefing-*")} - {p.name for p in left.glob("briefing-*")}
    lines.extend(f"DIFFERENT  {name} (only in one build)" for name in sorted(missing))
    return lines


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="HEAD~1", help="the commit to compare with (default: HEAD~1)")
    parser.add_argument("--jobs", default="1", help="--jobs of both builds")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="briefing-identical-"))
    base = work / "base"
    subprocess.run(["git", "worktree", "add", "--detach", str(base), args.base], check=True, cwd=ROOT,
                   capture_output=True)
    try:
        records, _ = week_records(50)
        week = work / "week"
        week.mkdir()
        (week / "week.json").write_text(json.dumps(records[:WEEK_ARTICLES], ensure_ascii=False), encoding="utf-8")
        cache = work / "cache"  # the converted embedding model only: both builds run with --no-cache
        differences = 0
        for name, sources, extra in (
            ("seeds/", [str(ROOT / "seeds")], []),
            (f"{WEEK_ARTICLES}-article week", [str(week)], ["--week", WEEK]),
        ):
            outs = [work / f"{label}-{name.strip('/').split()[0]}" for label in ("base", "new")]
            build(base, sources, outs[0], cache, [*extra, "--jobs", args.jobs])
            build(ROOT, sources, outs[1], cache, [*extra, "--jobs", args.jobs])
            print(f"{name}: {args.base} against this checkout")
            for line in compare(*outs):
                print(f"  {line}")
                differences += line.startswith("DIFFERENT")
        print("identical" if not differences else f"{differences} file(s) differ")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True)
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
