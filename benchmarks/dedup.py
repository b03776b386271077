"""Near-duplicate removal at scale: `python benchmarks/dedup.py [--sizes 1500 5000] [--repeat 1]`.

Builds a folder of text files from real French articles (../shared/eval/orangesum_valid.jsonl, each
article cut into quarters so there are enough distinct stories), every file ending with the same 60-word
site footer, 30% of the files near copies of another (last sentence dropped, one word changed). Then
runs `briefing.ingest.ingest` on one process and prints, per size: CPU seconds (user+sys, median of
--repeat), how many of the copies were merged, and how many originals were wrongly merged.
The issue's bars: CPU at 5,000 files <= 4x the CPU at 1,500; >= 95% of the copies merged.

`--week N` measures the near-duplicate scan alone (`merge_duplicates`) on N real French articles of
../shared/eval/scale/ (the 20,448 of the scale runs) plus 30% near copies of them, each article ending with the
footer, in a child process: CPU seconds, the peak memory the scan adds (Linux VmHWM, reset after loading the
articles), copies merged and originals wrongly merged, and a digest of what was kept and merged (to compare two
checkouts: `PYTHONPATH=../other python benchmarks/dedup.py --week 20000` measures another checkout's code).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # after PYTHONPATH: another checkout of briefing can be measured

from measure import cpu_seconds, memory_mb  # noqa: E402

from briefing.ingest import ingest  # noqa: E402
from briefing.ingest.dedup import merge_duplicates  # noqa: E402
from briefing.records import Article  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "orangesum_valid.jsonl"
SCALE_DATA = ROOT.parent / "shared" / "eval" / "scale" / "orangesum_train.jsonl.gz"
COPY_SHARE = 0.3
FOOTER = (  # 60 words, the kind of footer cleaning keeps (no link, no copyright sign)
    "Cet article vous a été proposé par la rédaction de notre journal régional. Retrouvez chaque jour toute "
    "l'actualité de votre ville et de votre région sur notre site, inscrivez-vous à la lettre d'information "
    "du matin et suivez-nous sur les réseaux sociaux pour ne rien manquer des événements, des sorties et des "
    "informations pratiques près de chez vous. Bonne lecture !"
)
TODAY = dt.date(2026, 1, 1)


def stories(data: Path) -> list[str]:
    """Distinct story texts: each article's sentences cut into four parts."""
    parts = []
    with data.open(encoding="utf-8") as handle:
        for line in handle:
            sentences = json.loads(line)["article"].split(". ")
            quarter = max(1, len(sentences) // 4)
            for start in range(0, 4 * quarter, quarter):
                part = ". ".join(sentences[start:start + quarter]).strip()
                if len(part.split()) >= 50:
                    parts.append(part)
    return parts


def near_copy(text: str) -> str:
    """A repost: the last sentence dropped and one word changed."""
    sentences = text.split(". ")
    return ". ".join(sentences[:-1] if len(sentences) > 3 else sentences).replace(" le ", " ce ", 1)


def write_corpus(folder: Path, size: int, pool: list[str]) -> int:
    """`size` files, COPY_SHARE of them near copies; returns the number of copies."""
    copies = int(size * COPY_SHARE)
    originals = size - copies
    if originals > len(pool):
        raise SystemExit(f"only {len(pool)} distinct stories in the data: at most {int(len(pool) / 0.7)} files")
    for number in range(originals):
        (folder / f"story-{number:05d}.txt").write_text(f"{pool[number]}\n\n{FOOTER}\n", encoding="utf-8")
    for number in range(copies):
        source = pool[(number * 7) % originals]
        (folder / f"zcopy-{number:05d}.txt").write_text(f"{near_copy(source)}\n\n{FOOTER}\n", encoding="utf-8")
    return copies


def week(size: int) -> None:
    """The near-duplicate scan alone on `size` real articles and 30% near copies (module docstring)."""
    articles = []
    with gzip.open(SCALE_DATA, "rt", encoding="utf-8") as handle:
        for number, line in zip(range(size), handle, strict=False):
            row = json.loads(line)
            articles.append(Article(id=f"a{number}", path=f"story-{number:05d}.txt", title=row["title"],
                                    text=f"{row['article']}\n\n{FOOTER}", lang="fr"))
    copies = int(len(articles) * COPY_SHARE)
    articles += [Article(id=f"c{number}", path=f"zcopy-{number:05d}.txt", title="",
                         text=f"{near_copy(articles[(number * 7) % len(articles)].text)}", lang="fr")
                 for number in range(copies)]
    Path("/proc/self/clear_refs").write_text("5")  # the peak from here on: what the scan adds
    before, start = memory_mb("VmHWM"), cpu_seconds()
    kept, merged = merge_duplicates(articles)
    seconds, peak = cpu_seconds() - start, memory_mb("VmHWM")
    wrong = sum(not Path(m.dropped).name.startswith("zcopy-") for m in merged)
    digest = hashlib.sha256(json.dumps([[a.id for a in kept], [[m.kept_id, m.dropped, m.reason] for m in merged]])
                            .encode()).hexdigest()[:12]
    print(f"{len(articles):>8,} {seconds:>7.1f} {peak - before:>10,.0f} {before:>8,.0f} {copies:>7,} "
          f"{len(merged) - wrong:>7,} {wrong:>6} {digest:>13}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="OrangeSum JSONL")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1500, 5000], help="numbers of files")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (median)")
    parser.add_argument("--week", type=int, nargs="+", help="the scan alone on these numbers of real articles")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        week(args.child)
        return
    if args.week:
        print("near-duplicate scan alone (merge_duplicates), real articles + 30% near copies, each in a child")
        print(f"{'articles':>8} {'CPU s':>7} {'scan MB':>10} {'data MB':>8} {'copies':>7} {'merged':>7} {'wrong':>6} "
              f"{'kept+merged':>13}")
        for size in args.week:
            subprocess.run([sys.executable, __file__, "--child", str(size)], check=True, env=os.environ)
        return
    assert len(FOOTER.split()) == 60, len(FOOTER.split())
    pool = stories(args.data)
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="dedup-") as tmp:
            copies = write_corpus(Path(tmp), size, pool)
            times = []
            for _ in range(args.repeat):
                before = cpu_seconds()
                result = ingest([tmp], today=TODAY)
                times.append(cpu_seconds() - before)
            dropped = [Path(m.dropped).name for m in result.merged]
            merged_copies = sum(name.startswith("zcopy-") for name in dropped)
            wrong = len(dropped) - merged_copies
            rows.append((size, statistics.median(times), copies, merged_copies, wrong))
    print(f"{'files':>6} {'CPU s':>7} {'copies':>7} {'merged':>7} {'share':>6} {'wrong':>6}")
    for size, seconds, copies, merged, wrong in rows:
        print(f"{size:>6} {seconds:>7.1f} {copies:>7} {merged:>7} {merged / copies:>6.1%} {wrong:>6}")
    if len(rows) >= 2:
        ratio = rows[-1][1] / rows[0][1]
        print(f"CPU {rows[-1][0]} / {rows[0][0]} files: {ratio:.2f}x (bar: <= 4x)")


if __name__ == "__main__":
    main()
