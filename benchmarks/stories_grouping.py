"""Story grouping quality and speed on the dev sets (../shared/eval/stories), ours against average linkage.

    python benchmarks/stories_grouping.py [--repeat R]

Every method sees what the pipeline gives `briefing.stories.group.group`: each article's English title and
lead (`lead_text`, GROUP_LEAD_SENTENCES sentences); French articles go through the real apertium fr->en
translation (cached) when the set mixes languages. Dev sets:
- duc            DUC 2003, 326 English articles in 30 topic groups; the sources have no titles
- duc halves     the same, three random halves of the groups (seeded)
- ml mix         MultiLing M000-M004: French articles 0-4 (translated) and English 5-9 of each event
- ml mix, no title   the same without titles (the lead alone carries each article)
- week           DUC + ml mix + 100 AG News items (title + description) + 100 OrangeSum French articles
                 (translated): the 200 extra items are scored as stories of their own (AG News holds real
                 same-event pairs, so this row's precision is a floor)
- duc+300 fr     DUC + 300 OrangeSum French articles (translated), each a story of its own: the dev twin of the
                 held-out week of 50 English stories and 300 French single articles
- ml fr          MultiLing M000-M004, the 50 French articles alone (grouped in French, as a week of one
                 language is; --always-translate: through apertium as before)
- fr week        ml fr + the 100 OrangeSum French articles (scored as stories of their own: a floor)
Same-domain sets (one country or sector, many events: the product's real use; read their PRECISION):
- seeds          the repo's seeds/ (ingested): five French articles on Vietnam's digital economy, five events;
                 scored as singletons (precision 1.00 = five stories)
- test week      tests/stories/test_stage.py's week: a chip plant told by three outlets, floods, an AI accelerator
- sci, world     300 AG News items of one category each (Sci/Tech, World), scored as singletons: a floor, since
                 a few real same-event pairs exist
Rows (BCubed precision / recall / F1 from score.py):
- TF-IDF avg-link, fixed / best   sklearn TF-IDF (English stop words) and dense average-linkage agglomeration
                                  (cosine), the threshold best on `duc` for every set / best on each set
- MiniLM avg-link, fixed / best   the same on MiniLM vectors of the same texts
- ours                            `group_with_vectors` at GROUP_THRESHOLD (the vectors are those `group` makes)
- ours, best                      ours at the threshold best on each set (how far the fixed one is from it)
Then ours across thresholds (F1 per set; precision for seeds, sci and world); the top 10 stories of the two
weeks (ranked as the briefing ranks them: distinct publishers, then articles) that hold no stray article;
one-event weeks (each DUC 2003 story and each MultiLing event in English, French and the mix, alone as a
week: the share of it in its largest story), ours against ours without the one-event test (centred on
the event itself, as before), and French and English weeks of many events about one subject (a city, a
country, a person, a company, the epidemic) that the test must not take for one (AG News: one of them, Najaf, is
mostly one event, the siege of August 2004); and CPU seconds to group 1,000 and 5,000 items against the
TF-IDF baseline (median of --repeat runs, embedding excluded: stand-in vectors come from LSA of the TF-IDF).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import json
import random
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.embed import embed  # noqa: E402
from briefing.ingest import ingest  # noqa: E402
from briefing.records import Article  # noqa: E402
from briefing.stories import StoryOptions  # noqa: E402
from briefing.stories import group as grouping  # noqa: E402
from briefing.stories.group import GroupInput, embedding_text, group_with_vectors, lead_text, model_text  # noqa: E402
from briefing.stories.settings import GROUP_THRESHOLD  # noqa: E402
from briefing.stories.stage import grouping_inputs  # noqa: E402
from briefing.text.candidates import candidates  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(EVAL / "stories"))
from measure import median_cpu  # noqa: E402
from score import bcubed  # noqa: E402

from tests.stories.test_stage import week_articles  # noqa: E402

SEED = 0
DISTRACTORS = 100  # of each kind: AG News English items, OrangeSum French articles
FRENCH_SINGLES = 300  # the duc+300 fr week
BASELINE_THRESHOLDS = np.round(np.arange(0.30, 0.99, 0.02), 2)  # cosine distances
OUR_THRESHOLDS = (0.12, 0.14, 0.17, 0.19, 0.22, 0.25, 0.28)
TIMING_SIZES = (1000, 5000)
SAME_DOMAIN = 300  # AG News items of one category
ALWAYS_TRANSLATE = False  # --always-translate
SINGLETON_SETS = ("seeds", "sci", "world")  # every item its own story: only precision means something
# same-subject weeks: up to 10 OrangeSum articles whose title names one of these (many events each)
SUBJECTS = ("Paris", "Marseille", "Lyon", "Chine", "Trump", "Macron", "coronavirus", "Covid")
# ...and up to 10 AG News dev items whose title names one of these (English; most are many events)
ENGLISH_SUBJECTS = ("Iraq", "Bush", "Kerry", "Putin", "Sudan", "Najaf", "Israel", "Microsoft", "Google", "Intel",
                    "IBM", "Oil", "Hurricane", "Olympic")

Stories = list[list[int]]


def read_jsonl(path: Path) -> list[dict]:
    """One JSON object per non-blank line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def english_items(rows: Sequence[dict]) -> list[GroupInput]:
    """GroupInputs as the pipeline builds them (`grouping_inputs`): a set of one language is read in that
    language; in a set of several, French titles and leads go through apertium fr->en (cached). With
    --always-translate, French is translated in every set (the pipeline before one-language weeks stayed
    untranslated)."""
    articles = [Article(id=r["id"], path=r["id"], title=r["title"] or "", text=r["text"], lang=r["lang"],
                        date=dt.date.fromisoformat(r["date"]) if r.get("date") else None,
                        publisher=r.get("publisher"), title_derived=not r["title"]) for r in rows]
    if ALWAYS_TRANSLATE and len({a.lang for a in articles}) == 1 and articles[0].lang != "en":
        articles.append(Article(id="bridge", path="bridge", title="", text="A bridge.", lang="en"))
        return grouping_inputs(articles, StoryOptions(engine="apertium"))[0][:-1]
    return grouping_inputs(articles, StoryOptions(engine="apertium"))[0]


def dev_sets() -> dict[str, tuple[list[GroupInput], dict[str, str]]]:
    """Name -> (items, gold story of each item id)."""
    duc = read_jsonl(EVAL / "stories" / "duc2003_docs.jsonl")
    ml = [r for r in read_jsonl(EVAL / "stories" / "multiling_docs.jsonl")
          if (r["lang"] == "fr" and int(r["id"][4]) <= 4) or (r["lang"] == "en" and int(r["id"][4]) >= 5)]
    with (EVAL / "agnews_dev.csv").open(encoding="utf-8", newline="") as handle:
        agnews = [{"id": f"ag{i}", "story": f"ag{i}", "lang": "en", "title": r["title"], "text": r["description"]}
                  for i, r in enumerate(list(csv.DictReader(handle))[:DISTRACTORS])]
    singles = [{"id": f"os{r['id']}", "story": f"os{r['id']}", "lang": "fr", "title": r["title"],
                "text": r["article"], "date": r["date"]}
               for r in read_jsonl(EVAL / "orangesum_valid.jsonl")[:FRENCH_SINGLES]]
    orangesum = singles[:DISTRACTORS]
    rows = duc + ml + agnews + singles
    gold = {r["id"]: r["story"] for r in rows}
    every = dict(zip((r["id"] for r in rows), english_items(rows), strict=True))

    def pick(ids: Sequence[str], *, titles: bool = True) -> tuple[list[GroupInput], dict[str, str]]:
        items = [every[i] if titles else dataclasses.replace(every[i], title="") for i in ids]
        return items, {i: gold[i] for i in ids}

    duc_ids = [r["id"] for r in duc]
    ml_ids = [r["id"] for r in ml]
    sets = {"duc": pick(duc_ids)}
    groups = sorted({r["story"] for r in duc})
    for seed in range(3):
        keep = set(random.Random(SEED + seed).sample(groups, len(groups) // 2))
        sets[f"duc half {seed}"] = pick([r["id"] for r in duc if r["story"] in keep])
    sets["ml mix"] = pick(ml_ids)
    sets["ml mix, no title"] = pick(ml_ids, titles=False)
    sets["week"] = pick([r["id"] for r in duc + ml + agnews + orangesum])
    sets["duc+300 fr"] = pick([r["id"] for r in duc + singles])
    # French alone: grouped in French (a week of one language is not translated)
    french = [r for r in read_jsonl(EVAL / "stories" / "multiling_docs.jsonl") if r["lang"] == "fr"]
    for name, chosen in (("ml fr", french), ("fr week", french + orangesum)):
        sets[name] = (english_items(chosen), {r["id"]: r["story"] for r in chosen})
    return sets | same_domain_sets()


def same_domain_sets() -> dict[str, tuple[list[GroupInput], dict[str, str]]]:
    """The seeds, the tests' week, both as one week (two languages) and two AG News categories: many events of
    one domain."""
    articles = ingest([str(ROOT / "seeds")]).articles
    seeds = [{"id": a.id, "story": a.id, "lang": a.lang, "title": None if a.title_derived else a.title,
              "text": a.text} for a in articles]
    chips = {"t1", "t2", "t3"}
    week = [{**r, "story": "chips" if r["id"] in chips else r["id"]} for r in week_articles()]
    # t5 (NIC and JICA launch an AI accelerator in Hanoi) tells the event of seeds/000_*.txt (VietLeap AI Accelerator)
    accelerator = next(a.id for a in articles if Path(a.path).name.startswith("000_"))
    both = seeds + [{**r, "story": accelerator} if r["id"] == "t5" else r for r in week]
    with (EVAL / "agnews_dev.csv").open(encoding="utf-8", newline="") as handle:
        agnews = list(csv.DictReader(handle))
    sets = {"seeds": seeds, "test week": week, "seeds + test week": both}
    for label, name in (("4", "sci"), ("1", "world")):
        sets[name] = [{"id": f"ag{i}", "story": f"ag{i}", "lang": "en", "title": r["title"], "text": r["description"]}
                      for i, r in enumerate(agnews) if r["label"] == label][:SAME_DOMAIN]
    return {name: (english_items(rows), {r["id"]: r["story"] for r in rows}) for name, rows in sets.items()}


def one_event_sets() -> dict[str, tuple[list[GroupInput], dict[str, str]]]:
    """Each DUC 2003 story, and each MultiLing event in English, in French and as the mix, alone as a week."""
    duc = read_jsonl(EVAL / "stories" / "duc2003_docs.jsonl")
    ml = read_jsonl(EVAL / "stories" / "multiling_docs.jsonl")
    chosen: dict[str, list[dict]] = {}
    for row in duc:
        chosen.setdefault(row["story"], []).append(row)
    for row in ml:
        chosen.setdefault(f"{row['story']} {row['lang']}", []).append(row)
        if (row["lang"] == "fr") == (int(row["id"][4]) <= 4):
            chosen.setdefault(f"{row['story']} mix", []).append(row)
    return {name: (english_items(rows), {r["id"]: r["story"] for r in rows}) for name, rows in chosen.items()}


def same_subject_sets() -> dict[str, tuple[list[GroupInput], dict[str, str]]]:
    """Weeks of many events about one subject: the first 10 OrangeSum dev articles whose title names a city, a
    country, a person or the epidemic ("fr Paris"...), and the first 10 AG News dev items whose title names
    ENGLISH_SUBJECTS ("en Kerry"...); each article scored as a story of its own (a few may share one)."""
    rows = read_jsonl(EVAL / "orangesum_valid.jsonl")
    weeks = {}
    for subject in SUBJECTS:
        chosen = [{"id": f"os{r['id']}", "story": f"os{r['id']}", "lang": "fr", "title": r["title"],
                   "text": r["article"], "date": r["date"]} for r in rows if subject in r["title"]][:10]
        weeks[f"fr {subject}"] = (english_items(chosen), {r["id"]: r["story"] for r in chosen})
    with (EVAL / "agnews_dev.csv").open(encoding="utf-8", newline="") as handle:
        agnews = list(csv.DictReader(handle))
    for subject in ENGLISH_SUBJECTS:
        chosen = [{"id": f"ag{i}", "story": f"ag{i}", "lang": "en", "title": r["title"], "text": r["description"]}
                  for i, r in enumerate(agnews) if subject in r["title"]][:10]
        weeks[f"en {subject}"] = (english_items(chosen), {r["id"]: r["story"] for r in chosen})
    return weeks


def top_pure(items: Sequence[GroupInput], gold: dict[str, str], stories: Stories, count: int = 10) -> int:
    """Of the `count` stories a briefing would lead with (most distinct publishers, then most articles), how
    many hold articles of one multi-article gold story only (no stray article)."""
    sizes: dict[str, int] = {}
    for story in gold.values():
        sizes[story] = sizes.get(story, 0) + 1
    ranked = sorted(stories, key=lambda s: (-len({items[p].publisher for p in s}), -len(s), s))[:count]
    pure = 0
    for story in ranked:
        found = {gold[items[p].id] for p in story}
        pure += len(found) == 1 and sizes[next(iter(found))] > 1
    return pure


def one_events(weeks: dict[str, tuple[list[GroupInput], dict[str, str]]],
               subjects: dict[str, tuple[list[GroupInput], dict[str, str]]]) -> None:
    """The share of each one-event week in its largest story: ours, and ours without the one-event test; then
    the same-subject weeks of many events that the test takes for one event (80 % or more in one story)."""
    shares: dict[str, list[float]] = {"ours": [], "without": []}
    names = sorted(weeks)

    def largest(items: Sequence[GroupInput], vectors: np.ndarray) -> float:
        return max(len(s) for s in group_with_vectors(items, vectors)) / len(items)

    def both(items: Sequence[GroupInput]) -> tuple[float, float]:
        vectors = embed([model_text(i) for i in items])
        ours = largest(items, vectors)
        saved = (grouping.GROUP_ONE_EVENT_COSINE, grouping.GROUP_ONE_EVENT_COSINE_OTHER)
        grouping.GROUP_ONE_EVENT_COSINE = grouping.GROUP_ONE_EVENT_COSINE_OTHER = 2.0  # no week passes the test
        without = largest(items, vectors)
        grouping.GROUP_ONE_EVENT_COSINE, grouping.GROUP_ONE_EVENT_COSINE_OTHER = saved
        return ours, without

    for name in names:
        ours, without = both(weeks[name][0])
        shares["ours"].append(ours)
        shares["without"].append(without)
    print()
    print(f"one-event weeks ({len(names)}: 30 DUC stories, 5 MultiLing events x en/fr/mix), share in the largest story")
    print(f"{'':34}{'>= 80 %':>10}{'mean':>8}{'min':>8}   DUC >= 80 %   MultiLing en / fr / mix >= 80 %")
    for label, title in (("without", "centred on the week (before)"), ("ours", "ours (one-event test)")):
        values = shares[label]
        kept = [v >= 0.8 for v in values]
        parts = {kind: sum(k for n, k in zip(names, kept, strict=True) if n.endswith(kind))
                 for kind in ("en", "fr", "mix")}
        duc = sum(k for n, k in zip(names, kept, strict=True) if n.startswith("d"))
        print(f"{title:34}{f'{sum(kept)}/{len(kept)}':>10}{statistics.mean(values):>8.2f}{min(values):>8.2f}"
              f"   {duc}/30         {parts['en']}/5 / {parts['fr']}/5 / {parts['mix']}/5")
    low = [f"{n} {v:.2f}" for n, v in zip(names, shares["ours"], strict=True) if v < 0.8]
    print("under 80 % with ours: " + ", ".join(low))
    for lang, title in (("fr", "French weeks (OrangeSum titles naming"),
                        ("en", "English weeks (AG News titles naming")):
        found = {name.split(" ", 1)[1]: (len(items), *both(items)) for name, (items, _) in subjects.items()
                 if name.startswith(f"{lang} ")}
        taken = sum(ours >= 0.8 for _, ours, _ in found.values())
        print(f"same-subject {title} ...) taken for one event (80 % or more in one story): {taken}/{len(found)}; "
              "share in the largest story, ours (without the test):")
        print("  " + "; ".join(f"{name} {n}: {ours:.2f} ({without:.2f})" for name, (n, ours, without) in found.items()))


def score(items: Sequence[GroupInput], gold: dict[str, str], stories: Stories) -> tuple[float, float, float]:
    """BCubed precision, recall, F1."""
    predicted = {items[p].id: number for number, story in enumerate(stories) for p in story}
    return bcubed(gold, predicted)


def average_linkage(distances: np.ndarray, threshold: float) -> Stories:
    """The baseline: sklearn's dense average-linkage agglomeration on precomputed cosine distances."""
    labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                     distance_threshold=threshold).fit_predict(distances)
    stories: dict[int, list[int]] = {}
    for position, label in enumerate(labels):
        stories.setdefault(int(label), []).append(position)
    return list(stories.values())


def tfidf_distances(items: Sequence[GroupInput]) -> np.ndarray:
    """Cosine distances of sklearn TF-IDF vectors (English stop words) of each item's title and lead."""
    vectors = TfidfVectorizer(stop_words="english").fit_transform([embedding_text(i) for i in items])
    return np.clip(1 - (vectors @ vectors.T).toarray(), 0, 2)


def vector_distances(vectors: np.ndarray) -> np.ndarray:
    """Cosine distances of unit vectors."""
    return np.clip(1 - vectors @ vectors.T, 0, 2)


def best(results: dict[float, tuple[float, float, float]]) -> tuple[float, tuple[float, float, float]]:
    """The threshold with the highest F1 (the first one on ties) and its scores."""
    threshold = max(results, key=lambda t: results[t][2])
    return threshold, results[threshold]


def quality(sets: dict[str, tuple[list[GroupInput], dict[str, str]]]) -> None:
    """The quality table, then ours across thresholds."""
    vectors = {name: embed([model_text(i) for i in items]) for name, (items, _) in sets.items()}
    sweeps: dict[str, dict[str, dict[float, tuple[float, float, float]]]] = {}
    for name, (items, gold) in sets.items():
        tfidf, minilm = tfidf_distances(items), vector_distances(vectors[name])
        sweeps[name] = {
            "TF-IDF": {t: score(items, gold, average_linkage(tfidf, t)) for t in BASELINE_THRESHOLDS},
            "MiniLM": {t: score(items, gold, average_linkage(minilm, t)) for t in BASELINE_THRESHOLDS},
            "ours": {t: score(items, gold, group_with_vectors(items, vectors[name], threshold=t))
                     for t in sorted({*OUR_THRESHOLDS, GROUP_THRESHOLD})},
        }
    fixed = {method: best(sweeps["duc"][method])[0] for method in ("TF-IDF", "MiniLM")}
    names = list(sets)
    print(f"{'method':34}" + "".join(f"{name:>20}" for name in names))
    print(f"{'(BCubed P / R / F1)':34}" + "".join(f"{f'{len(sets[n][0])} items':>20}" for n in names))

    def row(label: str, pick: Callable[[str], tuple[float, float, float]]) -> None:
        print(f"{label:34}" + "".join(f"{'{:.2f} {:.2f} {:.3f}'.format(*pick(n)):>20}" for n in names))

    for method in ("TF-IDF", "MiniLM"):
        row(f"{method} avg-link, fixed ({fixed[method]:.2f})", lambda n, m=method: sweeps[n][m][fixed[m]])
        row(f"{method} avg-link, best on set", lambda n, m=method: best(sweeps[n][m])[1])
    row(f"ours ({GROUP_THRESHOLD})", lambda n: sweeps[n]["ours"][GROUP_THRESHOLD])
    ours_stories = {n: group_with_vectors(sets[n][0], vectors[n]) for n in ("week", "duc+300 fr")}
    row("ours, best on set", lambda n: best(sweeps[n]["ours"])[1])
    print("top 10 stories with no stray article (ours): " + "; ".join(
        f"{n}: {top_pure(sets[n][0], sets[n][1], ours_stories[n])}/10" for n in ours_stories))
    print("best thresholds: " + "; ".join(
        f"{n}: TF-IDF {best(sweeps[n]['TF-IDF'])[0]:.2f}, MiniLM {best(sweeps[n]['MiniLM'])[0]:.2f}, "
        f"ours {best(sweeps[n]['ours'])[0]:.2f}" for n in names))
    print()
    print(f"{'ours, F1 (P) by threshold':34}" + "".join(f"{name:>20}" for name in names) + f"{'worst F1':>10}")
    for t in sorted(sweeps["duc"]["ours"]):
        shown = [sweeps[n]["ours"][t][0 if n in SINGLETON_SETS else 2] for n in names]
        f1 = [sweeps[n]["ours"][t][2] for n in names if n not in SINGLETON_SETS]
        print(f"{t:<34}" + "".join(f"{f:>20.3f}" for f in shown) + f"{min(f1):>10.3f}")


def timing(repeat: int) -> None:
    """CPU seconds to group n English items: ours against the dense TF-IDF average-linkage baseline."""
    with (EVAL / "agnews_dev.csv").open(encoding="utf-8", newline="") as handle:
        agnews = [(r["title"], r["description"]) for r in csv.DictReader(handle)]
    duc = read_jsonl(EVAL / "stories" / "duc2003_docs.jsonl")
    news = [line for line in (EVAL / "newstest2013.en").read_text(encoding="utf-8").splitlines() if line.strip()]
    # DUC articles give two items each: the lead, and the next sentences
    later = [" ".join(c.text for c in candidates(r["text"], "en")[6:12]) for r in duc]
    texts = [("", lead_text(r["text"], "en")) for r in duc] + [("", t) for t in later if t] + agnews
    texts += [("", line) for line in news]
    print()
    print(f"{'grouping time (CPU s, median)':34}{'ours':>12}{'TF-IDF avg-link':>18}   items")
    for n in TIMING_SIZES:
        items = [GroupInput(f"t{i}", title, lead, None, "en", None, "en") for i, (title, lead) in enumerate(texts[:n])]
        if len(items) < n:
            sys.exit(f"only {len(items)} timing texts, need {n}")
        tfidf = TfidfVectorizer(stop_words="english").fit_transform([embedding_text(i) for i in items])
        stand_in = normalize(TruncatedSVD(384, random_state=SEED).fit_transform(tfidf)).astype(np.float32)
        ours = median_cpu(lambda items=items, v=stand_in: group_with_vectors(items, v), repeat)
        baseline = median_cpu(lambda items=items: average_linkage(tfidf_distances(items), 0.9), repeat)
        print(f"{n:<34}{ours:>12.2f}{baseline:>18.2f}   {n}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timing runs per size (the median is shown)")
    parser.add_argument("--always-translate", action="store_true",
                        help="translate French for grouping in one-language sets too (as before)")
    args = parser.parse_args()
    global ALWAYS_TRANSLATE
    ALWAYS_TRANSLATE = args.always_translate
    quality(dev_sets())
    one_events(one_event_sets(), same_subject_sets())
    timing(args.repeat)


if __name__ == "__main__":
    main()
