"""English for the words Apertium's fr-es | spa-eng chain leaves untranslated.

The chain runs with marks (see `apertium.ApertiumEngine`): a word fr-es does not know comes out
of the Spanish step as ``*word`` and would pass through into the English ("fulgurante", "robotique");
a Spanish word spa-eng does not know (``*millardos``) is marked in the English step. Each such word
gets one fallback, tried in this order until one gives an answer:

1. The word alone through a Catalan chain (``fra-cat | cat-eng`` for French words, ``spa-cat |
   cat-eng`` for Spanish ones), used only when neither Catalan step marks it. All the unknown words of
   a batch go through one run per chain, so the cost is one extra process pair per batch and language,
   not a second translation of every sentence.
2. A FreeDict dictionary (French-English for French words, Spanish-English for Spanish ones): the
   first sense of the word, or of the word with a plural or feminine ending removed.
3. Cognate rules on spelling (-ique → -ic, -ment → -ly, -té → -ty, -eux → -ous; -ción → -tion …).
4. Otherwise the word stays as it is.

Names are left alone: a capitalised word inside the sentence, or any word written in capitals, is a
name or an acronym (Walmart, Higgs, VIH) and passes through. "a"/"an" before a replaced word is
made to agree with it.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from briefing.errors import TranslationError
from briefing.log import get_logger
from briefing.translate.settings import DICTIONARY_DIR, ES_EN_CATALAN, FR_EN_CATALAN

log = get_logger(__name__)

# A mark stands before a word, also inside a token ("Al-*Qaeda", "1*h30", "#<prn>").
MARK = re.compile(r"[*#@]+(?=[\w<])")

FRENCH_DICTIONARY = DICTIONARY_DIR / "freedict-fra-eng"
SPANISH_DICTIONARY = DICTIONARY_DIR / "freedict-spa-eng"

_MARKED_WORD = re.compile(r"(?<![\w*#@])\*(\w+(?:['’-]\w+)*)")
_ENGLISH_PRONOUN = re.compile(r"^(?:it|he|she|they|we|you|I|one) (?=\w)")  # "résulte" → "it results"
_DICT_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_MIN_WORD = 3  # shorter marked tokens are clitics or pieces of names (l, d, s, J)

# (French ending, English ending), longest first where they overlap. Only endings whose English
# counterpart is regular enough to be right more often than the French word left alone.
FRENCH_COGNATES: tuple[tuple[str, str], ...] = (
    # adverbs only where the ending shows one: -ement alone is as often a noun (manquement, étirement)
    ("iquement", "ically"), ("ellement", "ally"), ("ivement", "ively"), ("eusement", "ously"),
    ("iques", "ics"), ("ique", "ic"), ("ités", "ities"), ("ité", "ity"),
    ("euses", "ous"), ("euse", "ous"), ("eux", "ous"), ("aires", "ary"), ("aire", "ary"),
    ("ives", "ive"), ("ive", "ive"), ("ifs", "ive"), ("if", "ive"), ("isme", "ism"), ("iste", "ist"),
    ("istes", "ists"), ("logie", "logy"), ("graphie", "graphy"), ("aute", "aut"), ("autes", "auts"),
    ("ante", "ant"), ("antes", "ant"), ("tion", "tion"), ("tions", "tions"),
)
SPANISH_COGNATES: tuple[tuple[str, str], ...] = (
    ("icamente", "ically"), ("almente", "ally"), ("ciones", "tions"), ("ción", "tion"), ("siones", "sions"),
    ("sión", "sion"), ("idades", "ities"), ("idad", "ity"), ("ismo", "ism"), ("ista", "ist"),
    ("istas", "ists"), ("icos", "ic"), ("icas", "ic"), ("ico", "ic"), ("ica", "ic"), ("osos", "ous"),
    ("osas", "ous"), ("oso", "ous"), ("osa", "ous"),
)
_ACCENTS = str.maketrans("àâäéèêëîïôöùûüçœæáíóúñ", "aaaeeeeiioouuucoeaioun")
# French plural and feminine endings to try, in order, when the dictionary lacks the word as written.
_FRENCH_ENDINGS = ("s", "x", "es", "e", "aux:al", "euses:eux", "ives:if", "ive:if", "trices:teur", "trice:teur")
_SPANISH_ENDINGS = ("s", "es", "as:o", "a:o", "os:o")
# per source language: its FreeDict dictionary, the endings its lookup strips, its cognate rules
_LOOKUPS: dict[str, tuple[Path, tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "fr": (FRENCH_DICTIONARY, _FRENCH_ENDINGS, FRENCH_COGNATES),
    "es": (SPANISH_DICTIONARY, _SPANISH_ENDINGS, SPANISH_COGNATES),
}


WordRoute = Callable[[Sequence[str], Sequence[str]], list[str] | None]
"""(words, chain of modes) -> one marked translation per word, or None when the chain is not installed."""


def _word_route(words: list[str], chain: Sequence[str], translate: WordRoute | None) -> dict[str, str]:
    """Each word alone through ``chain`` (marks kept); nothing when a mode is missing or apertium fails."""
    if not words or translate is None:
        return {}
    try:
        found = translate(words, chain)
    except TranslationError as exc:
        log.warning("unknown words: %s; falling back to the dictionary", exc)
        return {}
    return dict(zip(words, found, strict=True)) if found is not None else {}


@cache
def load_dictionary(stem: Path) -> dict[str, str]:
    """Headword → first English sense of a FreeDict dictd file pair (``stem``.index, ``stem``.dict.dz)."""
    index = stem.with_suffix(".index")
    data = stem.with_suffix(".dict.dz")
    if not index.is_file() or not data.is_file():
        return {}
    text = gzip.decompress(data.read_bytes())
    entries: dict[str, str] = {}
    for line in index.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) != 3 or fields[0].startswith("00database"):
            continue
        start, size = _base64_number(fields[1]), _base64_number(fields[2])
        sense = _first_sense(text[start:start + size].decode("utf-8", "replace"))
        if sense and fields[0] not in entries:
            entries[fields[0]] = sense
    return entries


def _base64_number(code: str) -> int:
    value = 0
    for char in code:
        value = value * 64 + _DICT_BASE64.index(char)
    return value


def _first_sense(entry: str) -> str:
    """The first translation of a dictd entry: its line after the headword, first comma item, no notes."""
    lines = [line.strip() for line in entry.splitlines()[1:] if line.strip()]
    if not lines:
        return ""
    sense = re.sub(r"^\d+\.\s*", "", lines[0])
    sense = re.sub(r"\([^)]*\)|\[[^]]*\]|<[^>]*>", "", sense)
    first = sense.split(",")[0].split(";")[0].strip()
    return first if re.fullmatch(r"[A-Za-z][A-Za-z' -]*", first) and len(first.split()) <= 3 else ""


def dictionary_lookup(word: str, entries: dict[str, str], endings: Sequence[str]) -> str | None:
    """The dictionary sense of ``word``, or of ``word`` with one inflection ending undone."""
    if not entries:
        return None
    if word in entries:
        return entries[word]
    for ending in endings:
        suffix, _, replacement = ending.partition(":")
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_WORD:
            base = word[: -len(suffix)] + replacement
            if base in entries:
                return entries[base]
    return None


def cognate(word: str, rules: tuple[tuple[str, str], ...]) -> str | None:
    """``word`` with its ending respelt the English way (accents dropped), or None when no rule fits."""
    for ending, english in _longest_first(rules):
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_WORD:
            return (word[: -len(ending)] + english).translate(_ACCENTS)
    return None


@cache
def _longest_first(rules: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Cognate rules, the longest ending first (sorted once per table, not per word)."""
    return tuple(sorted(rules, key=lambda rule: -len(rule[0])))


def is_name(word: str, at_start: bool) -> bool:
    """A capitalised word inside a sentence, or one in capitals, is taken for a name or an acronym."""
    if len(word) < _MIN_WORD or any(char.isdigit() for char in word):
        return True
    if word.isupper():
        return True
    return word[:1].isupper() and not at_start


@dataclass(slots=True)
class Fallbacks:
    """Which fallbacks to try (each can be switched off to measure it) and the answers found so far."""

    catalan: bool = True
    dictionary: bool = True
    cognates: bool = True
    spanish_catalan: bool = True
    chain: tuple[str, ...] = FR_EN_CATALAN
    spanish_chain: tuple[str, ...] = ES_EN_CATALAN
    known: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (lang, word) → English or None

    def prepare(self, french: Iterable[str], spanish: Iterable[str], translate: WordRoute | None = None) -> None:
        """Find English for the new words of a batch: one Catalan run for all the words of each language."""
        routes = {"fr": (french, self.chain, self.catalan), "es": (spanish, self.spanish_chain, self.spanish_catalan)}
        for lang, (words, chain, catalan) in routes.items():
            new = sorted({w for w in words if (lang, w) not in self.known})
            via_catalan = _word_route(new, chain, translate) if catalan else {}
            for word in new:
                self.known[(lang, word)] = self._fallback(lang, word, via_catalan.get(word, ""))

    def _fallback(self, lang: str, word: str, via_catalan: str) -> str | None:
        """The Catalan route's answer, else the dictionary's first sense, else a cognate respelling."""
        lower = word.lower()
        english = _unmarked(via_catalan, lower)
        if english:
            return english
        dictionary, endings, cognates = _LOOKUPS[lang]
        if self.dictionary:
            found = dictionary_lookup(lower, load_dictionary(dictionary), endings)
            if found:
                return found
        return cognate(lower, cognates) if self.cognates else None

    def english(self, lang: str, word: str) -> str | None:
        """The English found for ``word`` (prepared before), keeping a capital first letter."""
        found = self.known.get((lang, word))
        if found is None:
            return None
        return found[:1].upper() + found[1:] if word[:1].isupper() else found


def strip_marks(text: str, source: str = "") -> str:
    """``text`` without apertium's unknown-word marks; a mark the source had itself (@handle, #tag, *word*)
    stays, even where apertium put its own mark after it ("@*VNA" -> "@VNA")."""
    return strip_own(text, own_marked(source))


def strip_own(text: str, own: frozenset[str]) -> str:
    """`strip_marks` with the source's own marked words (`own_marked`) worked out already."""
    def drop(match: re.Match[str]) -> str:
        word = _WORD_AFTER.match(text, match.end())
        if word and own:
            for char in dict.fromkeys(match.group(0)):
                if char + word.group(0) in own:
                    return char
        return ""
    return MARK.sub(drop, text)


_WORD_AFTER = re.compile(r"[\w<][\w'’-]*")
_OWN_MARKED = re.compile(r"[*#@]+([\w<][\w'’-]*)")


def own_marked(source: str) -> frozenset[str]:
    """The words a source writes after a mark character itself ("@VNA", "#IA2025", "*très"), with that
    character: those marks are the text's, not apertium's."""
    if not source or not any(char in source for char in "*#@"):
        return frozenset()
    return frozenset(match.group(0)[-len(match.group(1)) - 1:] for match in _OWN_MARKED.finditer(source))


def _unmarked(translation: str, word: str) -> str | None:
    """A one-word translation the chain gave without marks ("it results" → "results"), or None."""
    if not translation or MARK.search(translation):
        return None
    english = _ENGLISH_PRONOUN.sub("", translation).strip(" .")
    return english if english and english.lower() != word else None


def unknown_words(spanish: str, english: str) -> list[tuple[str, str, bool]]:
    """The marked words of one line: (language, word, is a name), French from the Spanish step's marks,
    Spanish from the English step's marks."""
    french = set(_MARKED_WORD.findall(spanish))
    found = []
    for match in _MARKED_WORD.finditer(english):
        word = match.group(1)
        at_start = english[:match.start()].strip(" \"'«“(-") == ""
        found.append(("fr" if word in french else "es", word, is_name(word, at_start)))
    return found


def replace_unknown(spanish: str, english: str, source: str, fallbacks: Fallbacks,
                    unknown: list[tuple[str, str, bool]] | None = None) -> str:
    """The English step's output with unknown words replaced by their fallback and all marks stripped;
    `unknown`: the line's `unknown_words`, when already found."""
    words = iter(unknown_words(spanish, english) if unknown is None else unknown)

    def swap(match: re.Match[str]) -> str:
        lang, word, name = next(words)
        found = None if name else fallbacks.english(lang, word)
        return match.group(0) if found is None else "\x00" + found  # \x00: a/an is checked before it

    replaced = _MARKED_WORD.sub(swap, english)
    replaced = _A_AN.sub(_agree, replaced).replace("\x00", "")
    return strip_marks(replaced, source)


_A_AN = re.compile(r"\b([Aa]n?) ([*#@]*\x00?)(\w)")


def _agree(match: re.Match[str]) -> str:
    """'a' or 'an' as the next word starts (a marked or replaced word, which the chain saw with its mark)."""
    article, mark, first = match.groups()
    if not mark:
        return match.group(0)
    wanted = article[0] + ("n" if first.lower() in "aeiou" else "")
    return f"{wanted} {mark}{first}"


def fill_unknown(staged: Sequence[tuple[str, ...]], sources: Sequence[str], fallbacks: Fallbacks,
                 translate: WordRoute | None = None) -> list[str]:
    """English for each line from the marked (Spanish, English) steps of the chain, unknown words filled;
    `translate` runs the Catalan chains on single words (None: dictionary and cognates only)."""
    unknown = [unknown_words(stages[-2], stages[-1]) if len(stages) >= 2 else [] for stages in staged]
    wanted: dict[str, set[str]] = {"fr": set(), "es": set()}
    for lang, word, name in (found for line in unknown for found in line):
        if not name:
            wanted[lang].add(word)
    fallbacks.prepare(wanted["fr"], wanted["es"], translate)
    out = []
    for stages, source, words in zip(staged, sources, unknown, strict=True):
        if len(stages) < 2:
            out.append(strip_marks(stages[-1], source))
        else:
            out.append(replace_unknown(stages[-2], stages[-1], source, fallbacks, words))
    return out
