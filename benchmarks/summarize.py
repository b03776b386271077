"""Summary quality and speed on OrangeSum: lead-2, sumy LexRank/TextRank and briefing's rankers, in one run.

Usage: python benchmarks/summarize.py [--data ../shared/eval/orangesum_valid.jsonl] [--sentences 2]
       [--limit N] [--repeats 3] [--no-title]

Prints one Markdown table: method, ROUGE-1/2/L F1 (rouge-score, lower-case Unicode \\w+ tokens, no stemming,
as ../shared/eval/README.md says), documents per CPU second of this process (median of --repeats
interleaved passes, splitting included; CPU time, so other jobs on a shared machine do not skew it) and
speed relative to sumy LexRank measured in the same run. The last row is the `briefing summarize` command on
the articles twice over (3,000 JSON Lines records as `ingest --jsonl` writes them), run in this process: JSON
reading and writing included, start-up not; its ROUGE is that of its first 1,500 summaries. sumy is a benchmark-only
dependency (`pip install -e .[bench]`); it gets briefing's sentence splitter and a \\w+ word tokenizer
because its default tokenizer needs NLTK data that cannot be downloaded offline.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rouge_score import rouge_scorer

from briefing.summarize import summarize
from briefing.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "orangesum_valid.jsonl"
LANG = "fr"
_WORD = re.compile(r"\w+")

Summarizer = Callable[[dict], str]


class WordTokenizer:
    """The eval README's ROUGE tokenizer: lower-case Unicode \\w+ tokens, no stemming."""

    def tokenize(self, text: str) -> list[str]:
        return _WORD.findall(text.lower())


class SumyTokenizer:
    """What sumy needs from a tokenizer, without NLTK data: briefing's splitter and \\w+ words."""

    language = "french"

    def to_sentences(self, text: str) -> tuple[str, ...]:
        return tuple(split_sentences(text, LANG))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(sentence))


def sumy_method(name: str, n: int) -> Summarizer:
    """A sumy summarizer (LexRank or TextRank) with French stemming and stop words."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    cls = {"lexrank": LexRankSummarizer, "textrank": TextRankSummarizer}[name]
    summarizer = cls(Stemmer("french"))
    summarizer.stop_words = get_stop_words("french")
    tokenizer = SumyTokenizer()

    def run(row: dict) -> str:
        document = PlaintextParser.from_string(row["article"], tokenizer).document
        return " ".join(str(s) for s in summarizer(document, n))

    return run


def briefing_method(method: str, n: int, use_title: bool) -> Summarizer:
    """One of briefing's rankers, given the article's title when `use_title`."""

    def run(row: dict) -> str:
        title = row.get("title") if use_title else None
        return " ".join(summarize(row["article"], LANG, n, method=method, title=title))

    return run


Batch = Callable[[list[dict]], tuple[list[str], int]]
"""A method run over all the rows: (one summary per row, documents it processed)."""


def per_row(run: Summarizer) -> Batch:
    """A summarizer of one row, run over every row."""
    return lambda rows: ([run(row) for row in rows], len(rows))


def command_method(rows: list[dict], n: int, copies: int,
                   folder: Path) -> tuple[Batch, Callable[[list[dict]], list[str]]]:
    """`briefing summarize --sentences n --title-field title` on the rows `copies` times over, as `ingest --jsonl`
    writes them, run in this process (reading and writing JSON Lines included, process start-up not); and how
    to read its summaries of the rows back once it has run (the input is written here, before any timing)."""
    from briefing.cli import main

    def run(rows: list[dict]) -> tuple[list[str], int]:
        with target.open("w", encoding="utf-8") as out, contextlib.redirect_stdout(out):
            main.main(["summarize", "--input", str(source), "--sentences", str(n), "--title-field", "title"],
                      prog_name="briefing", standalone_mode=False)
        return [], copies * len(rows)

    def summaries(rows: list[dict]) -> list[str]:
        with target.open(encoding="utf-8") as written:
            found = [json.loads(line)["summary"] for line in written]
        assert len(found) == copies * len(rows)
        return found[: len(rows)]

    source, target = folder / "articles.jsonl", folder / "summaries.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for number, row in enumerate(rows):
                record = {"id": f"{copy}-{number}", "title": row["title"], "text": row["article"], "lang": LANG}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return run, summaries


def timed_outputs(
    methods: list[tuple[str, Batch]], rows: list[dict], repeats: int
) -> list[tuple[list[str], float]]:
    """Each method's outputs and its median docs/s; passes are interleaved so every method sees the same load."""
    rates: list[list[float]] = [[] for _ in methods]
    outputs: list[list[str]] = [[] for _ in methods]
    for _ in range(repeats):
        for slot, (_, run) in enumerate(methods):
            start = time.process_time()
            outputs[slot], docs = run(rows)
            rates[slot].append(docs / (time.process_time() - start))
    return [(out, statistics.median(rate)) for out, rate in zip(outputs, rates, strict=True)]


def rouge(rows: list[dict], hypotheses: list[str]) -> tuple[float, float, float]:
    """Mean ROUGE-1, ROUGE-2 and ROUGE-L F1, in %, against each row's "abstract"."""
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=WordTokenizer())
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    for row, hypothesis in zip(rows, hypotheses, strict=True):
        for key, score in scorer.score(row["abstract"], hypothesis).items():
            totals[key] += score.fmeasure
    r1, r2, rl = (100 * totals[k] / len(rows) for k in ("rouge1", "rouge2", "rougeL"))
    return r1, r2, rl


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="OrangeSum-style JSONL file")
    parser.add_argument("--sentences", type=int, default=2, help="summary length (default 2)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles (quick runs)")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per method; the median is shown")
    parser.add_argument("--no-title", action="store_true", help="do not give briefing's ranker the title")
    parser.add_argument("--copies", type=int, default=2,
                        help="the `briefing summarize` row reads the articles this many times over (default 2: 3,000)")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"error: {args.data} not found; pass --data PATH", file=sys.stderr)
        return 2
    with args.data.open(encoding="utf-8") as stream:
        rows = [json.loads(line) for line in stream if line.strip()][: args.limit]
    n = args.sentences
    methods: list[tuple[str, Batch]] = [
        (f"lead-{n} (baseline)", per_row(briefing_method("lead", n, False))),
        (f"sumy LexRank-{n}", per_row(sumy_method("lexrank", n))),
        ("sumy TextRank-1", per_row(sumy_method("textrank", 1))),
        (f"briefing centroid-{n}" + ("" if args.no_title else " + title"),
         per_row(briefing_method("centroid", n, not args.no_title))),
    ]
    scratch = tempfile.TemporaryDirectory(prefix="summarize-bench-")
    if not args.no_title:
        command, written = command_method(rows, n, args.copies, Path(scratch.name))
        methods.append((f"`briefing summarize` JSONL, {args.copies * len(rows):,} articles", command))
    timed = timed_outputs(methods, rows, args.repeats)
    if not args.no_title:
        timed[-1] = (written(rows), timed[-1][1])
    scratch.cleanup()
    lexrank_rate = timed[1][1]
    print(f"OrangeSum: {len(rows)} articles from {args.data.name}, --sentences {n}; "
          f"docs/s = articles per CPU second of this process, median of {args.repeats} interleaved passes\n")
    print("| method | ROUGE-1 | ROUGE-2 | ROUGE-L | docs/s | × LexRank speed |")
    print("|---|---:|---:|---:|---:|---:|")
    for (name, _), (hypotheses, rate) in zip(methods, timed, strict=True):
        r1, r2, rl = rouge(rows, hypotheses)
        print(f"| {name} | {r1:.2f} | {r2:.2f} | {rl:.2f} | {rate:.0f} | {rate / lexrank_rate:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
