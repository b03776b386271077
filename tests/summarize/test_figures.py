"""Key figures: amounts, shares and counts found in stories, and the sentences of an article that state them."""

from __future__ import annotations

import dataclasses

import pytest

from briefing.summarize.figures import figures_in, key_figures, shorten, with_figure_sentences
from tests.conftest import make_article
from tests.helpers import story_of, translated


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("The AI economy could reach 130 billion USD by 2040.", ["130 billion USD"]),
        ("Exports rose 12.5% while imports fell 3 per cent.", ["12.5%", "3 per cent"]),
        ("The fund holds $2.5 billion and €300 million.", ["$2.5 billion", "€300 million"]),
        ("The ship carries 2,600 passengers.", ["2,600 passengers"]),
        ("About 1.2 million people live there.", ["1.2 million people"]),
        ("AI could add about 79.3 billion American dollars.", ["79.3 billion American dollars"]),
        ("In 2025, on 3 October, the 14th congress met.", []),  # years, dates and ordinals are not figures
    ],
)
def test_figures_in_finds_amounts_shares_and_counts(text: str, values: list[str]) -> None:
    assert [value for value, _, _ in figures_in(text)] == values


def test_key_figures_prefer_money_one_per_story_and_drop_repeats() -> None:
    stories = [story_of(a, rank) for rank, a in enumerate([
        translated(1, summary_en="Exports rose 12.5% in September. The state invests 3 billion USD."),
        translated(2, summary_en="Some 400 workers joined. Inflation stayed at 3.1%."),
        translated(3, summary_en="Exports rose 12.5% in September. The state invests 3 billion USD."),  # wire copy
    ], 1)]
    figures = key_figures(stories, limit=3)
    assert [(f.value, f.story_id) for f in figures] == [
        ("3 billion USD", "s-a1"), ("3.1%", "s-a2"), ("12.5%", "s-a1"),
    ]
    assert figures[0].context == "The state invests 3 billion USD."


def test_key_figures_also_read_the_translated_figure_sentences() -> None:
    article = dataclasses.replace(
        translated(1, summary_en="The programme was launched in Hanoi."),
        figure_sentences_en=("The report foresees an AI economy of 130 billion dollars by 2040.",),
    )
    assert [(f.value, f.kind) for f in key_figures([story_of(article, 1)])] == [("130 billion dollars", "money")]


@pytest.mark.parametrize(
    ("text", "picked"),
    [
        ("Le marché atteindra 1,14 milliard de dollars d'ici 2029. Il fait beau.", 1),
        ("Le taux atteint 75 %, selon l'étude. Le forum s'est tenu en 2025.", 1),
        ("Exports reached $46 billion. Some 300 firms took part on 3 October.", 1),
        ("La 12e journée a eu lieu le 28 août 2025 avec 200 délégués.", 0),  # dates and counts stay out
    ],
)
def test_figure_sentences_are_those_stating_amounts_or_shares(text: str, picked: int) -> None:
    article = make_article(text=text, summary="")
    assert len(with_figure_sentences(article).figure_sentences) == picked


def test_figure_sentences_leave_out_the_summary_and_keep_at_most_the_limit() -> None:
    text = " ".join(f"Le projet numéro {i} coûte {i} milliards de dollars." for i in range(1, 7))
    summary = "Le projet numéro 1 coûte 1 milliards de dollars."
    picked = with_figure_sentences(make_article(text=text, summary=summary), limit=3).figure_sentences
    assert picked == tuple(f"Le projet numéro {i} coûte {i} milliards de dollars." for i in (2, 3, 4))


def test_shorten_keeps_the_value_in_view() -> None:
    sentence = "Word " * 40 + "the budget reached 42 billion USD this year " + "and more " * 30
    short = shorten(sentence, "42 billion USD", limit=80)
    assert "42 billion USD" in short and len(short) <= 82 and short.startswith("…") and short.endswith("…")
