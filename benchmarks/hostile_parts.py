"""Inputs built to make one stage slow, against plain ones, in one process: CPU seconds and how they grow.

    python benchmarks/hostile_parts.py [--runs 5]

Speed goals live here, not in timed unit tests (the tests check what these inputs give; a loaded machine made
a timed test fail on a build that takes half a second). Each row is the median CPU seconds of --runs, after
one warm-up that loads what the stage loads.

- jsonl: three lines built for a backtracking scan (escaped quotes, an open string of escaped quotes, a
  million "]"), each read at n and 2n characters: a linear check takes about 2x per doubling (a backtracking
  scan once took 86 s on a fifth of the first line); and an object of 100,000 and 200,000 keys whose first
  key comes again at the end (each object's keys are checked for a repeat); the floor is 3x.
- html: a page whose one tag carries 50,000 and 100,000 attributes (1 MB), against the same page without
  them; the floor is 3x per doubling.
- names: an English title padded with 50,000 and 100,000 spaces, read by the capitalised-name rule (a
  backtracking pattern once took 17 s on it); the floor is 3x per doubling.
- dedup: 1,000 and 2,000 copies of one seed article, each with a sentence of its own (a wire story many
  outlets carry: every phrase they share is common, so each copy is compared on all its phrases, looked up
  among their first holders): all must merge into one; the floor is 3x per doubling.
- summary: the five seed articles as one story, and the same with a sixth article of 40,000 sentences; the
  floor is 5x the plain story's time.
The whole build of a 100,000-letter title and other hostile fields: benchmarks/hostile.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from measure import median_cpu  # noqa: E402

from briefing.errors import BadInput  # noqa: E402
from briefing.ingest import ingest, read_bytes  # noqa: E402
from briefing.ingest.dedup import merge_duplicates  # noqa: E402
from briefing.runtime.jsonl import read_jsonl  # noqa: E402
from briefing.stories.summary import StoryDoc, summarize_story  # noqa: E402
from briefing.text.entities import entities  # noqa: E402

MAX_PER_DOUBLING = 3.0  # linear work doubles; quadratic work quadruples
MAX_SUMMARY_SLOWDOWN = 5.0


def cpu_median(work: Callable[[], object], runs: int) -> float:
    """The median CPU seconds of `runs` calls of `work`, after one warm-up call."""
    work()
    return median_cpu(work, runs)


def refused(line: str, reason: str = "not valid JSON") -> Callable[[], object]:
    """Reading `line` as JSON Lines, which must be refused with `reason`."""
    def read() -> None:
        try:
            list(read_jsonl(io.StringIO(line + "\n"), "in.jsonl"))
        except BadInput as error:
            if reason not in str(error):
                raise
        else:
            raise SystemExit(f"a crafted line was read as JSON: {line[:40]!r}…")
    return read


def jsonl_rows(runs: int) -> list[tuple[str, float, float]]:
    """(line, CPU s at n, at 2n) for each crafted JSON Lines line."""
    crafted = {
        "escaped quotes": lambda n: '\\"' * n,
        "open string of escaped quotes": lambda n: '{"a": "' + 'x\\"' * n,
        "closing brackets": lambda n: "]" * (5 * n),
    }
    rows = [(name, cpu_median(refused(make(100_000)), runs), cpu_median(refused(make(200_000)), runs))
            for name, make in crafted.items()]

    def keys(n: int) -> str:  # n keys, then the first again: refused only once every key is seen
        return "{" + ", ".join(f'"k{i}": {i}' for i in range(n)) + ', "k0": 0}'

    twice = "appears twice"
    rows.append(("keys, the first one again at the end",
                 cpu_median(refused(keys(100_000), twice), runs), cpu_median(refused(keys(200_000), twice), runs)))
    return rows


def html_page(story: str, attributes: int) -> bytes:
    """A page of `story`'s paragraphs whose one <div> carries `attributes` attributes."""
    crowd = " ".join(f'a{i}="v"' for i in range(attributes))
    body = "".join(f"<p>{paragraph}</p>" for paragraph in story.split("\n\n"))
    return f"<html><head><title>Article</title></head><body><div {crowd}>{body}</div></body></html>".encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per row (median)")
    args = parser.parse_args()
    seeds = ingest([str(ROOT / "seeds")]).articles
    print(f"median CPU seconds of {args.runs} runs after a warm-up")
    print()
    print("| stage | hostile input | plain / n s | hostile / 2n s | ratio | floor |")
    print("|---|---|---:|---:|---:|---:|")
    for name, once, twice in jsonl_rows(args.runs):
        print(f"| jsonl | {name}, n and 2n | {once:.3f} | {twice:.3f} | {twice / max(once, 1e-6):.2f} | "
              f"{MAX_PER_DOUBLING:g} |")
    story = seeds[0].text
    pages = {attributes: html_page(story, attributes) for attributes in (0, 50_000, 100_000)}  # made untimed
    plain, half, full = (cpu_median(lambda page=page: read_bytes(page, "a.html", today=None), args.runs)
                         for page in pages.values())
    print(f"| html | one tag with 50,000 and 100,000 attributes | {half:.3f} | {full:.3f} | {full / half:.2f} | "
          f"{MAX_PER_DOUBLING:g} |")
    print(f"| html | the page without them (plain) | {plain:.3f} | {full:.3f} | {full / plain:.1f} | - |")
    padded = [cpu_median(lambda n=n: entities(["Storm" + " " * n + "hits Boston."], ["en"]), args.runs)
              for n in (50_000, 100_000)]
    print(f"| names | a title padded with 50,000 and 100,000 spaces | {padded[0]:.3f} | {padded[1]:.3f} | "
          f"{padded[1] / padded[0]:.2f} | {MAX_PER_DOUBLING:g} |")
    wire = [dataclasses.replace(seeds[0], id=f"copy{i}", text=f"{seeds[0].text}\n\nÉdition régionale numéro {i}.")
            for i in range(2_000)]
    kept = [len(merge_duplicates(wire[:n])[0]) for n in (1_000, 2_000)]
    copies = [median_cpu(lambda n=n: merge_duplicates(wire[:n]), args.runs) for n in (1_000, 2_000)]  # warmed by `kept`
    print(f"| dedup | 1,000 and 2,000 copies of one story (kept: {kept[0]} and {kept[1]}) | {copies[0]:.3f} | "
          f"{copies[1]:.3f} | {copies[1] / copies[0]:.2f} | {MAX_PER_DOUBLING:g} |")
    docs = [StoryDoc(a.id, a.title, a.text, a.lang, a.date) for a in seeds]
    filler = " ".join(f"Des bénévoles ont nettoyé la rue numéro {i} de la ville." for i in range(40_000))
    huge = [*docs, StoryDoc("huge", None, filler, "fr", docs[0].date)]
    normal = cpu_median(lambda: summarize_story(docs, sentences=3), args.runs)
    hostile = cpu_median(lambda: summarize_story(huge, sentences=3), args.runs)
    print(f"| summary | a sixth article of 40,000 sentences | {normal:.3f} | {hostile:.3f} | "
          f"{hostile / normal:.2f} | {MAX_SUMMARY_SLOWDOWN:g} |")
    print()
    print("ratio: hostile at 2n over n (linear ~2); the page with 100,000 attributes over the page without; the "
          "story with the huge article over the plain story")


if __name__ == "__main__":
    main()
