"""What translation must not touch: glossary terms, URLs, e-mail addresses and amounts with a scale.

Before a sentence goes to an engine, each protected span is replaced by a placeholder word
("Zxqa", "Zxqb", …) that no language has, so engines pass it through like a proper name; after
translation each placeholder is replaced by the span's target text. A placeholder that went missing
or came back twice means the engine mangled the sentence: `restore` says so and the caller keeps
the source.

Figures are rewritten to the target's conventions before translation (French "1 200" → "1,200",
"3,5 %" → "3.5%"), and a scale word takes its English value ("130 milliards de dollars" →
"130 billion dollars"; a French "billion" is an English trillion).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.translate.glossary import Glossary

PLACEHOLDER_STEM = "Zxq"
_PLACEHOLDER = re.compile(PLACEHOLDER_STEM + r"([a-z]+)", re.IGNORECASE)

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"«»]+[^\s<>\"«».,;:!?)\]’']")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_SPACES = "[ \u00a0\u202f]"

# Languages that write 3,5 for 3.5 and 1 200 (or 1.200) for 1,200.
DECIMAL_COMMA_LANGS = frozenset({"fr", "es", "it", "pt", "de", "nl", "vi", "ru", "pl", "cs", "ro", "tr", "id"})
_THOUSANDS = re.compile(rf"(?<![\d.,])\d{{1,3}}(?:{_SPACES}\d{{3}})+(?![\d])")
_DECIMAL = re.compile(r"(?<![\d.,])(\d+),(\d+)(?![\d]|,\d)")
_PERCENT = re.compile(rf"(\d){_SPACES}*%")

# Scale words with their English value, for sources where "N <scale> de <noun>" means "N <scale> <noun>".
SCALES: dict[str, dict[str, str]] = {
    "fr": {"milliard": "billion", "milliards": "billion", "million": "million", "millions": "million",
           "billion": "trillion", "billions": "trillion"},
}
_NUMBER = r"\d[\d,.]*"


@dataclass(frozen=True, slots=True)
class Protected:
    """A sentence ready for an engine, and the target text of each of its placeholders (in order)."""

    text: str
    spans: tuple[str, ...] = ()


def placeholder(index: int) -> str:
    """The placeholder word for span number `index` (0 → Zxqa, 25 → Zxqz, 26 → Zxqba …)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return PLACEHOLDER_STEM + letters


def _placeholder_index(letters: str) -> int:
    index = 0
    for char in letters.lower():
        index = index * 26 + (ord(char) - ord("a") + 1)
    return index - 1


def normalise_figures(text: str, source: str, target: str) -> str:
    """Figures written the target's way (only from comma-decimal languages into English)."""
    if source not in DECIMAL_COMMA_LANGS or target != "en":
        return text
    text = _DECIMAL.sub(r"\1.\2", text)  # first: the thousands commas added next are not decimals
    text = _THOUSANDS.sub(lambda m: re.sub(_SPACES, ",", m.group(0)), text)
    return _PERCENT.sub(r"\1%", text)


# "130 milliards de dollars" → one held span "130 billion" per source language, longest scale word first.
_AMOUNTS = {
    lang: re.compile(
        rf"(?<![\w.,])({_NUMBER}){_SPACES}+({'|'.join(sorted(scales, key=len, reverse=True))})\b"
        rf"(?:{_SPACES}+de{_SPACES}+|{_SPACES}+d['’])?"
    )
    for lang, scales in SCALES.items()
}


def protect(text: str, source: str, target: str, glossary: Glossary) -> Protected:
    """Replace URLs, e-mail addresses, scaled amounts and glossary terms by placeholders."""
    if _PLACEHOLDER.search(text):
        return Protected(normalise_figures(text, source, target))  # would be ambiguous: leave it to the engine
    spans: list[str] = []

    def hold(target_text: str) -> str:
        spans.append(target_text)
        return placeholder(len(spans) - 1)

    text = _URL.sub(lambda m: hold(m.group(0)), text)
    text = _EMAIL.sub(lambda m: hold(m.group(0)), text)
    text = normalise_figures(text, source, target)
    scales = SCALES.get(source) if target == "en" else None
    if scales:
        text = _AMOUNTS[source].sub(lambda m: hold(f"{m.group(1)} {scales[m.group(2)]}") + " ", text)
        text = re.sub(r" {2,}", " ", text).strip()
    if glossary.pattern is not None:
        text = glossary.pattern.sub(lambda m: hold(glossary.target_for(m.group(0))), text)
    return Protected(text, tuple(spans))


def restore(translated: str, spans: tuple[str, ...]) -> str | None:
    """The translation with each placeholder replaced by its span; None when one is lost or doubled."""
    seen: list[int] = []

    def put_back(match: re.Match[str]) -> str:
        index = _placeholder_index(match.group(1))
        if index >= len(spans):
            return match.group(0)
        seen.append(index)
        return spans[index]

    restored = _PLACEHOLDER.sub(put_back, translated)
    if sorted(seen) != list(range(len(spans))):
        return None
    return restored
