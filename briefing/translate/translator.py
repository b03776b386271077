"""The Translator: an engine for one language pair, with glossary, cache and guards around it.

Whatever the engine, one path carries every sentence:
split into sentences (`briefing.text.split_sentences`) → cut overlong sentences → protect glossary terms,
URLs and amounts (`protect.py`) → look up the cache → translate the misses in batches → check the
output (loops, runaway length, lost placeholders: the source is kept and flagged) → store, restore.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import ModelMissing
from briefing.log import get_logger
from briefing.runtime import parallel
from briefing.text.sentences import split_sentences
from briefing.translate.cache import TranslationCache, default_cache_path, normalise
from briefing.translate.engines import Engine, pick_engine
from briefing.translate.glossary import Glossary, load_glossary
from briefing.translate.protect import Protected, protect, restore
from briefing.translate.settings import (
    GUARD_LENGTH_RATIO,
    GUARD_LENGTH_SLACK,
    GUARD_MAX_REPEATS,
    TRANSLATE_BLOCK,
    TRANSLATE_WORKER_SEGMENTS,
)

log = get_logger(__name__)

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


class Translator:
    """An engine for one language pair, with glossary, cache and guards around it. Use as a context manager."""

    def __init__(self, engine: Engine, source: str, target: str, *, glossary: Glossary,
                 cache: TranslationCache | None, executor: Executor | None = None) -> None:
        self.engine = engine
        self.executor = executor  # where the engine runs on what the cache lacks (None: here)
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
            translated = self._translate(missing)
            self.stats.translated += len(missing)
            fresh = dict(zip(missing, translated, strict=True))
            if self.cache is not None:
                self.cache.put_many(fresh.items())
            found.update(fresh)
        found[""] = ""
        return found

    def _translate(self, segments: list[str]) -> list[str]:
        """The engine's output for each segment: here, or on the executor's workers, each opening the same
        engine once; only this process reads and writes the cache."""
        if self.executor is None:
            return self.engine.translate(segments)
        work = functools.partial(translate_here, self.name, self.source, self.target)
        return parallel.map_chunks(self.executor, work, segments, stage=None, largest=TRANSLATE_WORKER_SEGMENTS,
                                   per_worker=1)

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


def translate_here(engine: str, source: str, target: str, segments: list[str]) -> list[str]:
    """`segments` through the engine named `engine` for source→target, opened once in this process (what a
    worker runs: no glossary, cache or guard here, the driver applies them)."""
    try:
        return _engine_here(engine, source, target).translate(segments)
    except ModelMissing as exc:
        raise ModelMissing(f"a worker cannot translate: {exc}") from None


@functools.lru_cache(maxsize=4)
def _engine_here(engine: str, source: str, target: str) -> Engine:
    return pick_engine(source, target, engine)


def open_translator(source: str, target: str, *, engine: str = "auto", glossary: Path | None = None,
                    use_cache: bool = True, cache_path: Path | None = None,
                    executor: Executor | None = None) -> Translator:
    """A Translator for source→target; raises ModelMissing up front when no engine can do the pair.

    With an executor, the engine runs on its workers on what the cache lacks (they need the same engine)."""
    terms = load_glossary(glossary, source, target)
    chosen = pick_engine(source, target, engine)
    cache = None
    if use_cache:
        cache = TranslationCache(cache_path or default_cache_path(), engine=chosen.name, version=chosen.version,
                                 source=source, target=target)
    log.debug("translating %s->%s with %s (%s)", source, target, chosen.name, chosen.version)
    return Translator(chosen, source, target, glossary=terms, cache=cache, executor=executor)
