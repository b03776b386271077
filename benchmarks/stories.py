"""Stories: grouping BCubed, summary ROUGE and a big week's briefing, each against its baselines, in one run.

    python benchmarks/stories.py [--skip grouping|summaries|week ...]

Runs, in order and in one process each (so one's models and caches do not flatter the next):
- benchmarks/stories_grouping.py   BCubed P/R/F1 on the shared story sets: TF-IDF and MiniLM average-linkage
                                   agglomeration (fixed and best-on-set thresholds) against ours, the top 10
                                   stories with no stray article, one-event weeks (each story alone: its
                                   share in its largest story), and the grouping time for 1,000 and 5,000
- benchmarks/stories_summaries.py  ROUGE-1.5.5 recall (the shared scorer, DUC 2004 settings): first sentence
                                   and first paragraph of each article, centroid, and ours; English 100 words
                                   with stemming (DUC 2003), French 250 words without (MultiLing)
- benchmarks/stories_week.py       a week of about 800 articles through `briefing build`: PDF pages, email
                                   size, the top 10 stories, grouping BCubed, build time, and the named
                                   entities (stories listing two names or more, CPU per article)
Needs ../shared/eval/, perl with Debian's libxml-dom-perl (ROUGE) and apertium (French articles).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = {
    "grouping": ["stories_grouping.py"],
    "summaries": ["stories_summaries.py", "--halves"],
    "week": ["stories_week.py"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip", nargs="*", choices=sorted(PARTS), default=[], help="parts not to run")
    args = parser.parse_args()
    failed = []
    for name, (script, *options) in PARTS.items():
        if name in args.skip:
            continue
        print(f"\n## {name}: python benchmarks/{script} {' '.join(options)}\n", flush=True)
        if subprocess.run([sys.executable, str(HERE / script), *options], check=False).returncode != 0:
            failed.append(name)
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
