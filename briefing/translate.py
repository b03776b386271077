"""Stage 4, translate: titles and summaries into the target language, offline.

Engines are strategies in a registry: "argos" (an installed Argos package's CTranslate2 model, the
better translator) and "apertium" (Debian's rule-based translators, a pivot chain where no direct
mode exists). "auto" takes argos when a package for the pair is installed, else apertium, else
fails up front naming the pair and the install command.

Whatever the engine, one path carries every sentence:
split into sentences (the summarizer's splitter) → cut overlong sentences → protect glossary terms,
URLs and amounts (`protect.py`) → look up the cache → translate the misses in batches → check the
output (loops, runaway length, lost placeholders: the source is kept and flagged) → store, restore.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from briefing import apertium_engine, argos_engine
from briefing.argos_engine import ModelInfo
from briefing.errors import ModelMissing, TranslationError
from briefing.glossary import Glossary, load_glossary
from briefing.log import get_logger
from briefing.protect import Protected, protect, restore
from briefing.records import Article, Story
from briefing.sentences import split_sentences
from briefing.settings import (
    GUARD_LENGTH_RATIO,
    GUARD_LENGTH_SLACK,
    GUARD_MAX_REPEATS,
    TRANSLATE_BLOCK,
)
from briefing.translation_cache import TranslationCache, default_cache_path, normalise

log = get_logger(__name__)

__all__ = [
    "ENGINES", "UNTRANSLATED", "ModelInfo", "Translator", "as_is", "available_models", "install_model",
    "install_model_file", "installed_models", "open_translator", "translate_articles", "translate_by_language",
    "translate_records",
]

ENGINES = ("auto", "argos", "apertium")
SUSPECT = "translation-suspect"
UNTRANSLATED = "untranslated"

installed_models = argos_engine.installed_models
available_models = argos_engine.available_models
install_model = argos_engine.install_model
install_model_file = argos_engine.install_model_file


class Engine(Protocol):
    """What an engine gives the Translator: a name, a version for the cache, batched translation."""

    name: str
    version: str
    max_tokens: int  # the longest segment, in `token_count` units, the engine takes whole

    def token_count(self, text: str) -> int:
        """The size of `text` in the engine's own units (model tokens, or characters)."""
        ...

    def translate(self, segments: Sequence[str]) -> list[str]:
        """One output per segment, same order; empty stays empty."""
        ...

    def close(self) -> None:
        """Release processes or memory."""
        ...


def _open_argos(source: str, target: str) -> Engine:
    return argos_engine.ArgosEngine(source, target)


def _open_apertium(source: str, target: str) -> Engine:
    return apertium_engine.ApertiumEngine(source, target)


ENGINE_FACTORIES: dict[str, Callable[[str, str], Engine]] = {"argos": _open_argos, "apertium": _open_apertium}


@dataclass(frozen=True, slots=True)
class Translated:
    """One text's translation and whether a guard kept part of the source instead."""

    text: str
    suspect: bool = False


@dataclass(slots=True)
class Stats:
    """What one Translator did: segments sent to the engine, found in the cache, caught by a guard."""

    translated: int = 0
    cached: int = 0
    suspect: int = 0


# --- guards ----------------------------------------------------------------------------------

def _longest_repeat(tokens: list[str]) -> int:
    """The most times any group of 1-4 tokens repeats back to back."""
    best = 1
    for size in range(1, 5):
        for start in range(len(tokens) - size):
            runs = 1
            position = start + size
            while tokens[position:position + size] == tokens[start:start + size]:
                runs += 1
                position += size
            best = max(best, runs)
    return best


def guard(source: str, output: str) -> str | None:
    """Why `output` cannot be a translation of `source` (a loop, runaway length, nothing), or None."""
    if source.strip() and not output.strip():
        return "empty output"
    if len(output) > GUARD_LENGTH_RATIO * len(source) + GUARD_LENGTH_SLACK:
        return f"output {len(output)} characters for {len(source)}"
    repeats = _longest_repeat(output.lower().split())
    if repeats >= GUARD_MAX_REPEATS and repeats > _longest_repeat(source.lower().split()):
        return f"output repeats itself {repeats} times"
    return None


# --- long sentences ----------------------------------------------------------------------------

_BREAKS = (re.compile(r"(?<=[;:])\s+"), re.compile(r"(?<=,)\s+"), re.compile(r"\s+[–—-]\s+"), re.compile(r"\s+"))


def split_long(text: str, measure: Callable[[str], int], limit: int) -> list[str]:
    """`text` cut into pieces that each measure at most `limit`, at clause breaks near the middle
    when there are some, else at spaces, else anywhere; nothing is dropped."""
    if measure(text) <= limit or len(text) < 2:
        return [text]
    middle = len(text) // 2
    cut: tuple[int, int] | None = None
    for pattern in _BREAKS:
        spots = [(m.start(), m.end()) for m in pattern.finditer(text) if m.start() > 0 and m.end() < len(text)]
        spots = [s for s in spots if len(text) // 5 <= s[0] <= len(text) * 4 // 5] or (
            spots if pattern is _BREAKS[-1] else [])
        if spots:
            cut = min(spots, key=lambda s: abs(s[0] - middle))
            break
    head, tail = (text[:cut[0]], text[cut[1]:]) if cut else (text[:middle], text[middle:])
    return split_long(head.strip(), measure, limit) + split_long(tail.strip(), measure, limit)


# --- sentences -----------------------------------------------------------------------------------

# The summarizer's sentences (briefing.sentences.split_sentences, never empty) are the units that are
# translated and cached.


# --- the translator --------------------------------------------------------------------------------

class Translator:
    """An engine for one language pair, with glossary, cache and guards around it. Use as a context manager."""

    def __init__(self, engine: Engine, source: str, target: str, *, glossary: Glossary,
                 cache: TranslationCache | None) -> None:
        self.engine = engine
        self.name = engine.name
        self.source = source
        self.target = target
        self.glossary = glossary
        self.cache = cache
        self.stats = Stats()
        self._measure: Callable[[str], int] = engine.token_count
        self._limit = engine.max_tokens

    def __enter__(self) -> Translator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the engine and close the cache."""
        self.engine.close()
        if self.cache is not None:
            self.cache.close()

    def translate_lines(self, lines: Sequence[str]) -> list[str]:
        """One translation per line, same order; an empty line stays empty. Guarded sentences keep the source."""
        return [t.text for t in self.translate_texts(lines)]

    def translate_texts(self, texts: Iterable[str]) -> Iterator[Translated]:
        """Translate texts of one or more sentences; yields one result per text, in order.

        Texts are taken in blocks of about `TRANSLATE_BLOCK` sentences, so memory stays flat.
        """
        block: list[list[list[str]]] = []  # per text: per sentence: its pieces
        size = 0
        for text in texts:
            pieces = [self._pieces(sentence) for sentence in split_sentences(text, self.source)]
            block.append(pieces)
            size += sum(len(p) for p in pieces)
            if size >= TRANSLATE_BLOCK:
                yield from self._translate_block(block)
                block, size = [], 0
        yield from self._translate_block(block)

    def _pieces(self, sentence: str) -> list[str]:
        """The sentence, cut where it is too long for the engine."""
        return [piece for piece in split_long(sentence, self._measure, self._limit) if piece]

    def _translate_block(self, block: list[list[list[str]]]) -> Iterator[Translated]:
        prepared = {piece: protect(piece, self.source, self.target, self.glossary)
                    for text in block for sentence in text for piece in sentence}
        outputs = self._engine_outputs({p.text for p in prepared.values()})
        for text in block:
            sentences = []
            suspect = False
            for sentence in text:
                parts = []
                for piece in sentence:
                    translated = self._checked(piece, prepared[piece], outputs[normalise(prepared[piece].text)])
                    suspect = suspect or translated is None
                    parts.append(piece if translated is None else translated)
                sentences.append(" ".join(parts))
            yield Translated(" ".join(sentences), suspect)

    def _engine_outputs(self, texts: set[str]) -> dict[str, str]:
        """Raw engine output for each text (by normalised form): from the cache, else from the engine."""
        wanted = sorted({normalise(t) for t in texts if t.strip()})
        found = self.cache.get_many(wanted) if self.cache is not None else {}
        missing = [t for t in wanted if t not in found]
        self.stats.cached += len(wanted) - len(missing)
        if missing:
            translated = self.engine.translate(missing)
            self.stats.translated += len(missing)
            fresh = dict(zip(missing, translated, strict=True))
            if self.cache is not None:
                self.cache.put_many(fresh.items())
            found.update(fresh)
        found[""] = ""
        return found

    def _checked(self, source: str, prepared: Protected, output: str) -> str | None:
        """The restored translation of one piece, or None when a guard says it is not one."""
        problem = guard(prepared.text, output)
        restored = restore(output, prepared.spans) if problem is None else None
        if problem is None and restored is None:
            problem = "a protected name, figure or glossary term was lost"
        if problem is not None:
            self.stats.suspect += 1
            log.warning("kept the source of a %s sentence (%s): %.80s", self.name, problem, source)
            return None
        return restored


def _pick_engine(source: str, target: str, engine: str) -> Engine:
    """The engine asked for; for "auto", argos when a package is installed, else apertium."""
    if engine not in ENGINES:
        raise TranslationError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine != "auto":
        return ENGINE_FACTORIES[engine](source, target)
    try:
        has_argos = argos_engine.find_model(source, target) is not None
    except (ImportError, TranslationError) as exc:
        log.debug("argos not usable: %s", exc)
        has_argos = False
    if has_argos:
        return ENGINE_FACTORIES["argos"](source, target)
    if apertium_engine.find_chain(source, target) is not None:
        return ENGINE_FACTORIES["apertium"](source, target)
    raise ModelMissing(
        f"no translation engine for {source}->{target}: install an Argos model with "
        f"`briefing models install {source} {target}` (or `--file PATH.argosmodel` offline), "
        f"or apertium with `{apertium_engine.install_hint(source, target)}`"
    )


def open_translator(source: str, target: str, *, engine: str = "auto", glossary: Path | None = None,
                    use_cache: bool = True, cache_path: Path | None = None) -> Translator:
    """A Translator for source→target; raises ModelMissing up front when no engine can do the pair."""
    terms = load_glossary(glossary, source, target)
    chosen = _pick_engine(source, target, engine)
    cache = None
    if use_cache:
        cache = TranslationCache(cache_path or default_cache_path(), engine=chosen.name, version=chosen.version,
                                 source=source, target=target)
    log.debug("translating %s->%s with %s (%s)", source, target, chosen.name, chosen.version)
    return Translator(chosen, source, target, glossary=terms, cache=cache)


Record = TypeVar("Record", Article, Story)


def _with_flag(record: Record, flag: str) -> Record:
    return record if flag in record.flags else dataclasses.replace(record, flags=(*record.flags, flag))


def translate_by_language(texts: Mapping[str, Sequence[str]], *, target: str = "en", engine: str = "auto",
                          glossary: Path | None = None, use_cache: bool = True, cache_path: Path | None = None,
                          ) -> tuple[dict[str, list[Translated] | None], str | None]:
    """Translate texts grouped by source language: one translator per language, all its texts batched.

    Every translator is opened before any work, so a missing engine fails up front: ModelMissing when no
    language can be translated at all; when only some can, the others get None with a warning (as does a
    language whose engine fails while running). Returns the results per language and the engine name(s).
    """
    languages = sorted(lang for lang in texts if lang != target)
    translators: dict[str, Translator] = {}
    missing: list[ModelMissing] = []
    done: dict[str, list[Translated] | None] = {}
    names: list[str] = []
    try:
        for lang in languages:
            try:
                translators[lang] = open_translator(lang, target, engine=engine, glossary=glossary,
                                                    use_cache=use_cache, cache_path=cache_path)
            except ModelMissing as exc:
                missing.append(exc)
        if missing and not translators:
            raise missing[0]
        for problem in missing:
            log.warning("%s; those texts stay untranslated", problem)
        for lang in languages:
            translator = translators.get(lang)
            done[lang] = None if translator is None else _run(translator, texts[lang])
            if translator is not None and done[lang] is not None and translator.name not in names:
                names.append(translator.name)
    finally:
        for translator in translators.values():
            translator.close()
    return done, "+".join(names) or None


def _run(translator: Translator, texts: Sequence[str]) -> list[Translated] | None:
    try:
        done = list(translator.translate_texts(texts))
    except TranslationError as exc:
        log.warning("%s->%s translation failed (%s); %d text(s) stay untranslated",
                    translator.source, translator.target, exc, len(texts))
        return None
    stats = translator.stats
    log.info("%s->%s with %s: %d sentence(s) translated, %d from the cache, %d kept in the source",
             translator.source, translator.target, translator.name, stats.translated, stats.cached, stats.suspect)
    return done


def _always(record: Article | Story) -> bool:
    return True


def translate_records(records: Sequence[Record], *, full: Callable[[Record], bool] = _always,
                      target: str = "en", engine: str = "auto", glossary: Path | None = None,
                      use_cache: bool = True, cache_path: Path | None = None) -> tuple[list[Record], str | None]:
    """Articles or stories with `title_en`, `summary_en` and `figure_sentences_en` filled.

    Records already in `target` are copied. A record for which `full` is false gets only its title
    translated (a one-line entry); a title already translated (`title_en` set) is kept. A guard that fired
    adds flag "translation-suspect"; a language no engine can do (while others can), an unknown language
    or a failed run adds "untranslated" and keeps the original text. Raises ModelMissing up front when no
    language can be translated. Returns the records in the same order and the engine name(s) used.
    """
    result = [as_is(r) if r.lang == target else r for r in records]
    for i, unknown in enumerate(result):
        if not unknown.lang.strip():
            log.warning("%s: language unknown; left untranslated", _name(unknown))
            result[i] = _untranslated(unknown)
    wanted: dict[str, list[tuple[int, list[str]]]] = {}
    for i, record in enumerate(result):
        if record.lang != target and record.lang.strip():
            wanted.setdefault(record.lang, []).append((i, _sources(record, full(record))))
    done, engines = translate_by_language(
        {lang: [text for _, parts in items for text in parts] for lang, items in wanted.items()},
        target=target, engine=engine, glossary=glossary, use_cache=use_cache, cache_path=cache_path,
    )
    for lang, items in wanted.items():
        outputs = done[lang]
        at = 0
        for i, parts in items:
            if outputs is None:
                result[i] = _untranslated(result[i])
                continue
            result[i] = _filled(result[i], outputs[at:at + len(parts)], full(result[i]))
            at += len(parts)
    return result, engines


def _sources(record: Article | Story, full: bool) -> list[str]:
    """What to translate of `record`: its title (unless translated already), then summary and figures."""
    parts = [] if record.title_en else [record.title]
    return [*parts, record.summary, *record.figure_sentences] if full else parts


def _name(record: Article | Story) -> str:
    return (record.path or record.id) if isinstance(record, Article) else record.id


def _filled(record: Record, outputs: Sequence[Translated], full: bool) -> Record:
    """`record` with the English of its title (unless it had one), summary and figure sentences."""
    outputs = list(outputs)
    title = outputs.pop(0) if not record.title_en else Translated(record.title_en)
    changes: dict[str, object] = {"title_en": title.text}
    suspect = title.suspect
    if full:
        summary, *figures = outputs
        changes["summary_en"] = summary.text
        # a figure sentence a guard caught is dropped, not shown in the source language
        changes["figure_sentences_en"] = tuple(f.text for f in figures if not f.suspect)
        suspect = suspect or summary.suspect
    filled = dataclasses.replace(record, **changes)  # type: ignore[arg-type]
    return _with_flag(filled, SUSPECT) if suspect else filled


def translate_articles(articles: Sequence[Article], *, target: str = "en", engine: str = "auto",
                       glossary: Path | None = None, use_cache: bool = True,
                       cache_path: Path | None = None) -> tuple[list[Article], str | None]:
    """Titles → title_en, summaries → summary_en and figure sentences → figure_sentences_en for every
    article not already in `target` (see `translate_records`)."""
    return translate_records(articles, target=target, engine=engine, glossary=glossary, use_cache=use_cache,
                             cache_path=cache_path)


def as_is(record: Record) -> Record:
    """The record with its own text as the 'translation' (it is already in the target language).

    A title translated already is kept: a story in the target language may take its headline from an
    article in another language (when none of its own articles has one), translated for grouping.
    """
    return dataclasses.replace(record, title_en=record.title_en or record.title, summary_en=record.summary,
                               figure_sentences_en=record.figure_sentences)


def _untranslated(record: Record) -> Record:
    # figure sentences are left out: the key-figures box reads English only
    copied = dataclasses.replace(record, title_en=record.title_en or record.title, summary_en=record.summary)
    return _with_flag(copied, UNTRANSLATED)
