"""Render time and output sizes for briefings of 5, 50 and 500 real articles (one-article stories).

    python benchmarks/render.py [--counts 5 30 50 500] [--runs 3] [--data ../shared/eval/orangesum_valid.jsonl]

Articles come from the OrangeSum dev file (French news): the English title and summary fields hold
the original title and the article's first three sentences (rendering cost does not depend on the
language), the original summary holds the journalist's abstract, and articles are dealt round-robin
into six themes, each article its own story. The renderer shows the top 10 and 40 in full, and
lists the rest one line each. Each size is rendered `--runs` times into a fresh folder; the table shows the
median. The baseline is the smallest briefing of the same run: "x time" is the time against it,
"per article" the cost of one article against the 50-article briefing's (1.00 = linear growth).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pypdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.records import Article, Briefing, Period, Section, Story  # noqa: E402
from briefing.render import render  # noqa: E402
from briefing.render.settings import EMAIL_MAX_BYTES  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "orangesum_valid.jsonl"
THEMES = ("Politics", "Economy", "Society", "World", "Technology", "Other")
GENERATED = dt.datetime(2025, 10, 6, 8, 0, tzinfo=dt.UTC)
LEAD_SENTENCES = 3  # the pipeline's default summary length


def load_articles(path: Path, count: int) -> list[Article]:
    """The first `count` OrangeSum articles as rendered articles (see the module docstring)."""
    articles: list[Article] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if len(articles) == count:
                break
            record = json.loads(line)
            lead = " ".join(re.split(r"(?<=[.!?])\s+", record["article"])[:LEAD_SENTENCES])
            articles.append(Article(
                id=record["id"], path=f"orangesum/{record['id']}", title=record["title"], text=record["article"],
                lang="fr", date=dt.date.fromisoformat(record["date"]) if record.get("date") else None,
                url=f"https://actu.orange.fr/{record['id']}", publisher="Orange Actualités",
                summary=record["abstract"], title_en=record["title"], summary_en=lead,
                theme=THEMES[len(articles) % len(THEMES)],
            ))
    if len(articles) < count:
        raise SystemExit(f"{path} holds only {len(articles)} articles, {count} asked")
    return articles


def briefing_of(articles: list[Article]) -> Briefing:
    """A briefing of one-article stories, ranked in file order and grouped by theme in THEMES order."""
    stories = [
        Story(id=f"s{a.id}", articles=(a,), lang=a.lang, title=a.title, summary=a.summary, title_en=a.title_en,
              summary_en=a.summary_en, rank=rank, theme=a.theme)
        for rank, a in enumerate(articles, 1)
    ]
    sections = tuple(
        Section(theme, tuple(s for s in stories if s.theme == theme), ("keyword",))
        for theme in THEMES if any(s.theme == theme for s in stories)
    )
    dates = sorted(a.date for a in articles if a.date)
    return Briefing(
        title="Benchmark briefing", period=Period(dates[0], dates[-1]) if dates else Period(None, None),
        sections=sections, generated=GENERATED, languages=("fr",), publishers=("Orange Actualités",),
        translated=True, engine="benchmark", undated=sum(1 for a in articles if a.date is None),
    )


def measure(briefing: Briefing, runs: int) -> tuple[float, dict[str, int], int]:
    """Median seconds of `runs` renders, the size of each output in bytes, and the PDF's page count."""
    times = []
    sizes: dict[str, int] = {}
    pages = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            outputs = render(briefing, Path(folder))
            times.append(time.perf_counter() - start)
            sizes = {p.suffix.lstrip("."): p.stat().st_size for p in outputs.all()}
            pages = len(pypdf.PdfReader(outputs.pdf).pages)
    return statistics.median(times), sizes, pages


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", type=int, nargs="+", default=[5, 50, 500])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()

    articles = load_articles(args.data, max(args.counts))
    render(briefing_of(articles[:2]), Path(tempfile.mkdtemp()))  # warm-up: imports and font loading
    rows = []
    for count in sorted(args.counts):
        seconds, sizes, pages = measure(briefing_of(articles[:count]), args.runs)
        rows.append((count, seconds, sizes, pages))

    base_count, base_seconds = rows[0][0], rows[0][1]
    ref = next((r for r in rows if r[0] == 50), rows[0])
    ref_per_article = ref[1] / ref[0]
    print(f"render benchmark: {args.data.name}, median of {args.runs} run(s); baseline = {base_count} articles")
    print("| articles | pages | median s | x time vs baseline | ms/article | per article vs 50 "
          "| PDF KB | email KB | text KB | JSON KB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for count, seconds, sizes, pages in rows:
        print(f"| {count} | {pages} | {seconds:.2f} | {seconds / base_seconds:.1f} | {1000 * seconds / count:.0f} "
              f"| {seconds / count / ref_per_article:.2f} | {sizes['pdf'] / 1000:.0f} | {sizes['html'] / 1000:.0f} "
              f"| {sizes['txt'] / 1000:.0f} | {sizes['json'] / 1000:.0f} |")
    print(f"email budget: {EMAIL_MAX_BYTES / 1000:.0f} KB (Gmail clips above 102 KB)")


if __name__ == "__main__":
    main()
