"""Builders shared by tests in several folders: real eval rows (AG News, OrangeSum) and translated stories."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from briefing.records import Article, Story
from tests.conftest import make_article

AGNEWS_LABELS = {"1": "World", "2": "Sports", "3": "Business", "4": "Sci/Tech"}
WORD = re.compile(r"\w+")


def agnews(shared_dir: Path, count: int) -> list[dict[str, Any]]:
    """The first `count` AG News rows as records: text = title + ". " + description, and the label name."""
    with (shared_dir / "eval" / "agnews_dev.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:count]
    return [
        {"id": str(i), "text": f"{r['title'].strip()}. {r['description'].strip()}", "label": AGNEWS_LABELS[r["label"]]}
        for i, r in enumerate(rows)
    ]


def _orangesum(shared_dir: Path, limit: int) -> list[dict]:
    path = shared_dir / "eval" / "orangesum_valid.jsonl"
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for _, line in zip(range(limit), stream, strict=False)]


def story_of(article: Article, rank: int, theme: str = "", *more: Article) -> Story:
    """A story of `article` (and `more` articles on the same event), shown with the first one's texts."""
    return Story(
        id=f"s-{article.id}", articles=(article, *more), lang=article.lang, title=article.title,
        summary=article.summary, title_en=article.title_en, summary_en=article.summary_en,
        figure_sentences=article.figure_sentences, figure_sentences_en=article.figure_sentences_en,
        rank=rank, theme=theme, flags=article.flags,
    )


def translated(number: int, **overrides: Any) -> Article:
    """A translated article with a figure and Vietnamese names in its English summary."""
    fields: dict[str, Any] = {
        "id": f"a{number}",
        "title": f"Le Vietnam lance le programme numéro {number}",
        "title_en": f"Vietnam launches programme number {number}",
        "summary": "Le Vietnam lance un programme. Il soutient les start-up en IA.",
        "summary_en": (
            f"General Secretary Tô Lâm said the AI economy could reach {100 + number} billion USD by 2040. "
            "Minister Nguyễn Mạnh Hùng announced the programme in Hà Nội."
        ),
        "url": f"https://example.org/news/{number}",
        "publisher": "VNA",
        "date": dt.date(2025, 10, 1 + number % 5),
    }
    fields.update(overrides)
    return make_article(**fields)


# --- a week whose every field is as long as an attacker likes (tests/test_cli.py, benchmarks/hostile.py) --------

HOSTILE_PUBLISHER_CHARS = 20_000
HOSTILE_URL_CHARS = 150_000
HOSTILE_SENTENCE_CHARS = 200_000
_EVENTS = (
    ("Samsung inaugure une usine de puces à Thai Nguyen",
     "Le groupe sud-coréen Samsung a inauguré mercredi à Thai Nguyen une usine de puces électroniques, un "
     "investissement de 1,8 milliard de dollars. L’usine emploiera 3.000 ingénieurs d’ici 2027."),
    ("Des inondations frappent Hue et Quang Tri",
     "Des pluies record ont inondé mardi les provinces de Hue et de Quang Tri, forçant 25.000 foyers à quitter "
     "leur logement. Les écoles resteront fermées jusqu’à lundi, selon les autorités locales."),
    ("Hanoï ouvre un accélérateur pour les start-up en IA",
     "Un centre de Hanoï a lancé jeudi un accélérateur pour les jeunes pousses de l’intelligence artificielle, "
     "avec le soutien de l’agence japonaise JICA. Vingt start-up seront accompagnées pendant six mois."),
    ("Le port de Hai Phong agrandit son terminal",
     "Le port de Hai Phong agrandira son terminal de conteneurs avec un investissement de 400 millions de "
     "dollars, a annoncé vendredi l’autorité portuaire. Les travaux commenceront l’an prochain."),
)


def week_records(hostile: bool) -> list[dict[str, Any]]:
    """Four articles of one week (2025-W40) as JSON records, four different events. With `hostile`, the first
    two have a 20,000-character publisher (without, then with spaces), the third a 150 KB link, the fourth a
    text that is one 200 KB sentence."""
    records = []
    for number, (title, text) in enumerate(_EVENTS):
        publisher = ("VNA", "Le Monde", "AFP", "Nhân Dân")[number]
        more = f"« {title} », a résumé {publisher} dans sa dépêche du {number + 1} octobre, reprise par la presse."
        records.append({"title": title, "text": f"{text}\n\n{more}", "lang": "fr", "date": f"2025-10-0{number + 1}",
                        "url": f"https://example.org/news/{number}", "publisher": publisher})
    if hostile:
        records[0]["publisher"] = "P" * HOSTILE_PUBLISHER_CHARS
        records[1]["publisher"] = ("Pub " * (HOSTILE_PUBLISHER_CHARS // 4)).strip()
        records[2]["url"] = "https://example.org/" + "u" * (HOSTILE_URL_CHARS - len("https://example.org/"))
        run = " le projet du port et de la ville"
        records[3]["text"] = "Le port de Hai Phong annonce" + run * ((HOSTILE_SENTENCE_CHARS - 28) // len(run))
    return records
