"""Stage 4, translation: what the briefing shows, in the target language, offline.

`translate_records` fills `title_en`, `summary_en` and `figure_sentences_en` of stories (or articles), and
the English form of a story's places and descriptive organisation names (`_named_in_english`);
`translate_by_language` translates texts grouped by language (also for stage 3's grouping leads). One
translator per source language, opened up front so that a missing engine fails before any work.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import TypeVar

from briefing.errors import ModelMissing, TranslationError
from briefing.log import get_logger
from briefing.records import Article, Entity, Story
from briefing.text.entities import ORGANISATION, PLACE, known_place
from briefing.translate.glossary import Glossary, load_glossary
from briefing.translate.settings import ENGLISH_NAME_HEADS
from briefing.translate.translator import Translated, Translator, open_translator

log = get_logger(__name__)

SUSPECT = "translation-suspect"
UNTRANSLATED = "untranslated"

Record = TypeVar("Record", Article, Story)


def _with_flag(record: Record, flag: str) -> Record:
    return record if flag in record.flags else dataclasses.replace(record, flags=(*record.flags, flag))


def translate_by_language(texts: Mapping[str, Sequence[str]], *, target: str = "en", engine: str = "auto",
                          glossary: Path | None = None, use_cache: bool = True, cache_path: Path | None = None,
                          executor: Executor | None = None) -> tuple[dict[str, list[Translated] | None], str | None]:
    """Translate texts grouped by source language: one translator per language, all its texts batched (what
    the cache lacks goes through the engine on the executor's workers when one is given).

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
                                                    use_cache=use_cache, cache_path=cache_path, executor=executor)
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
                      use_cache: bool = True, cache_path: Path | None = None,
                      executor: Executor | None = None) -> tuple[list[Record], str | None]:
    """Articles or stories with `title_en`, `summary_en` and `figure_sentences_en` filled.

    Records already in `target` are copied. A record for which `full` is false gets only its title
    translated (a one-line entry); a title already translated (`title_en` set) is kept. A guard that fired
    adds flag "translation-suspect"; a language no engine can do (while others can), an unknown language
    or a failed run adds "untranslated" and keeps the original text. Raises ModelMissing up front when no
    language can be translated. Returns the records in the same order and the engine name(s) used. With an
    executor, the engine runs on its workers.
    """
    result = [as_is(r) if r.lang == target else r for r in records]
    for i, unknown in enumerate(result):
        if not unknown.lang.strip():
            log.warning("%s: language unknown; left untranslated", _name(unknown))
            result[i] = _untranslated(unknown)
    wanted: dict[str, list[tuple[int, list[str]]]] = {}
    glossaries: dict[str, Glossary] = {}

    def whole(lang: str) -> Glossary:
        """The glossary for lang->target: the names it gives whole are shown as it says."""
        if lang not in glossaries:
            glossaries[lang] = load_glossary(glossary, lang, target)
        return glossaries[lang]

    for i, record in enumerate(result):
        if record.lang != target and record.lang.strip():
            wanted.setdefault(record.lang, []).append((i, _sources(record, full(record), whole(record.lang))))
    done, engines = translate_by_language(
        {lang: [text for _, parts in items for text in parts] for lang, items in wanted.items()},
        target=target, engine=engine, glossary=glossary, use_cache=use_cache, cache_path=cache_path,
        executor=executor,
    )
    for lang, items in wanted.items():
        outputs = done[lang]
        at = 0
        for i, parts in items:
            if outputs is None:
                result[i] = _untranslated(result[i])
                continue
            result[i] = _filled(result[i], outputs[at:at + len(parts)], full(result[i]), whole(lang))
            at += len(parts)
    return result, engines


def _sources(record: Article | Story, full: bool, whole: Glossary) -> list[str]:
    """What to translate of `record`: its title (unless translated already), then summary and figures, then
    (a story's) the names `_named_in_english`."""
    parts = [] if record.title_en else [record.title]
    return [*parts, record.summary, *record.figure_sentences, *_names(record, whole)] if full else parts


def _named_in_english(entity: Entity, whole: Glossary) -> bool:
    """Whether a story's name is offered for translation (`_english_names` then checks what comes back): a
    name the glossary gives whole (`whole`), a place, or an organisation whose first word says what it is
    (ENGLISH_NAME_HEADS). People keep their names, and so do brand-like ones ("Le Monde", "JICA")."""
    if whole.gives_whole(entity.name) or entity.type == PLACE:
        return True
    words = entity.name.split()
    return entity.type == ORGANISATION and len(words) > 1 and words[0].casefold() in ENGLISH_NAME_HEADS


def _names(record: Article | Story, whole: Glossary) -> list[str]:
    if not isinstance(record, Story):
        return []
    return [e.name for e in record.entities if _named_in_english(e, whole)]


def _name(record: Article | Story) -> str:
    return (record.path or record.id) if isinstance(record, Article) else record.id


def _filled(record: Record, outputs: Sequence[Translated], full: bool, whole: Glossary) -> Record:
    """`record` with the English of its title (unless it had one), summary and figure sentences."""
    outputs = list(outputs)
    title = outputs.pop(0) if not record.title_en else Translated(record.title_en)
    changes: dict[str, object] = {"title_en": title.text}
    suspect = title.suspect
    if full:
        summary = outputs.pop(0)
        figures, names = outputs[:len(record.figure_sentences)], outputs[len(record.figure_sentences):]
        changes["summary_en"] = summary.text
        # a figure sentence a guard caught is dropped, not shown in the source language
        changes["figure_sentences_en"] = tuple(f.text for f in figures if not f.suspect)
        suspect = suspect or summary.suspect
        if isinstance(record, Story):
            changes["entities"] = _english_names(record.entities, names, whole)
    filled = dataclasses.replace(record, **changes)  # type: ignore[arg-type]
    return _with_flag(filled, SUSPECT) if suspect else filled


def _english_names(entities: Sequence[Entity], names: Sequence[Translated],
                   whole: Glossary) -> tuple[Entity, ...]:
    """The entities with the English of those `_named_in_english` (`names`, in their order) where it can be
    trusted (`_trusted`); any other name, one a guard caught or one that came back empty, shows as written."""
    english = iter(names)
    result = []
    for entity in entities:
        if _named_in_english(entity, whole):
            name = next(english)
            text = " ".join(name.text.split())
            if text and not name.suspect and text != entity.name and _trusted(entity, text, whole):
                entity = dataclasses.replace(entity, name_en=text)
        result.append(entity)
    return tuple(result)


def _trusted(entity: Entity, english: str, whole: Glossary) -> bool:
    """Whether the English of a name alone can be shown (ENGLISH_NAME_HEADS says why each test): the
    glossary's own; a place English news writes; an organisation that kept its other capitalised words."""
    if whole.gives_whole(entity.name):
        return True
    if entity.type == PLACE:
        return known_place(english)
    kept = {word.casefold() for word in english.split()}
    return all(word.casefold() in kept for word in entity.name.split()[1:] if word[:1].isupper())


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
