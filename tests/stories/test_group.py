"""Story grouping: real translation (apertium), real MiniLM vectors, real dev data when ../shared is there."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from briefing.embed import embed
from briefing.stories.group import (
    GroupInput,
    embedding_text,
    group,
    group_with_vectors,
    lead_text,
    model_text,
)
from briefing.stories.settings import (
    GROUP_CENTRE_MIN_ITEMS,
    GROUP_EXACT_MAX_ITEMS,
    GROUP_LEAD_SENTENCES,
)
from briefing.text import split_sentences
from briefing.text.entities import entities
from briefing.translate import open_translator
from tests.helpers import agnews

DAY = dt.date(2026, 3, 10)
# Dev-set floors a little under the measured BCubed F1 (benchmarks/stories_grouping.py); they only go down for
# a measured trade, said here. MIX_FLOOR 0.95 -> 0.93: the int8 embedding model with fused, quantized attention
# (3.3x cheaper than sentence-transformers instead of 2.6-2.9x) moves one of the mix's 50 articles, 0.963 ->
# 0.943; the held-out bar is 0.90.
DUC_FLOOR = 0.95
MIX_FLOOR = 0.93
# The stray rules and one-event weeks (benchmarks/stories_grouping.py measures the full-size weeks).
MIXED_WEEK_FLOOR = (0.94, 0.94)  # BCubed precision, recall of DUC + 100 translated French singles: 0.957, 0.959
MIXED_WEEK_PURE_FLOOR = 7  # of its 10 biggest stories, those holding one gold story only: 7
ONE_EVENT_FLOOR = 24  # DUC 2003 stories that, alone as a week, keep 80 % of their articles in one story

# Articles written for these tests: two events told by several outlets (one in French), and three
# unrelated stories of the same week.
FLOOD_FR = (
    "Inondations à Porto Alegre : au moins 40 morts",
    "Des pluies torrentielles ont provoqué des inondations meurtrières à Porto Alegre, dans le sud du Brésil. "
    "Au moins 40 personnes sont mortes et des milliers d'habitants ont été évacués, selon la défense civile. "
    "Le fleuve Guaíba a atteint un niveau record mardi.",
)
FLOOD_EN = [
    ("Floods in southern Brazil kill at least 40 in Porto Alegre",
     "Torrential rain caused deadly floods in Porto Alegre in southern Brazil. At least 40 people died and "
     "thousands of residents were evacuated, civil defence officials said. The Guaíba river reached a record level."),
    ("Brazil: Porto Alegre floods force thousands from homes",
     "Thousands of people were evacuated from Porto Alegre after the Guaíba river burst its banks. The floods "
     "in southern Brazil have killed at least 40 people, according to the civil defence."),
]
RATES_FR = (
    "La banque centrale de Norvège relève son taux directeur à 4,75 %",
    "La banque centrale de Norvège a relevé jeudi son taux directeur d'un quart de point, à 4,75 %. "
    "Elle veut freiner l'inflation, qui reste élevée. La couronne norvégienne a progressé après l'annonce.",
)
RATES_EN = [
    ("Norway's central bank raises its key rate to 4.75%",
     "Norway's central bank raised its key interest rate by a quarter point to 4.75% on Thursday to curb "
     "inflation. The Norwegian crown rose after the announcement."),
    ("Norges Bank lifts interest rate by a quarter point",
     "The Norwegian central bank lifted its policy rate to 4.75% on Thursday, saying inflation remains too "
     "high. The crown gained against the euro."),
]
LONE_EN = [
    ("Chess prodigy wins the Tata Steel tournament in Wijk aan Zee",
     "A 17-year-old grandmaster won the Tata Steel chess tournament in Wijk aan Zee on Sunday, beating the "
     "world champion in the final round."),
    ("Louvre opens a new wing for Islamic art",
     "The Louvre museum in Paris opened a new wing dedicated to Islamic art on Monday, with more than 3,000 "
     "objects from Spain to India."),
    ("Smartphone maker unveils a foldable phone with a week-long battery",
     "A Chinese smartphone maker unveiled a foldable phone whose battery lasts a week, at a launch event in "
     "Shenzhen on Wednesday."),
]


def item(number: int, title: str, lead: str, *, lang: str = "en", space: str = "en") -> GroupInput:
    """A GroupInput with plausible defaults."""
    return GroupInput(id=f"a{number}", title=title, lead=lead, date=DAY, lang=lang, publisher=f"outlet {number}",
                      space=space)


def translated(title: str, lead: str) -> tuple[str, str]:
    """Title and lead through the real apertium fr->en chain, as the pipeline sends them."""
    with open_translator("fr", "en", engine="apertium", use_cache=False) as translator:
        english_title, english_lead = translator.translate_lines([title, lead])
    return english_title, english_lead


@pytest.fixture(scope="module")
def week() -> list[GroupInput]:
    """Two events (each: one French article translated by apertium, two English ones) and three lone stories."""
    texts = [translated(*FLOOD_FR), *FLOOD_EN, translated(*RATES_FR), *RATES_EN, *LONE_EN]
    langs = ["fr", "en", "en", "fr", "en", "en", "en", "en", "en"]
    return [item(i, title, lead, lang=lang) for i, ((title, lead), lang) in enumerate(zip(texts, langs, strict=True))]


@pytest.mark.slow
def test_same_event_in_french_and_english_is_one_story(week: list[GroupInput]) -> None:
    stories = group(week)
    assert [0, 1, 2] in stories
    assert [3, 4, 5] in stories


@pytest.mark.slow
def test_unrelated_articles_stay_alone(week: list[GroupInput]) -> None:
    stories = group(week)
    assert [6] in stories and [7] in stories and [8] in stories
    assert sorted(p for story in stories for p in story) == list(range(len(week)))
    assert stories == sorted(stories) and all(story == sorted(story) for story in stories)


@pytest.mark.slow
def test_a_small_week_still_groups_one_event_and_keeps_another_apart() -> None:
    """Under GROUP_CENTRE_MIN_ITEMS items there is no batch mean to subtract: plain cosines decide."""
    small = [item(0, *FLOOD_EN[0]), item(1, *FLOOD_EN[1]), item(2, *LONE_EN[1])]
    assert len(small) < GROUP_CENTRE_MIN_ITEMS
    assert group(small) == [[0, 1], [2]]
    assert group(small[:2]) == [[0, 1]]


@pytest.mark.slow
def test_same_input_gives_the_same_stories(week: list[GroupInput]) -> None:
    assert group(week) == group(list(week))


def test_articles_of_different_spaces_are_never_grouped() -> None:
    title, lead = FLOOD_EN[0]
    items = [item(0, title, lead, lang="pt", space="pt"), item(1, title, lead), item(2, title, lead, lang="pt",
             space="pt"), item(3, *LONE_EN[0])]
    assert group_with_vectors(items, None) == [[0, 2], [1], [3]]


def test_empty_and_single_weeks() -> None:
    assert group([]) == []
    assert group([item(0, *LONE_EN[0])]) == [[0]]


def test_items_without_words_stay_alone() -> None:
    empty = [item(i, "", "", lang="pt", space="pt") for i in range(3)]
    assert group(empty) == [[0], [1], [2]]
    stop_words = [item(i, "Les", "et la", lang="fr", space="fr") for i in range(2)]
    assert group([*stop_words, item(2, *LONE_EN[1], lang="fr", space="fr")]) == [[0], [1], [2]]


def test_lead_text_skips_captions_and_keeps_the_first_sentences() -> None:
    sentences = [f"The river rose {n} centimetres overnight in the old town." for n in range(20)]
    text = "Photo : AFP\n\n" + " ".join(sentences)
    assert lead_text(text, "en") == " ".join(sentences[:GROUP_LEAD_SENTENCES])


def test_thousands_of_items_without_an_n_by_n_matrix() -> None:
    n = 3000
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(4000)]
    items = [item(i, f"{words[rng.integers(4000)]} {words[rng.integers(4000)]} report",
                  " ".join(words[j] for j in rng.integers(0, 4000, 40))) for i in range(n)]
    # every tenth item repeats the one before it: 300 two-article stories
    items = [item(i, items[i - 1].title, items[i - 1].lead) if i % 10 == 1 else it for i, it in enumerate(items)]
    vectors = rng.normal(size=(n, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[1::10] = vectors[0::10]
    tracemalloc.start()
    stories = group_with_vectors(items, vectors)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < n * n * 4 / 2  # half of one float32 n x n matrix
    assert sum(len(story) for story in stories) == n
    story_of = {p: number for number, story in enumerate(stories) for p in story}
    assert all(story_of[i] == story_of[i + 1] for i in range(0, n, 10))


def _bcubed(shared_dir: Path) -> Callable[[dict[str, str], dict[str, int]], tuple[float, float, float]]:
    sys.path.insert(0, str(shared_dir / "eval" / "stories"))
    try:
        from score import bcubed
    finally:
        sys.path.pop(0)
    return bcubed


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _f1(shared_dir: Path, rows: list[dict], items: list[GroupInput]) -> float:
    stories = group(items)
    predicted = {items[p].id: number for number, story in enumerate(stories) for p in story}
    return _bcubed(shared_dir)({r["id"]: r["story"] for r in rows}, predicted)[2]


@pytest.mark.slow
def test_dev_floor_duc_2003_leads(shared_dir: Path) -> None:
    """DUC 2003's 30 topic groups from the leads alone (the sources have no titles): measured 0.962."""
    rows = _read_jsonl(shared_dir / "eval" / "stories" / "duc2003_docs.jsonl")
    items = [GroupInput(r["id"], "", lead_text(r["text"], "en"), dt.date.fromisoformat(r["date"]), "en",
                        r["publisher"], "en") for r in rows]
    assert _f1(shared_dir, rows, items) >= DUC_FLOOR


@pytest.mark.slow
def test_dev_floor_french_english_mix_through_apertium(shared_dir: Path) -> None:
    """MultiLing's five events, French articles 0-4 translated by apertium and English 5-9: measured 0.943."""
    rows = [r for r in _read_jsonl(shared_dir / "eval" / "stories" / "multiling_docs.jsonl")
            if (r["lang"] == "fr") == (int(r["id"][4]) <= 4)]
    french = [r for r in rows if r["lang"] == "fr"]
    with open_translator("fr", "en", engine="apertium", use_cache=False) as translator:
        lines = [line for r in french for line in (r["title"], lead_text(r["text"], "fr"))]
        english = iter(translator.translate_lines(lines))
    items = []
    for r in rows:
        title, lead = (next(english), next(english)) if r["lang"] == "fr" else (r["title"], lead_text(r["text"], "en"))
        items.append(GroupInput(r["id"], title, lead, None, r["lang"], r["publisher"], "en"))
    assert _f1(shared_dir, rows, items) >= MIX_FLOOR


# --- stray articles and one-event weeks ---------------------------------------------------------------


def _duc_week(shared_dir: Path) -> tuple[list[dict], list[GroupInput]]:
    rows = _read_jsonl(shared_dir / "eval" / "stories" / "duc2003_docs.jsonl")
    leads = [lead_text(r["text"], "en") for r in rows]
    names = entities(leads, ["en"] * len(rows))
    items = [GroupInput(r["id"], "", lead, dt.date.fromisoformat(r["date"]), "en", r["publisher"], "en",
                        entities=found) for r, lead, found in zip(rows, leads, names, strict=True)]
    return rows, items


@pytest.mark.slow
def test_a_week_that_is_one_event_stays_one_story(shared_dir: Path) -> None:
    """Each DUC 2003 story alone as a week: centred on its own mean it fell apart (8-27 % in its largest story);
    measured 26 of the 30 keep 80 % or more (the rest share no person or organisation: topics, not events)."""
    rows, items = _duc_week(shared_dir)
    vectors = embed([model_text(i) for i in items])
    kept = 0
    for story in sorted({r["story"] for r in rows}):
        positions = [p for p, r in enumerate(rows) if r["story"] == story]
        stories = group_with_vectors([items[p] for p in positions], vectors[positions])
        kept += max(len(s) for s in stories) >= 0.8 * len(positions)
    assert kept >= ONE_EVENT_FLOOR


@pytest.mark.parametrize("search", ["exact", "approximate"])
def test_one_wire_story_that_a_hundred_and_twenty_outlets_ran_is_one_story(shared_dir: Path, search: str) -> None:
    """120 outlets run one wire story (its headline and lead, then a paragraph of their own) in a week of 30
    other articles: one story of nearly all the 120 and nothing else, the others apart. Each article kept its 20
    nearest only, and a missing link counts as 0, so the story fell into pieces of at most 17. The same with
    the approximate neighbour search of a week of 10,000 articles or more (forced here): at most 17."""
    rows = agnews(shared_dir, 150)
    title = "Ukraine and Russia agree a ceasefire around the Zaporizhzhia nuclear plant"
    wire = ("Ukraine and Russia agreed on Tuesday to a ceasefire around the Zaporizhzhia nuclear power plant, the "
            "International Atomic Energy Agency said. Inspectors will return to the site next week.")
    items = [GroupInput(f"w{n}", title, f"{wire} {row['text']}", DAY, "en", f"Outlet {n}", "en")
             for n, row in enumerate(rows[:120])]
    items += [GroupInput(f"o{n}", "", row["text"], DAY, "en", f"Paper {n}", "en") for n, row in enumerate(rows[120:])]
    names = entities([embedding_text(item) for item in items], ["en"] * len(items))
    items = [dataclasses.replace(item, entities=tuple(found)) for item, found in zip(items, names, strict=True)]
    vectors = embed([model_text(item) for item in items])
    stories = group_with_vectors(items, vectors, exact_max_items=GROUP_EXACT_MAX_ITEMS if search == "exact" else 50)
    largest = max(stories, key=len)
    assert len(largest) >= 114 and max(largest) < 120, sorted(len(s) for s in stories)[-5:]  # 116 measured
    assert all(len(story) <= 3 for story in stories if story is not largest)


def test_copies_of_one_article_are_one_story_and_leave_the_rest_as_it_was(shared_dir: Path) -> None:
    """2,000 outlets paste one wire story word for word among 40 other articles: the copies are one story of
    exactly them (grouped once, as one item), and the other articles group as they do without the copies."""
    rows = agnews(shared_dir, 40)
    others = [GroupInput(f"o{n}", "", row["text"], DAY, "en", f"Paper {n}", "en")
              for n, row in enumerate(rows)]
    wire = GroupInput("w", "Ukraine and Russia agree a ceasefire around the Zaporizhzhia nuclear plant",
                      "Ukraine and Russia agreed on Tuesday to a ceasefire around the Zaporizhzhia nuclear power "
                      "plant, the International Atomic Energy Agency said.", DAY, "en", "Wire", "en")
    copies = [dataclasses.replace(wire, id=f"w{n}", publisher=f"Outlet {n}") for n in range(2000)]
    items = [*copies[:400], *others, *copies[400:]]
    stories = group(items)
    assert sorted(p for p in range(len(items)) if items[p].id.startswith("w")) in stories
    alone = group([*others, wire])
    assert sorted(story for story in alone if story != [40]) == sorted(
        [[p - 400 for p in story] for story in stories if story[0] >= 400 and story[-1] < 440])


def test_the_other_articles_of_a_week_mostly_one_wire_story_stay_apart(shared_dir: Path) -> None:
    """250 French outlets run one story (its headline and three lead sentences, then text of their own) among
    15 other articles: the week's mean is that story, and centred on it the 15 shared the one direction it took
    away and became one story. They are now grouped among themselves."""
    rows = [json.loads(line) for line in
            (shared_dir / "eval" / "orangesum_valid.jsonl").read_text(encoding="utf-8").splitlines()]
    wire = " ".join(split_sentences(rows[754]["article"], "fr")[:3])
    items = [GroupInput(f"w{n}", rows[754]["title"], lead_text(f"{wire} {rows[800 + n]['article']}", "fr"), DAY,
                        "fr", f"Outlet {n}", "fr") for n in range(250)]
    items += [GroupInput(f"o{n}", row["title"], lead_text(row["article"], "fr"), DAY, "fr", f"Paper {n}", "fr")
              for n, row in enumerate(rows[1200:1215])]
    names = entities([embedding_text(item) for item in items], ["fr"] * len(items))
    items = [dataclasses.replace(item, entities=tuple(found)) for item, found in zip(items, names, strict=True)]
    stories = group(items)
    largest = max(stories, key=len)
    assert len(largest) >= 245, sorted(len(s) for s in stories)[-5:]
    assert max(len(story) for story in stories if story is not largest) <= 3, sorted(len(s) for s in stories)[-5:]


@pytest.mark.slow
def test_a_french_week_about_one_person_is_not_taken_for_one_event(shared_dir: Path) -> None:
    """Ten OrangeSum articles whose titles name Emmanuel Macron, each about something else: their French reads
    alike to MiniLM and all name him, but no other name recurs, so the week is not one event (it was: one story
    of ten); centred, they stay apart."""
    rows = [json.loads(line) for line in
            (shared_dir / "eval" / "orangesum_valid.jsonl").read_text(encoding="utf-8").splitlines()]
    chosen = [r for r in rows if "Macron" in r["title"]][:10]
    leads = [lead_text(r["article"], "fr") for r in chosen]
    names = entities([f"{r['title']}.\n{lead}" for r, lead in zip(chosen, leads, strict=True)], ["fr"] * 10)
    items = [GroupInput(f"os{r['id']}", r["title"], lead, None, "fr", None, "fr", entities=found)
             for r, lead, found in zip(chosen, leads, names, strict=True)]
    assert sum(any("Macron" in m.name for m in found) for found in names) >= 5
    assert max(len(story) for story in group(items)) <= 2


@pytest.mark.slow
def test_dev_floor_english_stories_among_translated_french_singles(shared_dir: Path) -> None:
    """DUC 2003's 30 stories with 100 single French OrangeSum articles translated by apertium: the singles
    paired up and strayed into stories; measured precision 0.957, recall 0.959, 7 of the 10 biggest stories
    pure (two pairs of DUC stories on one subject, the Yangtze and aid agencies, stay merged)."""
    rows, items = _duc_week(shared_dir)
    french = [json.loads(line) for line in
              (shared_dir / "eval" / "orangesum_valid.jsonl").read_text(encoding="utf-8").splitlines()[:100]]
    with open_translator("fr", "en", engine="apertium", use_cache=False) as translator:
        lines = [line for r in french for line in (r["title"], lead_text(r["article"], "fr"))]
        english = iter(translator.translate_lines(lines))
    names = entities([f"{r['title']}.\n{r['article']}" for r in french], ["fr"] * len(french))
    items += [GroupInput(f"os{r['id']}", next(english), next(english), None, "fr", None, "en", entities=found)
              for r, found in zip(french, names, strict=True)]
    gold = {r["id"]: r["story"] for r in rows} | {f"os{r['id']}": f"os{r['id']}" for r in french}
    stories = group(items)
    predicted = {items[p].id: number for number, story in enumerate(stories) for p in story}
    precision, recall, _ = _bcubed(shared_dir)(gold, predicted)
    assert precision >= MIXED_WEEK_FLOOR[0] and recall >= MIXED_WEEK_FLOOR[1], (precision, recall)
    biggest = sorted(stories, key=len, reverse=True)[:10]
    assert sum(len({gold[items[p].id] for p in story}) == 1 for story in biggest) >= MIXED_WEEK_PURE_FLOOR
