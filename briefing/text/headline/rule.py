"""Compression by rule, for a language without a parser: a clause rule on punctuation and the language's
function words; and the finishing every headline gets (no leading connective, no dangling last word, no
unpaired quote, a capital first letter, never "…")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from briefing.text.headline.salience import WORD, function_words
from briefing.text.headline.settings import (
    APPOSITION_MAX_WORDS,
    ARTICLES,
    CONNECTIVES,
    DANGLING_POS,
    DATE_WORDS,
    FRONTING_WORDS,
    MAX_WORDS,
    MIN_CLAUSE_WORDS,
    RELATIVES,
    SUBJECT_MAX_WORDS,
)
from briefing.text.language import language_key

if TYPE_CHECKING:
    from spacy.tokens import Token

_BRACKETED = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
_DASH_ASIDE = re.compile(r"\s(?:[–—-]|--)\s[^–—]*?\s(?:[–—-]|--)(?=\s)")
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;:]|\s[–—-])\s+")
_EDGE_PUNCT = " \t\n.,;:!?–—-…·"
_BRACKET_PAIRS = (("«", "»"), ("“", "”"), ("(", ")"), ("[", "]"))


def compress_by_rule(sentence: str, lang: str) -> str:
    """A headline from `sentence` without a parser: without brackets and dash asides, a fronted phrase or a
    short apposition; the first clause left, up to its first relative pronoun, cut before a function word
    if it still exceeds MAX_WORDS; never ending on a function word."""
    key = language_key(lang)
    text = _DASH_ASIDE.sub("", _BRACKETED.sub("", sentence)).strip()
    segments = [s for s in _CLAUSE_BREAK.split(text) if WORD.search(s)]
    if not segments:
        return finish(text, key)
    segments = _drop_apposition(_drop_fronted(segments, key), key)
    words = _before_relative(segments[0].split(), key)
    return finish(" ".join(_fit(words, key)), key)


def _drop_fronted(segments: list[str], lang: str) -> list[str]:
    """Without a first segment that opens (after a connective) on a preposition, a subordinating conjunction
    or a gerund, when enough words follow it."""
    if len(segments) < 2:
        return segments
    opening = [bare(word) for word in segments[0].split()[:2]]
    first = opening[1] if opening[0] in CONNECTIVES.get(lang, frozenset()) and len(opening) > 1 else opening[0]
    first = first.rsplit("'", 1)[-1]  # "s'exprimant" -> "exprimant"
    fronted = (
        first in FRONTING_WORDS.get(lang, frozenset())
        or first in DATE_WORDS.get(lang, frozenset())
        or first.endswith(("ant", "ing"))
        or any(word.isdigit() for word in opening)  # "Le 28 août,"
    )
    rest = sum(len(s.split()) for s in segments[1:])
    return segments[1:] if fronted and rest >= MIN_CLAUSE_WORDS else segments


def _drop_apposition(segments: list[str], lang: str) -> list[str]:
    """Subject, apposition, rest ("M. X, directeur adjoint du NIC, a souligné") -> subject and rest. An
    apposition is short, or opens on an article ("Alexandre Loukachenko, le président bélarusse ...,")."""
    if len(segments) < 3 or len(segments[0].split()) > SUBJECT_MAX_WORDS:
        return segments
    opening = bare(segments[1].split()[0]).split("'")[0]
    if len(segments[1].split()) <= APPOSITION_MAX_WORDS or opening in ARTICLES.get(lang, frozenset()):
        return [f"{segments[0]} {segments[2]}", *segments[3:]]
    return segments


def _before_relative(words: list[str], lang: str) -> list[str]:
    """The words before the first relative pronoun that comes after the clause's first few words."""
    relatives = RELATIVES.get(lang, frozenset())
    for index, word in enumerate(words):
        if index >= MIN_CLAUSE_WORDS and bare(word) in relatives:
            return words[:index]
    return words


def _fit(words: list[str], lang: str) -> list[str]:
    """At most MAX_WORDS words, cut before a function word (a phrase boundary) rather than inside a phrase."""
    if len(words) <= MAX_WORDS:
        return words
    functional = function_words(lang)
    for end in range(MAX_WORDS, MIN_CLAUSE_WORDS, -1):
        if bare(words[end]) in functional:
            return words[:end]
    return words[:MAX_WORDS]


def bare(word: str) -> str:
    """A word lower-cased, without the punctuation around it, with a typographic apostrophe made plain."""
    return word.lower().strip(_EDGE_PUNCT + "«»\"“”()[]").replace("’", "'")


def dangling(word: str, lang: str) -> bool:
    """Whether a headline ending in `word` would end on a function word (preposition, article, conjunction,
    determiner, auxiliary, pronoun...) or an elided form ("l'")."""
    plain = bare(word)
    functional = function_words(lang)
    last = WORD.findall(plain)[-1:]  # "l'un", "jusqu'à": the word after the elision decides
    return plain.endswith("'") or plain in functional or (bool(last) and last[0] in functional)


def finish(headline: str, lang: str, kept: Iterable[Token] = ()) -> str:
    """No leading connective, no dangling last word, no edge punctuation, no ellipsis, no unpaired quote
    mark or bracket, a capital first letter."""
    tail_pos = {t.text: t.pos_ for t in kept}
    connectives = CONNECTIVES.get(language_key(lang), frozenset())
    words = headline.replace("…", " ").split()
    while len(words) > 1 and bare(words[0]) in connectives:
        words.pop(0)
    while len(words) > 1 and (dangling(words[-1], lang) or tail_pos.get(words[-1]) in DANGLING_POS):
        words.pop()
    text = _paired(" ".join(words)).strip(_EDGE_PUNCT)
    return text[:1].upper() + text[1:]


def _paired(text: str) -> str:
    """`text` without the quote marks and brackets that lost their partner."""
    for opener, closer in _BRACKET_PAIRS:
        if text.count(opener) != text.count(closer):
            text = text.replace(opener, "").replace(closer, "")
    if text.count('"') % 2:
        text = text.replace('"', "")
    return re.sub(r"\s{2,}", " ", text).replace(" ,", ",").strip()
