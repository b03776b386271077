"""Stage 1, ingestion, as one run: every source read (on an executor's workers when given), with the
source cache in front, then near duplicates merged.

1. expand     files, folders (recursive), globs and http(s) URLs become names to read   (sources.py, fetch.py)
2. guard      empty, tiny, over-size and binary inputs are skipped with a one-line reason  (decode.py)
3. decode     BOM, declared charset, strict UTF-8, then a detector                        (decode.py)
4. read       the format's reader in READERS (text, HTML, JSON, JSONL, RSS/Atom)         (readers.py)
5. finish     clean the text, settle title, date, URL, publisher, language (clean.py, dates.py, metadata.py)
6. merge      exact and near-duplicate stories are merged                                 (dedup.py)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import IngestError
from briefing.ingest.cache import SourceCache, source_key
from briefing.ingest.decode import check_text, decode, guard
from briefing.ingest.dedup import merge_duplicates
from briefing.ingest.fetch import fetch
from briefing.ingest.metadata import finish
from briefing.ingest.readers import READERS, RawArticle, format_of
from briefing.ingest.settings import SKIPPED_NAME_CHARS, SKIPPED_SHOWN
from briefing.ingest.sources import expand_sources, shown_name
from briefing.log import get_logger
from briefing.options import DEFAULT_FETCH_DEADLINE_S, DEFAULT_MAX_FILE_BYTES
from briefing.records import Article, IngestResult, Skipped, own_output
from briefing.runtime import parallel
from briefing.runtime.jsonl import listed

log = get_logger(__name__)

def _read_source(data: bytes, name: str, today: dt.date, *, charset: str | None = None,
                 source_url: str | None = None, format_name: str | None = None,
                 executor: Executor | None = None) -> tuple[list[Article], list[str]]:
    """Articles and warnings from one source's bytes; raises only IngestError, with a one-line reason.

    `name` is shown in messages and kept as the articles' path; `format_name` (default: `name`) gives
    the format by its extension. With an executor, the source's records are cleaned on its workers
    (one big JSONL or feed file)."""
    try:
        return _read_unguarded(data, name, today, charset, source_url, format_name or name, executor)
    except IngestError as exc:
        raise IngestError(" ".join(str(exc).split())) from None
    except (ValueError, TypeError, LookupError, RecursionError, MemoryError, OverflowError) as exc:
        # A bug or a pathological input deep inside a parser must not stop the run: the source is skipped.
        log.debug("unexpected %s reading %s", type(exc).__name__, name, exc_info=True)
        raise IngestError(" ".join(f"could not be read ({type(exc).__name__}: {exc})".split())[:200]) from None


def _finish_one(raw: RawArticle, *, name: str, today: dt.date,
                source_url: str | None) -> tuple[Article | None, list[str], str | None]:
    """(article, warnings, None) or (None, warnings, why not): `finish` in a form a worker can send back."""
    warnings: list[str] = []
    try:
        return finish(raw, name, today, warnings, source_url), warnings, None
    except IngestError as exc:
        return None, warnings, str(exc)


def _read_unguarded(data: bytes, name: str, today: dt.date, charset: str | None,
                    source_url: str | None, format_name: str,
                    executor: Executor | None) -> tuple[list[Article], list[str]]:
    guard(data)
    notes: list[str] = []
    text = decode(data, declared=charset, notes=notes)
    check_text(text)
    own = own_output(text)
    if own is not None:  # an earlier briefing, wherever it was copied: never an article
        raise IngestError(f"written by briefing ({own}); its own outputs are not read back as articles")
    warnings: list[str] = [f"{name}: {note}" for note in notes]
    raws = READERS[format_of(text, format_name)](text, name, today, warnings)
    articles: list[Article] = []
    problems: list[str] = []
    finish = functools.partial(_finish_one, name=name, today=today, source_url=source_url)
    cleaned = parallel.run_all(executor, finish, raws, stage="clean" if executor is not None else None)
    for raw, (article, notes, problem) in zip(raws, cleaned, strict=True):
        warnings.extend(notes)
        if article is not None:
            articles.append(article)
        else:
            problems.append(f"{raw.where}: {problem}" if raw.where else str(problem))
    if not articles:
        raise IngestError(problems[0] if problems else "no article found")
    warnings.extend(f"{name} {problem}" for problem in problems)
    return articles, warnings


def read_bytes(data: bytes, name: str, *, today: dt.date | None) -> list[Article]:
    """The articles in one source's bytes (`name` gives the format by its extension, else the content
    is sniffed). Raises only IngestError, with a one-line reason."""
    return _read_source(data, name, today or dt.date.today())[0]


def _read_file(path: Path, max_bytes: int) -> bytes:
    """A local source's bytes; IngestError when it is too large or cannot be read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(f"too large ({size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.3g} MB)")
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror or exc}") from None


def _load(name: str, path: Path | None, max_bytes: int, today: dt.date,
          deadline_s: float, executor: Executor | None = None) -> tuple[list[Article], list[str]]:
    if path is None:
        data, format_name, charset = fetch(name, max_bytes, deadline_s)
        articles, warnings = _read_source(data, shown_name(name), today, charset=charset, source_url=name,
                                          format_name=format_name, executor=executor)
        return [dataclasses.replace(a, path=shown_name(name)) for a in articles], warnings
    data = _read_file(path, max_bytes)
    return _read_source(data, shown_name(name), today, format_name=name, executor=executor)


@dataclass(frozen=True, slots=True)
class _Shipped:
    """A local source as the driver sends it to a worker: its name and bytes, or why it could not be read.
    Workers then need no access to the driver's files."""

    name: str
    data: bytes
    problem: str | None = None


def _ship(source: tuple[str, Path | None], *, max_bytes: int) -> tuple[str, Path | None] | _Shipped:
    """What a worker gets for `source`: a local file's bytes, read here; a URL as it is (the worker fetches it)."""
    name, path = source
    if path is None:
        return source
    try:
        return _Shipped(name, _read_file(path, max_bytes))
    except IngestError as exc:
        return _Shipped(name, b"", str(exc))


def _load_one(source: tuple[str, Path | None] | _Shipped, *, max_bytes: int, today: dt.date, deadline_s: float,
              executor: Executor | None = None) -> tuple[list[Article], list[str], str | None]:
    """(articles, warnings, None) or ([], [], why it was skipped): `_load` in a form a worker can send back."""
    name = source.name if isinstance(source, _Shipped) else source[0]
    try:
        if isinstance(source, _Shipped):
            if source.problem is not None:
                raise IngestError(source.problem)
            return (*_read_source(source.data, shown_name(name), today, format_name=name), None)
        return (*_load(name, source[1], max_bytes, today, deadline_s, executor), None)
    except IngestError as exc:
        log.debug("skipped %s: %s", shown_name(name), exc)
        return [], [], str(exc)


def ingest(sources: Sequence[str], *, today: dt.date | None = None, max_bytes: int = DEFAULT_MAX_FILE_BYTES,
           fetch_deadline_s: float = DEFAULT_FETCH_DEADLINE_S, output_dir: Path | None = None,
           executor: Executor | None = None, cache_path: Path | None = None) -> IngestResult:
    """Read, clean and de-duplicate every article the sources hold (files, folders, globs, URLs).

    Files briefing wrote to `output_dir` (a build's --out) are skipped, not read back as articles.
    Each URL's whole download must end within `fetch_deadline_s` seconds, else it is skipped.
    A source that gives no article becomes a `Skipped` with a one-line reason; nothing raises for one
    bad file. Articles without a date are reported in `warnings`. With an executor, sources (or the
    records of a single source) are read and cleaned on its workers; the result is the same. This process
    reads each local file and sends its bytes (workers need no access to the sources' folders). With
    `cache_path`, a local file whose bytes were read before (same name, run date and code) is taken from
    that source cache instead (source_cache.py).
    """
    today = today or dt.date.today()
    articles: list[Article] = []
    skipped: list[Skipped] = []
    warnings: list[str] = []
    found = list(expand_sources(sources, output_dir=output_dir))
    readable = [(name, path) for name, path, problem in found if not problem]
    cache = SourceCache(cache_path) if cache_path is not None else None
    try:
        keys = _source_keys(readable, today, max_bytes) if cache is not None else {}
        reused = cache.get_many(list(keys.values())) if cache is not None else {}
        todo = [source for source in readable if keys.get(source) not in reused]
        load = functools.partial(_load_one, max_bytes=max_bytes, today=today, deadline_s=fetch_deadline_s)
        if len(todo) == 1:  # one file or feed: its records are what can run in parallel
            loaded = [load(todo[0], executor=executor)]
        else:
            # with workers, the bytes of each file go to them from here: they need no access to its folder
            loaded = parallel.run_all(executor, load, todo, stage="read",
                                      ship=functools.partial(_ship, max_bytes=max_bytes))
        results = dict(zip(todo, loaded, strict=True))
        if cache is not None:
            cache.put_many((keys[source], results[source]) for source in todo if source in keys)
            log.info("sources: %d file(s) reused from the cache, %d read", len(readable) - len(todo), len(todo))
    finally:
        if cache is not None:
            cache.close()
    for name, path, problem in found:
        if problem:
            skipped.append(Skipped(shown_name(name), problem))
            continue
        read, notes, reason = results.get((name, path)) or reused[keys[(name, path)]]
        if reason is not None:
            skipped.append(Skipped(shown_name(name), reason))
        articles.extend(read)
        warnings.extend(notes)
    kept, merged = merge_duplicates(articles)
    warnings.extend(f"{a.path}: no date found" for a in kept if a.date is None)
    log.info("ingest: %d article(s), %d skipped, %d duplicate(s) merged", len(kept), len(skipped), len(merged))
    return IngestResult(tuple(kept), tuple(skipped), tuple(merged), tuple(warnings))


def _source_keys(sources: Sequence[tuple[str, Path | None]], today: dt.date,
                 max_bytes: int) -> dict[tuple[str, Path | None], str]:
    """The source-cache key of each local file that can be read (URLs and unreadable files get none)."""
    keys: dict[tuple[str, Path | None], str] = {}
    for name, path in sources:
        if path is None:
            continue
        try:
            if path.stat().st_size > max_bytes:
                continue
            keys[(name, path)] = source_key(path.read_bytes(), shown_name(name), today, max_bytes)
        except OSError:
            continue  # reading it again reports why
    return keys


def skipped_summary(skipped: Sequence[Skipped]) -> str:
    """ "N skipped (first few with their reasons; and M more)": one readable line however many there are."""
    shown = "; ".join(f"{listed([s.source], chars=SKIPPED_NAME_CHARS)}: {s.reason}" for s in skipped[:SKIPPED_SHOWN])
    more = len(skipped) - SKIPPED_SHOWN
    rest = f"; and {more} more: 'briefing ingest' lists every one" if more > 0 else ""
    return f"{len(skipped)} skipped ({shown}{rest})"

