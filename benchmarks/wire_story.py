"""One wire story that hundreds of outlets ran, in a week of other articles: does it stay one story?

    python benchmarks/wire_story.py [--outlets 300] [--others 1000]

Each outlet runs the wire's headline and lead, then a paragraph of its own (an AG News dev description); the
other articles are the next AG News dev items, untitled. The week is grouped twice with the same MiniLM
vectors: with the exact neighbour search (weeks under GROUP_EXACT_MAX_ITEMS) and with the approximate search
of big weeks forced on it. Printed: the largest story, how many of the outlets it holds, anything else in it,
and the five largest stories.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.embed import embed  # noqa: E402
from briefing.stories.group import GroupInput, embedding_text, group_with_vectors, model_text  # noqa: E402
from briefing.stories.settings import GROUP_EXACT_MAX_ITEMS  # noqa: E402
from briefing.text.entities import entities  # noqa: E402
from tests.helpers import agnews  # noqa: E402

DAY = dt.date(2026, 3, 10)
TITLE = "Ukraine and Russia agree a ceasefire around the Zaporizhzhia nuclear plant"
WIRE = ("Ukraine and Russia agreed on Tuesday to a ceasefire around the Zaporizhzhia nuclear power plant, the "
        "International Atomic Energy Agency said. Inspectors will return to the site next week.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outlets", type=int, default=300)
    parser.add_argument("--others", type=int, default=1000)
    args = parser.parse_args()
    rows = agnews(ROOT.parent / "shared", args.outlets + args.others)
    items = [GroupInput(f"w{n}", TITLE, f"{WIRE} {row['text']}", DAY, "en", f"Outlet {n}", "en")
             for n, row in enumerate(rows[:args.outlets])]
    items += [GroupInput(f"o{n}", "", row["text"], DAY, "en", f"Paper {n}", "en")
              for n, row in enumerate(rows[args.outlets:])]
    names = entities([embedding_text(item) for item in items], ["en"] * len(items))
    items = [dataclasses.replace(item, entities=tuple(found)) for item, found in zip(items, names, strict=True)]
    vectors = embed([model_text(item) for item in items])
    print(f"{args.outlets} outlets run one wire story among {args.others} other articles")
    print(f"{'search':14}{'largest':>9}{'outlets in it':>15}{'others in it':>14}   five largest")
    for search, limit in (("exact", GROUP_EXACT_MAX_ITEMS), ("approximate", 0)):
        stories = group_with_vectors(items, vectors, exact_max_items=limit)
        largest = max(stories, key=len)
        outlets = sum(position < args.outlets for position in largest)
        sizes = sorted((len(story) for story in stories), reverse=True)[:5]
        print(f"{search:14}{len(largest):>9}{outlets:>15}{len(largest) - outlets:>14}   {sizes}")


if __name__ == "__main__":
    main()
