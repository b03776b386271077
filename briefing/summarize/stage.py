"""Stage 2, summaries of single articles: the n candidates a ranker picks, in their original order.

`summarize` works on one text, `summarize_article` on an `Article` (the pipeline), `summarize_records` on
JSONL records (`briefing summarize`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from typing import Any

from briefing.errors import BadInput, SummarizeError
from briefing.records import Article
from briefing.runtime import parallel
from briefing.runtime.jsonl import Line, quoted
from briefing.summarize.rankers import SUMMARIZERS
from briefing.summarize.settings import MIN_SENTENCE_WORDS, RECORDS_BATCH
from briefing.text.candidates import candidates
from briefing.text.language import UNKNOWN, detect_language, language_key
from briefing.text.terms import content_terms


def summarize(
    text: str, lang: str, n: int, *, method: str = "default", title: str | None = None, keep_lead: bool = False,
    skip: str | None = None,
) -> list[str]:
    """The n sentences of `text` that best summarise it, in their original order.

    When n is at least the number of usable sentences, all of them are returned. `title`, when given,
    helps rankers that use it. `keep_lead` makes the first sentence one of the n, whatever its rank.
    `skip` is a sentence the summary must not repeat (a headline made from the lead). Raises SummarizeError
    for an unknown method or n < 1.
    """
    _check_method(method)
    if n < 1:
        raise SummarizeError(f"a summary needs at least one sentence, got {n}")
    lang = language_key(lang)
    cands = candidates(text, lang)
    if skip:
        same = same_words(skip)
        cands = [c for c in cands if same_words(c.text) != same] or cands
    if n >= len(cands):
        return [c.text for c in cands]
    # Short rhetorical beats ("Non.", "Pourquoi ?") only fill in when there are too few real statements.
    statements = [c for c in cands if c.words >= MIN_SENTENCE_WORDS]
    pool = statements if len(statements) >= n else cands
    title_terms = content_terms(title, lang) if title else None
    if keep_lead:
        rest = SUMMARIZERS[method](pool[1:], n - 1, title_terms or None) if n > 1 else []
        picked = [0, *(i + 1 for i in rest)]
    else:
        picked = SUMMARIZERS[method](pool, n, title_terms or None)
    return [pool[i].text for i in sorted(picked)]


def same_words(sentence: str) -> tuple[str, ...]:
    """The lower-cased words of `sentence`: two sentences with the same words say the same thing."""
    return tuple(_WORDS.findall(sentence.lower()))


_WORDS = re.compile(r"\w+")


def _check_method(method: str) -> None:
    if method not in SUMMARIZERS:
        raise SummarizeError(f"unknown summarizer {method!r}; choose one of: {', '.join(sorted(SUMMARIZERS))}")


def summarize_article(article: Article, n: int, *, method: str = "default") -> Article:
    """A copy of `article` with `summary` set (the picked sentences joined by one space).

    The title guides the ranker unless ingestion made it from the lead (`title_derived`); then the
    title is the lead compressed, so the summary keeps the lead sentence whole for the reader, but never
    repeats the headline word for word (a lead short enough to be its own headline is left out).
    """
    derived = article.title_derived
    sentences = summarize(
        article.text, article.lang or "und", n, method=method, title=None if derived else article.title,
        keep_lead=derived, skip=article.title if derived else None,
    )
    return dataclasses.replace(article, summary=" ".join(sentences))


def summarize_records(
    lines: Iterable[Line],
    *,
    field: str,
    lang: str,
    sentences: int,
    method: str,
    title_field: str | None,
    executor: Executor | None = None,
) -> Iterator[dict[str, Any]]:
    """Each record with a "summary" added, for `briefing summarize` (JSONL in, JSONL out).

    `lines` are JSONL records as `runtime.jsonl` reads them (`records_as_lines` for records in memory).
    `lang` "auto" takes each record's "lang" field when it is a language code briefing knows, else detects the
    language of the text. The title field is ignored for records marked `"title_derived": true` (see
    `ingest --jsonl`). Raises BadInput naming the line when `field` is missing or not text, SummarizeError for
    an unknown method. With an executor, RECORDS_BATCH records at a time are summarised on its workers (the
    output is the same); without one, each record is written as soon as it is read.
    """
    _check_method(method)
    one = functools.partial(_record_summary, sentences=sentences, method=method)
    batch: list[tuple[dict[str, Any], _Work]] = []
    for line in lines:
        record = line.record
        text = record.get(field)
        if not isinstance(text, str):
            found = "missing" if text is None else f"not text ({type(text).__name__})"
            raise BadInput(f"{line.where}: field {quoted(field)} is {found}; name the text field with --field")
        # Like summarize_article: a title that ingestion made from the lead says nothing new.
        title = record.get(title_field) if title_field and record.get("title_derived") is not True else None
        if title_field and title is not None and not isinstance(title, str):
            raise BadInput(f"{line.where}: title field {quoted(title_field)} is not text ({type(title).__name__})")
        declared = (_known_lang(record) if lang == "auto" else lang) or None
        batch.append((record, (text, declared, title or None)))
        if executor is None or len(batch) >= RECORDS_BATCH:
            yield from _summarised(batch, one, executor)
            batch = []
    yield from _summarised(batch, one, executor)


_Work = tuple[str, str | None, str | None]  # a record's text, its language (None: detect it) and title


def _summarised(batch: list[tuple[dict[str, Any], _Work]], one: Callable[[_Work], str],
                executor: Executor | None) -> Iterator[dict[str, Any]]:
    summaries = parallel.run_all(executor, one, [work for _, work in batch], stage=None)
    for (record, _), summary in zip(batch, summaries, strict=True):
        yield {**record, "summary": summary}


def _record_summary(work: _Work, *, sentences: int, method: str) -> str:
    """One record's summary, joined (what a worker runs)."""
    text, lang, title = work
    return " ".join(summarize(text, lang or detect_language(text), sentences, method=method, title=title))


def _known_lang(record: dict[str, Any]) -> str:
    """The record's "lang" when briefing knows the language, else "" (detect it from the text)."""
    given = language_key(record.get("lang"))
    return given if given != UNKNOWN else ""
