"""Story summary quality and speed: lead baselines, a centroid summary and briefing's story summarizer, in one run.

Usage: python benchmarks/stories_summaries.py [--data ../shared/eval/stories] [--halves] [--repeats 3]

Prints one Markdown table: ROUGE-1 and ROUGE-2 recall (the official ROUGE-1.5.5 through the eval folder's
score.py) on DUC 2003 (30 English groups, 100 words, stemming: the DUC 2004 settings of the English bar)
and on MultiLing 2011 M000-M004 (the 10 French articles of each event, 250 words, no stemming: the French
bar's settings), for:
  - first sentence of each article (the French bar's baseline), articles by date;
  - first paragraph of each article, articles by date;
  - centroid: today's per-article summarizer on the articles put end to end;
  - briefing's story summarizer (`briefing.stories.summary.summarize_story`).
Each row also gives the CPU time per story (median over stories of the best of --repeats passes). A last
line times one 50-article story (five DUC groups merged). --halves adds columns for DUC groups 1-15 and 16-30
(sorted by name), to see whether a change helps both halves or only one, and a second table of R-2 on each
MultiLing event alone, in French and in English (the same events' English articles and English summaries, 250
words, stemming: a second look at the French bar's kind of story, not a bar itself). The eval texts are
research data: read from ../shared, never copied into the project.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from briefing.ingest.dates import dates_in_text
from briefing.stories.summary import StoryDoc, summarize_story
from briefing.text.candidates import candidates

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "stories"
TODAY = dt.date(2026, 1, 1)  # MultiLing datelines name a weekday, day and month; any later "today" settles the year

Method = Callable[[Sequence[StoryDoc], int], list[str]]


def by_date(docs: Sequence[StoryDoc]) -> list[StoryDoc]:
    """Articles by date, undated ones last, else in the given order (as the story summarizer reads them)."""
    return sorted(docs, key=lambda doc: (doc.date is None, doc.date or dt.date.min))


def first_sentences(docs: Sequence[StoryDoc], words: int) -> list[str]:
    """The first usable sentence of each article (ROUGE cuts the whole at `words` words)."""
    return [cands[0].text for doc in by_date(docs) if (cands := candidates(doc.text, doc.lang))]


def first_paragraphs(docs: Sequence[StoryDoc], words: int) -> list[str]:
    """The first paragraph of each article."""
    return [doc.text.strip().split("\n\n")[0] for doc in by_date(docs) if doc.text.strip()]


def centroid(docs: Sequence[StoryDoc], words: int) -> list[str]:
    """Today's per-article summarizer on the articles end to end, as one document of `words` words."""
    ordered = by_date(docs)
    merged = StoryDoc("all", None, "\n\n".join(doc.text for doc in ordered), ordered[0].lang, None)
    return summarize_story([merged], words=words)


def ours(docs: Sequence[StoryDoc], words: int) -> list[str]:
    """briefing's story summarizer."""
    return summarize_story(docs, words=words)


METHODS: list[tuple[str, Method]] = [
    ("first sentence of each article (baseline)", first_sentences),
    ("first paragraph of each article", first_paragraphs),
    ("centroid (per-article summarizer on all articles)", centroid),
    ("briefing story summary (concept coverage)", ours),
]


def load_scorer(data: Path) -> ModuleType:
    """The eval folder's score.py (official ROUGE-1.5.5 settings of the bars)."""
    spec = importlib.util.spec_from_file_location("stories_score", data / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def doc_of(row: dict) -> StoryDoc:
    """A StoryDoc from an eval row; MultiLing rows carry their date only in a written dateline."""
    date = dt.date.fromisoformat(row["date"]) if row.get("date") else None
    if date is None and row.get("dateline"):
        date = next(iter(dates_in_text(row["dateline"], TODAY)), None)
    return StoryDoc(row["id"], row.get("title"), row["text"], row["lang"], date)


def load_set(data: Path, docs_file: str, refs_file: str, lang: str) -> tuple[dict[str, list[StoryDoc]], dict]:
    """Stories (their `lang` articles) and their human summaries in `lang`."""
    stories: dict[str, list[StoryDoc]] = {}
    for row in read_jsonl(data / docs_file):
        if row["lang"] == lang:
            stories.setdefault(row["story"], []).append(doc_of(row))
    refs = {row["story"]: row["summaries"] for row in read_jsonl(data / refs_file) if row["lang"] == lang}
    return stories, refs


def run(method: Method, stories: dict[str, list[StoryDoc]], words: int, repeats: int) -> tuple[dict[str, str], float]:
    """Each story's summary, and the median over stories of the best CPU seconds of `repeats` runs."""
    summaries: dict[str, str] = {}
    seconds: list[float] = []
    for story, docs in stories.items():
        best = float("inf")
        for _ in range(repeats):
            start = time.process_time()
            summaries[story] = " ".join(method(docs, words))
            best = min(best, time.process_time() - start)
        seconds.append(best)
    return summaries, statistics.median(seconds)


def per_event(scorer: ModuleType, method: Method, french: tuple[dict, dict], english: tuple[dict, dict],
              french_out: dict[str, str]) -> dict[str, float]:
    """ROUGE-2 recall of each MultiLing event alone: French ("M000 fr"…), then English ("M000 en"…)."""
    scores = {}
    for lang, (stories, refs) in (("fr", french), ("en", english)):
        out = french_out if lang == "fr" else {s: " ".join(method(docs, 250)) for s, docs in stories.items()}
        for story in sorted(refs):
            got = scorer.rouge({story: out[story]}, {story: refs[story]}, words=250, stem=lang == "en")
            scores[f"{story} {lang}"] = got["rouge2"]
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the eval stories folder")
    parser.add_argument("--halves", action="store_true",
                        help="add DUC 2003 groups 1-15 and 16-30, and each MultiLing event alone (fr and en)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per story; the best is kept")
    args = parser.parse_args(argv)
    if not (args.data / "score.py").is_file():
        print(f"error: {args.data}/score.py not found; pass --data PATH", file=sys.stderr)
        return 2
    scorer = load_scorer(args.data)
    duc = load_set(args.data, "duc2003_docs.jsonl", "duc2003_refs.jsonl", "en")
    multiling = load_set(args.data, "multiling_docs.jsonl", "multiling_refs.jsonl", "fr")
    english = load_set(args.data, "multiling_docs.jsonl", "multiling_refs.jsonl", "en")
    print("ROUGE-1.5.5 recall ×100 (R-1 / R-2). DUC 2003: 30 English groups, 100 words, stemming. "
          "MultiLing M000-M004: 10 French articles per event, 250 words, no stemming.\n"
          f"ms/story = CPU milliseconds per story, median over stories of the best of {args.repeats} runs.\n")
    names = sorted(duc[1])
    parts = [("DUC 2003", names)]
    if args.halves:
        parts += [("DUC 1-15", names[:15]), ("DUC 16-30", names[15:])]
    header = " | ".join(f"{part} R-1 | {part} R-2" for part, _ in parts)
    print(f"| method | {header} | ML fr R-1 | ML fr R-2 | ms/story DUC | ms/story ML |")
    print("|---|" + "---:|" * (2 * len(parts) + 4))
    events: list[tuple[str, dict[str, float]]] = []
    for name, method in METHODS:
        duc_out, duc_time = run(method, duc[0], 100, args.repeats)
        ml_out, ml_time = run(method, multiling[0], 250, args.repeats)
        if args.halves:
            events.append((name, per_event(scorer, method, multiling, english, ml_out)))
        cells = []
        for _, part in parts:
            got = scorer.rouge({s: duc_out[s] for s in part}, {s: duc[1][s] for s in part}, words=100, stem=True)
            cells.append(f"{got['rouge1']:.2f} | {got['rouge2']:.2f}")
        got = scorer.rouge(ml_out, multiling[1], words=250, stem=False)
        cells.append(f"{got['rouge1']:.2f} | {got['rouge2']:.2f}")
        print(f"| {name} | {' | '.join(cells)} | {1000 * duc_time:.1f} | {1000 * ml_time:.1f} |")
    if events:
        columns = list(events[0][1])
        print("\nROUGE-2 recall of each MultiLing event alone (250 words; French as above, English with stemming):\n")
        print("| method | " + " | ".join(columns) + " |")
        print("|---|" + "---:|" * len(columns))
        for name, scores in events:
            print(f"| {name} | " + " | ".join(f"{scores[c]:.2f}" for c in columns) + " |")
    big = [doc for story in names[:5] for doc in duc[0][story]][:50]
    _, big_time = run(ours, {"big": big}, 100, args.repeats)
    print(f"\nOne story of {len(big)} articles (DUC groups {names[0]}-{names[4]} merged), 100 words: "
          f"{1000 * big_time:.0f} ms CPU (best of {args.repeats}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
