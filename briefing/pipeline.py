"""The build and the weekly email, stage by stage (every docstring and the README use these numbers):

1. ingest      read sources, clean them, find metadata, drop duplicates,     (briefing/ingest/)
               then keep the articles of the chosen ISO week (here)
2. summarize   each article's extractive summary and figure sentences         (briefing/summarize/)
3. stories     articles about one event grouped across outlets and languages, (briefing/stories/)
               one headline and summary each, ranked
4. translate   what is shown: every story's title, and the summaries and      (briefing/translate/)
               figure sentences of the stories shown in full
5. themes      stories gathered into named sections                           (briefing/themes/)
6. render      PDF, email HTML, plain text and JSON                           (briefing/render/)
7. deliver     the digest mailed once per recipient list                      (briefing/deliver/)

`build` runs 1 to 6. `email` runs 1 to 6 through `build_or_reuse` (a retried cron run rebuilds nothing),
then 7.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from briefing import __version__, deliver, embed, ingest, render, stories, summarize, themes, translate
from briefing.errors import NoArticles
from briefing.ingest.settings import SKIPPED_NAME_CHARS, SOURCE_CACHE_FILE
from briefing.log import get_logger
from briefing.options import BuildOptions, MailOptions
from briefing.records import Article, Briefing, BuildReport, Outputs, Period
from briefing.runtime import parallel
from briefing.runtime.files import write_atomic
from briefing.runtime.jsonl import listed
from briefing.runtime.shipped import TEMPLATES_DIR
from briefing.runtime.sqlite_cache import beside

BUILD_CACHE_FILE = ".email-builds.json"  # which digest files came from which inputs, so a rerun rebuilds nothing
BUILD_CACHE_ENTRIES = 20  # a few months of weekly runs with a couple of recipient lists; older ones just rebuild

log = get_logger(__name__)

def select_period(articles: Sequence[Article], week: str | None, today: dt.date) -> tuple[list[Article], Period]:
    """The articles of the chosen week (all of them without one) and the period they cover."""
    if week is None:
        return list(articles), Period.covering(a.date for a in articles)
    period = Period.of_week(week, today)
    assert period.start is not None and period.end is not None
    kept = [a for a in articles if a.date and period.start <= a.date <= period.end]
    return kept, period


def build(options: BuildOptions) -> BuildReport:
    """Run every stage on `options.sources` and write the briefing files to `options.out_dir`.

    The per-article work (reading and cleaning, summaries, translating and embedding what grouping reads,
    story summaries, embedding what themes read) runs on `options.jobs` processes, or on the Dask cluster of
    `options.cluster`; this process alone reads and writes the caches. The files are the same either way.
    """
    with embed.use_cache(options.use_cache, options.cache_path), \
            parallel.pool(options.jobs, options.cluster) as executor:
        return _build(options, executor)


def _summarize_one(article: Article, *, sentences: int, method: str) -> Article:
    return summarize.with_figure_sentences(summarize.summarize_article(article, sentences, method=method))


def _build(options: BuildOptions, executor: Executor | None) -> BuildReport:
    today = options.today or dt.date.today()
    if options.week is not None:
        Period.of_week(options.week, today)  # a bad --week fails before any work is done (the CLI checks it too)
    render.check_templates(options.templates_dir)  # so does a broken --templates file
    if options.themes_file is not None and not options.auto_themes:
        themes.load_themes(options.themes_file)  # and a bad --themes file

    # 1. ingest
    sources_cache = beside(options.cache_path, SOURCE_CACHE_FILE) if options.use_cache else None
    result = ingest.ingest(options.sources, today=today, max_bytes=options.max_bytes,
                           fetch_deadline_s=options.fetch_deadline_s, output_dir=options.out_dir, executor=executor,
                           cache_path=sources_cache)
    if not result.articles:
        reasons = ingest.skipped_summary(result.skipped) if result.skipped else "no files matched"
        raise NoArticles(f"no usable article found in {listed(options.sources, chars=SKIPPED_NAME_CHARS)} ({reasons})")

    # 1. ... and the chosen week (articles mailed in an earlier digest are left out: deliver's ledger)
    fresh = [a for a in result.articles if a.id not in options.exclude_ids]
    articles, period = select_period(fresh, options.week, today)
    report = BuildReport(
        outputs=None, read=len(result.articles), kept=len(articles), translated=0,
        skipped=result.skipped, merged=result.merged, warnings=result.warnings,
    )
    if not articles:
        where = f"dated in {period.week}" if period.week else "left"
        already = len(result.articles) - len(fresh)
        note = f" ({already} already sent in an earlier digest)" if already else ""
        return dataclasses.replace(report, message=f"no articles {where}{note}: nothing to build")

    # 2. summarize
    log.info("summarizing %d article(s)", len(articles))
    one = functools.partial(_summarize_one, sentences=options.sentences, method=options.method)
    articles = parallel.run_all(executor, one, articles, stage="summarize")

    # 3. stories
    made = stories.build_stories(articles, period, stories.StoryOptions(
        translate=options.translate, target=options.target_lang, engine=options.engine, glossary=options.glossary,
        use_cache=options.use_cache, cache_path=options.cache_path, sentences=options.sentences,
        words=options.words,
    ), executor=executor)
    ranked = list(made.stories)

    # 4. translate (titles of every story; summaries and figures of the stories shown in full)
    engine = made.engine
    if options.translate:
        log.info("translating %d stor%s to %s", len(ranked), "y" if len(ranked) == 1 else "ies", options.target_lang)
        ranked, used = translate.translate_records(
            ranked, full=lambda s: s.rank <= options.max_stories, target=options.target_lang,
            engine=options.engine, glossary=options.glossary, use_cache=options.use_cache,
            cache_path=options.cache_path, executor=executor,
        )
        engine = _engines(engine, used)
    else:
        ranked = [translate.as_is(s) for s in ranked]
    translated = sum(
        1 for s in ranked for a in s.articles
        if options.translate and a.lang != options.target_lang and translate.UNTRANSLATED not in s.flags
    )

    # 5. themes
    log.info("grouping %d stor%s by theme", len(ranked), "y" if len(ranked) == 1 else "ies")
    sections = [
        dataclasses.replace(section, stories=tuple(stories.with_story_fields(s) for s in section.stories))
        for section in themes.group_stories(ranked, themes_file=options.themes_file, auto=options.auto_themes,
                                            k=options.k, executor=executor)
    ]

    # 6. render
    briefing = Briefing(
        title=options.title,
        period=period,
        sections=tuple(sections),
        generated=options.creation_date or dt.datetime.now().replace(microsecond=0),
        languages=tuple(sorted({a.lang for a in made.articles})),
        publishers=tuple(sorted({a.publisher for a in made.articles if a.publisher})),
        translated=options.translate,
        engine=engine,
        undated=sum(1 for a in made.articles if a.date is None),
    )
    outputs = render.render(
        briefing, options.out_dir, templates_dir=options.templates_dir, paper=options.paper,
        bilingual=options.bilingual, top=options.top, max_stories=options.max_stories,
    )
    translated_from = tuple(sorted({a.lang for s in ranked for a in s.articles if a.lang != options.target_lang
                                    and translate.UNTRANSLATED not in s.flags})) if options.translate else ()
    return dataclasses.replace(report, outputs=outputs, translated=translated, stories=len(ranked), engine=engine,
                               translated_from=translated_from)


def _engines(*names: str | None) -> str | None:
    """The engine names that did some translating, each once, joined by "+"."""
    seen = [part for name in names if name for part in name.split("+")]
    return "+".join(dict.fromkeys(seen)) or None


def build_or_reuse(options: BuildOptions) -> BuildReport:
    """`build(options)`, unless the output folder holds the digest built from the very same inputs.

    Same inputs: the same options (with `today` resolved), the same source files, themes, glossary and
    template files (path and bytes, never size and time), the same briefing version; and the digest's JSON
    untouched since.
    Sources that are URLs are always fetched again. A retried cron run thus rebuilds nothing.
    """
    fingerprint = inputs_fingerprint(options)
    cache_path = options.out_dir / BUILD_CACHE_FILE
    cached = _read_build_cache(cache_path)
    entry = cached.get(fingerprint) if fingerprint else None
    reused = _reused(entry, options.out_dir) if entry is not None else None
    if reused is not None:
        return reused
    report = build(options)
    if fingerprint and report.outputs is not None:
        cached.pop(fingerprint, None)  # a rebuilt entry moves to the end, so trimming keeps it
        cached[fingerprint] = {
            "files": {kind: getattr(report.outputs, kind).name for kind in _OUTPUT_KINDS},
            "sha256": {kind: _file_hash(getattr(report.outputs, kind)) for kind in _OUTPUT_KINDS},
            "read": report.read, "kept": report.kept, "translated": report.translated,
            "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        recent = dict(list(cached.items())[-BUILD_CACHE_ENTRIES:])
        try:
            write_atomic(cache_path, (json.dumps(recent, indent=2) + "\n").encode("utf-8"), shared=False)
        except OSError as exc:  # the digest is built: a cache that cannot be written only costs a rebuild
            log.warning("could not record the build in %s (%s); a rerun builds again", cache_path, exc.strerror)
    return report


_OUTPUT_KINDS = tuple(f.name for f in dataclasses.fields(Outputs))  # pdf, html, txt, json: a build's files


def _reused(entry: Any, out_dir: Path) -> BuildReport | None:
    """The report of the earlier build `entry` records, when its four files are still the ones it wrote; None
    otherwise (a rebuild). The cache is a file in the output folder like any other: each name must be the
    plain name of a briefing file of its kind in `out_dir` (never a path elsewhere: it is mailed and
    attached), not a link, and hash as recorded; a damaged entry costs a rebuild, never a traceback."""
    kinds = _OUTPUT_KINDS
    try:
        names, hashes = entry["files"], entry["sha256"]
        counts = {key: entry[key] for key in ("read", "kept", "translated")}
        if not all(_own_file_name(names[kind], kind) and isinstance(hashes[kind], str) for kind in kinds):
            return None
        if not all(type(count) is int for count in counts.values()):
            return None
        outputs = Outputs(**{kind: out_dir / names[kind] for kind in kinds})
    except (KeyError, TypeError):
        return None
    if any(getattr(outputs, kind).is_symlink() or _readable_hash(getattr(outputs, kind)) != hashes[kind]
           for kind in kinds):
        return None
    log.info("reusing %s, built from the same inputs at %s", outputs.json.with_suffix(".*"), entry.get("built"))
    return BuildReport(outputs=outputs, **counts)


def _own_file_name(name: Any, kind: str) -> bool:
    """Whether `name` is the plain name of a briefing file of this kind ("briefing-2025-W40.pdf")."""
    return (isinstance(name, str) and name == Path(name).name and name.startswith("briefing-")
            and name.endswith(f".{kind}") and "\x00" not in name)


def inputs_fingerprint(options: BuildOptions) -> str | None:
    """A hash of everything a build reads, or None when a source is a URL (its page may have changed)."""
    # the very files ingestion will read
    entries = list(ingest.expand_sources(options.sources, output_dir=options.out_dir))
    if any(path is None and problem is None for _, path, problem in entries):
        return None  # a URL
    settings = dataclasses.asdict(options)
    settings["today"] = (options.today or dt.date.today()).isoformat()
    settings["exclude_ids"] = sorted(options.exclude_ids)
    files = [path for _, path, _ in entries if path is not None]
    for extra in (options.themes_file, options.glossary, options.templates_dir or TEMPLATES_DIR):
        if extra is not None and extra.exists():
            files.extend(sorted(f for f in extra.rglob("*") if f.is_file()) if extra.is_dir() else [extra])
    # by their bytes: a file rewritten with the same size and modification time is a new input
    digests = [(str(f.resolve()), _readable_hash(f)) for f in files]
    content = json.dumps({"version": __version__, "settings": settings, "files": digests}, default=str,
                         sort_keys=True)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _read_build_cache(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return {}  # a missing or damaged cache only costs a rebuild
    return data if isinstance(data, dict) else {}


def _readable_hash(path: Path) -> str | None:
    """The file's hash, or None when it cannot be read (ingestion then says why)."""
    try:
        return _file_hash(path)
    except OSError:
        return None


def _file_hash(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def email(options: BuildOptions, mail: MailOptions) -> deliver.Delivery:
    """Build the digest for `options` (or reuse the same build) and mail it as `mail` says, at most once per
    digest and recipients: stage 7 around stages 1 to 6."""
    # 7. deliver, step 1: what these recipients already have, left out of the build
    earlier = deliver.mailed_before(mail, options.out_dir)
    report = build_or_reuse(dataclasses.replace(options, exclude_ids=options.exclude_ids | earlier))
    # 7. deliver, steps 3 to 6
    return deliver.deliver(report, mail, title=options.title, earlier=earlier)
