"""Stage 3 as a whole: headlines and ids, the `briefing stories` stage command, and a build that groups and caps.

Grouping and multi-article summaries have their own tests (test_group.py, test_summary.py); here the stages
run together on real files, with real apertium for the French articles."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.render.settings import EMAIL_MAX_BYTES
from briefing.stories import StoryOptions
from briefing.stories.settings import GROUP_ONE_LANGUAGE_MIN_ITEMS
from briefing.stories.stage import best_headline, grouping_inputs, story_id
from tests.conftest import make_article, path_as_language_code
from tests.stories.conftest import WEEK

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")


# Three events of one week, written for these tests: a chip plant (two French outlets and one English),
# floods in central Vietnam (one French outlet), an AI accelerator (one English outlet).
CHIP_FR_VNA = (
    "Le groupe sud-coréen Samsung a inauguré mercredi à Thai Nguyen une usine d’assemblage et de test de puces "
    "électroniques, un investissement de 1,8 milliard de dollars. L’usine emploiera 3.000 ingénieurs et "
    "techniciens vietnamiens d’ici 2027, selon Samsung.\n\n"
    "Le vice-Premier ministre a salué un projet qui place le Vietnam dans la chaîne mondiale des semi-conducteurs. "
    "Samsung Electronics produit déjà au Vietnam la moitié de ses téléphones."
)


CHIP_FR_LEMONDE = (
    "Samsung ouvre à Thai Nguyen, dans le nord du Vietnam, une usine de test et d’assemblage de puces qui a "
    "coûté 1,8 milliard de dollars. Le géant coréen veut y former 3.000 ingénieurs vietnamiens.\n\n"
    "Pour Hanoï, l’usine de Samsung est un pas vers l’industrie des semi-conducteurs, que le gouvernement "
    "veut développer d’ici 2030 avec l’aide des investisseurs étrangers."
)


CHIP_EN_REUTERS = (
    "Samsung Electronics opened a 1.8 billion dollar chip packaging and testing plant in Thai Nguyen, "
    "northern Vietnam, on Wednesday. The plant will employ 3,000 Vietnamese engineers and technicians by "
    "2027, Samsung said.\n\n"
    "Vietnam hopes the Samsung plant will help it join the global semiconductor supply chain."
)


FLOODS_FR = (
    "Des pluies torrentielles ont provoqué des inondations dans la province de Quang Tri et à Hue, dans le "
    "centre du Vietnam, où des milliers de maisons ont été submergées lundi. Les autorités ont évacué les "
    "habitants des zones basses.\n\n"
    "Les écoles de Hue resteront fermées jusqu’à la fin de la semaine, selon le comité populaire provincial."
)


ACCELERATOR_EN = (
    "The National Innovation Centre in Hanoi launched an accelerator for artificial intelligence start-ups "
    "with the Japan International Cooperation Agency. Twenty start-ups will receive mentoring and funding "
    "over six months.\n\n"
    "The programme is the first of its kind between Vietnam and Japan, the centre's director said."
)


def week_articles() -> list[dict[str, Any]]:
    """The test week as JSON records, the way a user's export would hold them."""
    def record(number: int, title: str, text: str, lang: str, publisher: str, day: int) -> dict[str, Any]:
        return {"id": f"t{number}", "title": title, "text": text, "lang": lang, "publisher": publisher,
                "date": f"2025-10-{day:02d}", "url": f"https://example.org/{publisher.lower()}/{number}"}

    return [
        record(1, "Samsung inaugure une usine de puces à Thai Nguyen", CHIP_FR_VNA, "fr", "VNA", 1),
        record(2, "Samsung mise sur le Vietnam pour ses puces", CHIP_FR_LEMONDE, "fr", "LeMonde", 2),
        record(3, "Samsung opens chip plant in northern Vietnam", CHIP_EN_REUTERS, "en", "Reuters", 1),
        record(4, "Inondations à Hue et Quang Tri", FLOODS_FR, "fr", "VNA", 3),
        record(5, "Hanoi centre launches AI accelerator with JICA", ACCELERATOR_EN, "en", "VnExpress", 2),
    ]


# --- headline and ids -------------------------------------------------------------------------


def test_the_headline_is_a_real_one_in_the_story_language_shared_by_the_others() -> None:
    derived = make_article(id="d", title="Le groupe sud-coréen Samsung a inauguré mercredi…", title_derived=True)
    english = make_article(id="e", lang="en", title="Samsung opens chip plant in Vietnam")
    odd = make_article(id="o", title="Une journée particulière", text="Samsung ouvre une usine de puces.")
    apt = make_article(id="a", title="Samsung ouvre une usine de puces à Thai Nguyen",
                       text="Samsung ouvre une usine de puces à Thai Nguyen.")
    assert best_headline([derived, english, odd, apt], "fr").id == "a"
    assert best_headline([derived, english], "fr").id == "e"  # a real headline in another language first
    assert best_headline([derived], "fr").id == "d"  # derived only when no article has a headline


def test_one_stray_article_does_not_name_a_story_in_another_language() -> None:
    wires = [make_article(id=f"w{i}", lang="en", title=f"WASHINGTON (AP) -- The committee said {i}…",
                          title_derived=True) for i in range(5)]
    stray = make_article(id="s", title="Deux navires humanitaires au secours du bateau de Banksy")
    assert best_headline([*wires, stray], "en").id.startswith("w")  # 1 French article of 6: not borrowed
    twins = [make_article(id=f"f{i}", title=f"Le comité salue les médecins {i}") for i in range(3)]
    assert best_headline([*wires[:3], *twins], "en").id.startswith("f")  # half the story is French: borrowed


def test_story_ids_do_not_depend_on_article_order() -> None:
    assert story_id(["b", "a"]) == story_id(["a", "b"]) != story_id(["a", "c"])


# --- the stage command ------------------------------------------------------------------------


def test_a_title_ending_in_half_an_escaped_character_is_read_without_it(runner: CliRunner, tmp_path: Path) -> None:
    """A broken export cut an emoji's escape in two ("\\ud83d" alone): a lone surrogate cannot be written as
    UTF-8, and the names cache and spaCy failed on it with a traceback. It is taken out as the line is read."""
    records = week_articles()[:2]
    lines = [json.dumps(r, ensure_ascii=True) for r in records]
    lines[0] = lines[0].replace('Thai Nguyen"', 'Thai Nguyen \\ud83d"', 1)
    assert "\\ud83d" in lines[0]
    source = tmp_path / "week.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for cache in (["--cache", str(tmp_path / "cache.sqlite")], ["--no-cache"]):
        result = runner.invoke(main, ["stories", "--input", str(source), "--no-translate", *cache])
        assert result.exit_code == 0, result.output
        stories = [json.loads(line) for line in result.stdout.splitlines()]
        assert sorted(a for s in stories for a in s["articles"]) == ["t1", "t2"]
        assert any(e["name"] == "Samsung" for s in stories for e in s["entities"])


@needs_apertium
def test_stories_command_groups_across_languages_and_ranks_by_sources(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "week.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in week_articles()) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["stories", "--input", str(source), "--engine", "apertium",
                                  "--cache", str(tmp_path / "cache.sqlite"), "--sentences", "2"])
    assert result.exit_code == 0, result.output
    stories = [json.loads(line) for line in result.stdout.splitlines()]
    assert [s["rank"] for s in stories] == [1, 2, 3]
    top = stories[0]
    assert sorted(top["articles"]) == ["t1", "t2", "t3"]
    assert sorted(top["sources"]) == ["LeMonde", "Reuters", "VNA"]
    assert top["lang"] == "fr" and "Samsung" in top["title"]
    assert "Samsung" in top["summary"] and len(re.findall(r"[.!?](?:\s|$)", top["summary"])) <= 3
    assert {tuple(s["articles"]) for s in stories[1:]} == {("t4",), ("t5",)}
    assert all({"story", "rank", "score", "articles", "title", "summary", "lang", "sources", "entities"} <= s.keys()
               for s in stories)
    # the names the French and English articles share, with the articles that name them, most named first
    first = top["entities"][0]
    assert first == {"name": "Samsung", "name_en": "Samsung", "type": "organisation", "articles": ["t1", "t3", "t2"]}
    assert {"name": "Thai Nguyen", "type": "place"}.items() <= next(
        e for e in top["entities"] if e["name"] == "Thai Nguyen").items()


@needs_apertium
def test_stories_command_keeps_the_five_seed_events_apart(runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> None:
    """The seeds are one domain (Vietnam's digital economy, in French) but five events: five stories."""
    ingested = runner.invoke(main, ["ingest", str(seeds_dir), "--jsonl"])
    assert ingested.exit_code == 0, ingested.output
    source = tmp_path / "seeds.jsonl"
    source.write_text(ingested.stdout, encoding="utf-8")
    result = runner.invoke(main, ["stories", "--input", str(source), "--engine", "apertium",
                                  "--cache", str(tmp_path / "cache.sqlite")])
    assert result.exit_code == 0, result.output
    stories = [json.loads(line) for line in result.stdout.splitlines()]
    ids = [json.loads(line)["id"] for line in ingested.stdout.splitlines()]
    assert len(ids) == 5
    assert sorted(s["articles"] for s in stories) == sorted([i] for i in ids)
    # each story lists its people and organisations
    named = {e["name"]: e["type"] for s in stories for e in s["entities"]}
    assert named["Vo Xuan Hoai"] == "person" and named["Tô Lâm"] == "person"
    assert {named[n] for n in ("JICA", "Boston Consulting Group", "NIC", "VINASA")} == {"organisation"}
    assert all(any(e["type"] in ("person", "organisation") for e in s["entities"]) for s in stories)


@needs_apertium
def test_the_seeds_with_the_test_week_are_not_taken_for_one_event(runner: CliRunner, seeds_dir: Path,
                                                                  tmp_path: Path) -> None:
    """Ten articles of one domain in two languages (the five French seeds, the test week's three Samsung
    articles and two others): they read alike and three of them name Samsung, which once made the week "one
    event", one story of nine. Samsung's articles stay one story when the week is centred: its name is that
    story's, not the week's."""
    ingested = runner.invoke(main, ["ingest", str(seeds_dir), "--jsonl"])
    assert ingested.exit_code == 0, ingested.output
    source = tmp_path / "week.jsonl"
    source.write_text(ingested.stdout + "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in week_articles()),
                      encoding="utf-8")
    result = runner.invoke(main, ["stories", "--input", str(source), "--engine", "apertium",
                                  "--cache", str(tmp_path / "cache.sqlite")])
    assert result.exit_code == 0, result.output
    stories = [json.loads(line) for line in result.stdout.splitlines()]
    assert sum(len(s["articles"]) for s in stories) == 10
    assert sorted(stories[0]["articles"]) == ["t1", "t2", "t3"]
    assert max(len(s["articles"]) for s in stories) == 3


def test_stories_command_takes_the_grouping_from_a_field(runner: CliRunner) -> None:
    records = [{**r, "event": "chips" if r["id"] in ("t1", "t2") else r["id"]} for r in week_articles()]
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    result = runner.invoke(main, ["stories", "--group-by", "event", "--words", "40"], input=text)
    assert result.exit_code == 0, result.output
    stories = {s["story"]: s for s in map(json.loads, result.stdout.splitlines())}
    assert set(stories) == {"chips", "t3", "t4", "t5"}
    assert stories["chips"]["articles"] == ["t1", "t2"] and stories["chips"]["rank"] == 1
    assert len(stories["chips"]["summary"].split()) >= 40


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"id": "a", "text": "Un texte."}', '{"text": "Sans identifiant."}'],
         "<stdin>, line 2: field 'id' is missing"),
        (['{"id": "a", "body": "x"}'], "<stdin>, line 1: field 'text' is missing (name the text field with --field)"),
        (['{"id": "a", "text": "x", "date": "mardi"}'],
         "<stdin>, line 1: date 'mardi' is not YYYY-MM-DD (with a time after it, or none)"),
        # only the first ten characters were read: both were 2 October
        (['{"id": "a", "text": "x", "date": "2025-10-0299junk"}'],
         "<stdin>, line 1: date '2025-10-0299junk' is not YYYY-MM-DD (with a time after it, or none)"),
        (['{"id": "a", "text": "x", "date": "2025-10-02 and more"}'],
         "<stdin>, line 1: date '2025-10-02 and more' is not YYYY-MM-DD (with a time after it, or none)"),
        (['', '[1, 2]'], "<stdin>, line 2: expected a JSON object, got list"),
    ],
)
def test_stories_command_names_the_line_of_bad_input(runner: CliRunner, lines: list[str], message: str) -> None:
    result = runner.invoke(main, ["stories", "--no-translate"], input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {message}"


def test_stories_command_reads_a_record_s_date_and_time_as_the_day_written(runner: CliRunner) -> None:
    records = [{"id": "a", "text": "Un texte sur le port de Hai Phong.", "date": "2025-10-02T23:30-08:00"},
               {"id": "b", "text": "Un texte sur la pluie à Hanoï.", "date": "2025-10-03"},
               {"id": "c", "text": "Un texte sur le riz du delta du Mékong.", "date": "2025-10-04 12:00:00 UTC"}]
    result = runner.invoke(main, ["stories", "--no-translate"], input="\n".join(map(json.dumps, records)) + "\n")
    assert result.exit_code == 0, result.output
    days = sorted((s["first_date"], s["last_date"]) for s in map(json.loads, result.stdout.splitlines()))
    assert days == [("2025-10-02", "2025-10-02"), ("2025-10-03", "2025-10-03"),  # not 3 October in UTC
                    ("2025-10-04", "2025-10-04")]


def test_stories_command_group_by_needs_the_field_on_every_line(runner: CliRunner) -> None:
    text = '{"id": "a", "text": "Un texte.", "event": "x"}\n{"id": "b", "text": "Un autre."}\n'
    result = runner.invoke(main, ["stories", "--group-by", "event"], input=text)
    assert result.exit_code == 1
    assert result.stderr == ("Error: <stdin>, line 2: field 'event' is missing (--group-by needs the story of every "
                             "record)\n")


def test_a_record_language_that_is_a_path_is_unknown_so_detected(runner: CliRunner, plain_folder: Path) -> None:
    (plain_folder / "secret.txt").write_bytes(b"\xff\xfe not UTF-8")
    records = [{**r, "lang": path_as_language_code(plain_folder / "secret")} for r in week_articles()[::3]]
    result = runner.invoke(main, ["stories", "--no-translate"], input="\n".join(map(json.dumps, records)) + "\n")
    assert result.exit_code == 0, result.output
    stories = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(s["lang"], s["languages"]) for s in stories] == [("fr", ["fr"])] * 2
    result = runner.invoke(main, ["stories", "--lang", "xx"], input=json.dumps(records[0]) + "\n")
    assert result.exit_code == 2 and "'xx' is not a language code briefing knows" in result.stderr


def test_stories_command_refuses_a_duplicate_id_naming_both_lines(runner: CliRunner) -> None:
    chips, football = week_articles()[0], {"text": "Le PSG a battu Lyon 3-1 dimanche au Parc des Princes. " * 4,
                                           "title": "Le PSG bat Lyon", "lang": "fr"}
    text = "\n".join(json.dumps(r) for r in ({**chips, "id": 1}, {**football, "id": "1"})) + "\n"
    result = runner.invoke(main, ["stories", "--no-translate"], input=text)
    assert result.exit_code == 1
    assert result.stderr == "Error: <stdin>, line 2: id '1' is also the id of line 1; every record needs its own id\n"


def test_group_by_compares_values_as_text_and_refuses_other_types(runner: CliRunner) -> None:
    records = [{**r, "event": event} for r, event in zip(week_articles(), (1, "1", "True", "true", "x"), strict=True)]
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    result = runner.invoke(main, ["stories", "--group-by", "event"], input=text)
    assert result.exit_code == 0, result.output
    stories = {s["story"]: s["articles"] for s in map(json.loads, result.stdout.splitlines())}
    assert stories == {"1": ["t1", "t2"], "True": ["t3"], "true": ["t4"], "x": ["t5"]}
    for value, shown in ((True, "true"), (2.5, "2.5"), (None, "null"), ([1], "a list")):
        bad = json.dumps({**records[0], "event": value}) + "\n"
        result = runner.invoke(main, ["stories", "--group-by", "event"], input=bad)
        assert result.exit_code == 1
        assert result.stderr == (f"Error: <stdin>, line 1: field 'event' must be text or a whole number (the story "
                                 f"it names), not {shown}\n")


# --- a build: grouped, ranked, short at any volume --------------------------------------------


@needs_apertium
def test_build_groups_the_week_into_stories_led_by_the_most_covered(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "week.json").write_text(json.dumps(week_articles(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(folder), "--out", str(out), "--engine", "apertium",
                                  "--cache", str(tmp_path / "cache.sqlite"), "--today", "2025-10-06",
                                  "--week", "2025-W40", "--top", "1", "--max-stories", "1"])
    assert result.exit_code == 0, result.output
    assert "5 articles read, 5 in the briefing as 3 stories" in result.stdout
    data = json.loads((out / "briefing-2025-W40.json").read_text(encoding="utf-8"))
    top = data["stories"][0]
    titles = {a["id"]: a["title"] for a in data["articles"]}
    assert sorted(titles[i] for i in top["articles"]) == sorted(r["title"] for r in week_articles()[:3])
    assert top["summary_en"] and "Samsung" in top["title_en"]
    floods = data["stories"][1]  # VNA, the latest date: before the accelerator story
    assert floods["lang"] == "fr" and floods["summary_en"] == ""  # listed in one line: summary not translated
    assert "Quang Tri" in floods["title_en"] and floods["title_en"] != floods["title"]  # ...but its headline is
    assert all(a["story"] == top["story"] for a in data["articles"] if a["id"] in top["articles"])
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(out / "briefing-2025-W40.pdf").pages)
    assert "Top stories" in text and "Also this week" in text
    assert "3 sources · 1 – 2 October 2025 · French, English" in text
    assert "Names: Samsung · " in text  # the top story's main names, under its meta line
    index = text[text.rindex("People and organisations"):]  # the closing index, after the cover's contents entry
    assert "Samsung 1" in index
    for publisher in ("VNA", "LeMonde", "Reuters"):
        assert f"{publisher} · " in text
    html = (out / "briefing-2025-W40.html").read_text(encoding="utf-8")
    assert html.index("Top stories") < html.index("Numbers of the week") < html.index("Also this week")
    assert "Names: Samsung · " in html
    assert top["entities"][0]["name"] == "Samsung" and len(top["entities"][0]["articles"]) == 3
    reuters = next(a for a in data["articles"] if a["id"] in top["articles"] and a["lang"] == "en")
    assert "Samsung" in {e["name"] for e in reuters["entities"]}  # the English rule names it (it cannot type it)
    assert len(html.encode("utf-8")) < EMAIL_MAX_BYTES


@needs_apertium
def test_a_week_in_one_language_is_grouped_in_it_and_only_its_titles_are_translated(
        runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> None:
    """The seeds and the test week's French articles (the chip plant twice, the floods): all French, so
    grouping reads them in French and only the headlines go through apertium."""
    folder = tmp_path / "news"
    shutil.copytree(seeds_dir, folder)
    french = [r for r in week_articles() if r["lang"] == "fr"]
    (folder / "week.json").write_text(json.dumps(french, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(main, ["-v", "build", str(folder), "--out", str(out), "--engine", "apertium",
                                  "--no-cache", "--max-stories", "2"])
    assert result.exit_code == 0, result.output
    assert "translating the titles of 8 article(s) for grouping" in result.stderr
    translated = re.search(r"fr->en with apertium: (\d+) sentence\(s\) translated", result.stderr)
    assert translated and int(translated[1]) <= 8  # headlines only, no lead
    data = json.loads(next(out.glob("briefing-*.json")).read_text(encoding="utf-8"))
    by_title = {a["title"]: a["id"] for a in data["articles"]}
    story_of = {i: sorted(s["articles"]) for s in data["stories"] for i in s["articles"]}
    chips, floods = sorted(by_title[r["title"]] for r in french[:2]), by_title[french[2]["title"]]
    assert story_of[chips[0]] == chips and story_of[floods] == [floods]
    titles_en = {a["id"]: a["title_en"] for a in data["articles"]}
    for record in french:  # every headline still has its English
        assert titles_en[by_title[record["title"]]] not in ("", record["title"])
    chip_story = next(s for s in data["stories"] if sorted(s["articles"]) == chips)
    assert "Samsung" in chip_story["title_en"] and chip_story["summary_en"]


@needs_apertium
@pytest.mark.parametrize(("extra_lang", "translated"), [("und", False), ("en", True)])
def test_only_a_second_known_language_makes_grouping_translate_the_leads(extra_lang: str, translated: bool) -> None:
    french = [make_article(id=f"f{i}", title=f"Titre numéro {i}", text=f"Le navire {i} arrive. Il repart.")
              for i in range(GROUP_ONE_LANGUAGE_MIN_ITEMS)]
    other = make_article(id="x", title="", text="The port opens. It grows.", lang=extra_lang, title_derived=True)
    items, engine = grouping_inputs([*french, other], StoryOptions(engine="apertium", use_cache=False))
    assert engine == "apertium"
    spaces = {item.space for item in items[:-1]}
    assert spaces == ({"en"} if translated else {"fr"})
    assert all(item.title_en and item.title_en != article.title for item, article in zip(items, french, strict=False))
    assert all(("navire" in item.lead) != translated for item in items[:-1])  # the lead is French, or English


def test_one_article_story_keeps_the_per_article_summary() -> None:
    from briefing.stories.stage import StoryOptions, build_stories
    from briefing.summarize import summarize_article

    article = summarize_article(make_article(text=CHIP_FR_VNA, title="Samsung inaugure une usine"), 2)
    made = build_stories([article], WEEK, StoryOptions(translate=False, sentences=2))
    (only,) = made.stories
    assert only.summary == article.summary and only.articles[0].story == only.id
    assert dataclasses.replace(made.articles[0], story="", entities=()) == article
    assert made.articles[0] == only.articles[0]
