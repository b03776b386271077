"""Key figures ("numbers of the week") pulled from the articles.

Stage 2 (summaries) keeps, besides the summary, the sentences of each article that state amounts or
shares (`figure_sentences`, in any language); stage 3 gathers them per story; stage 4 translates those of
the stories shown in full; stage 6 (render) reads figures from each story's English summary and those
translated sentences, and each figure cites its story.

A figure is an amount of money, a percentage, or a number with a scale or unit ("130 billion USD",
"12.5%", "2,600 passengers"), kept with the sentence that says what it measures. Bare numbers and
years are left out: on their own they measure nothing a reader can use.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from briefing.records import Article, Story
from briefing.summarize.settings import FIGURE_SENTENCES_MAX, KEY_FIGURE_CONTEXT_CHARS, KEY_FIGURES_MAX
from briefing.text.sentences import split_sentences

_NUMBER = r"\d{1,3}(?:[,.\u202f\u00a0 ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALE = r"(?:thousand|million|billion|trillion|bn|mn)"
_CURRENCY_WORD = (
    r"(?:USD|EUR|GBP|JPY|CNY|VND|US dollars?|American dollars?|dollars?|euros?|pounds?|yen|yuan|dong|francs?)"
)
_UNIT = (
    r"(?:people|persons|passengers|victims|deaths|dead|injured|jobs|workers|employees|engineers|students|delegates|participants|visitors|"
    r"companies|firms|start-?ups|projects|households|homes|cases|tonnes|tons|hectares|"
    r"km|kilometres|kilometers|metres|meters|MW|GW|kWh|MWh|TWh|litres|liters|barrels|vehicles|cars)"
)

# Ordered by how much a reader gets from the figure: money first, then shares, then counts.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("money", re.compile(rf"(?:US\$|\$|€|£|¥)\s?(?:{_NUMBER})(?:\s?{_SCALE}\b)?")),
    ("money", re.compile(rf"\b(?:{_NUMBER})(?:\s?{_SCALE})?\s?{_CURRENCY_WORD}\b")),
    ("share", re.compile(rf"\b(?:{_NUMBER})\s?(?:%|per ?cent\b)")),
    ("count", re.compile(rf"\b(?:{_NUMBER})\s?{_SCALE}\b(?:\s[a-z][\w-]*)?")),
    ("count", re.compile(rf"\b(?:{_NUMBER})\s{_UNIT}\b")),
)
_KIND_RANK = {"money": 0, "share": 1, "count": 2}
# In the source language, before translation: a percentage, a currency sign, or a number with a scale
# or currency word. The stems cover the Latin-script languages news comes in (milliard/Milliarde,
# million/millón/milione, billion, dollar/dólar, euro); the English patterns above do the fine sorting.
_SOURCE_FIGURE = re.compile(
    r"\d\s?(?:%|‰)|[$€£¥]\s?\d|\d[\s\u00a0\u202f]*(?:milliard|mill[io]|billi|trilli|bn\b|mn\b)"
    r"|\d[\s\u00a0\u202f]*(?:de\s)?(?:dollar|dólar|euro|USD|EUR|VND|yen|yuan)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])")


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """One number worth a reader's glance, the sentence that explains it, and the story it comes from."""

    value: str  # "130 billion USD"
    context: str  # the sentence around it, shortened to KEY_FIGURE_CONTEXT_CHARS
    kind: str  # "money", "share" or "count"
    story_id: str


def figures_in(text: str) -> list[tuple[str, str, str]]:
    """Every (value, kind, sentence) found in `text`, in reading order; overlapping matches keep the first kind."""
    found: list[tuple[int, str, str, str]] = []
    for sentence in _SENTENCE_END.split(text):
        offset = text.find(sentence)
        taken: list[tuple[int, int]] = []
        for kind, pattern in _PATTERNS:
            for match in pattern.finditer(sentence):
                start, end = match.span()
                if any(start < t_end and t_start < end for t_start, t_end in taken):
                    continue
                taken.append((start, end))
                found.append((offset + start, match.group(0).strip(), kind, sentence.strip()))
    found.sort(key=lambda item: item[0])
    return [(value, kind, sentence) for _, value, kind, sentence in found]


def shorten(sentence: str, value: str, limit: int = KEY_FIGURE_CONTEXT_CHARS) -> str:
    """`sentence` cut to about `limit` characters at word boundaries, keeping `value` in view."""
    if len(sentence) <= limit:
        return sentence
    at = max(sentence.find(value), 0)
    start = max(0, min(at - limit // 3, len(sentence) - limit))
    window = sentence[start : start + limit]
    if start > 0:
        window = "…" + window.split(" ", 1)[-1]
    if start + limit < len(sentence):
        window = window.rsplit(" ", 1)[0] + "…"
    return window


def with_figure_sentences(article: Article, limit: int = FIGURE_SENTENCES_MAX) -> Article:
    """A copy of `article` with `figure_sentences`: up to `limit` sentences of its text, outside its
    summary, that state an amount or a share, in reading order."""
    summary = article.summary
    picked = [s for s in split_sentences(article.text, article.lang or "und")
              if _SOURCE_FIGURE.search(s) and s not in summary]
    return dataclasses.replace(article, figure_sentences=tuple(picked[:limit]))


def key_figures(stories: Iterable[Story], limit: int = KEY_FIGURES_MAX) -> tuple[KeyFigure, ...]:
    """Up to `limit` figures from the stories' English summaries and figure sentences, at most one
    per story first.

    Money comes before shares and shares before counts; among equals, the briefing's order (rank) wins.
    When fewer stories than `limit` carry a figure, second figures of the same stories fill in.
    A sentence gives one figure at most, so a sentence two articles of a story share shows once.
    """
    candidates: list[tuple[bool, int, int, KeyFigure]] = []
    for position, story in enumerate(stories):
        found = figures_in(" ".join((story.summary_en or story.summary, *story.figure_sentences_en)))
        best_first = sorted(range(len(found)), key=lambda i: (_KIND_RANK[found[i][1]], i))
        for rank, index in enumerate(best_first):
            value, kind, sentence = found[index]
            figure = KeyFigure(value, shorten(sentence, value), kind, story.id)
            candidates.append((rank > 0, _KIND_RANK[kind], position, figure))
    candidates.sort(key=lambda item: item[:3])
    chosen: list[KeyFigure] = []
    seen: set[str] = set()
    for _, _, _, figure in candidates:
        # one figure per sentence: the same wire story in two papers, or "60 MW ... 40%", is one fact
        if figure.context not in seen:
            seen.add(figure.context)
            chosen.append(figure)
    return tuple(chosen[:limit])

