"""The build, stage by stage:

1. ingest     read sources, clean them, find metadata, drop duplicates   (ingest.py, clean.py)
2. select     keep the articles of the chosen ISO week                   (here)
3. summarize  extractive summary, and the sentences stating key figures (summarize.py, figures.py)
4. stories    group articles about one event across outlets and         (stories/)
              languages, one headline and summary each, ranked
5. translate  what is shown: the stories' titles, and the summaries and  (translate.py)
              figure sentences of those shown in full
6. themes     stories grouped into named sections                        (themes.py)
7. render     PDF, email HTML, plain text and JSON                       (render.py)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Sequence
from concurrent.futures import Executor

from briefing import embed, figures, ingest, parallel, render, stories, summarize, themes, translate
from briefing.errors import BadWeek, NoArticles
from briefing.log import get_logger
from briefing.records import Article, Briefing, BuildReport, Period
from briefing.settings import SOURCE_CACHE_FILE, BuildOptions
from briefing.sqlite_cache import beside

log = get_logger(__name__)

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(value: str, today: dt.date) -> tuple[str, dt.date, dt.date]:
    """The ISO week label and its Monday and Sunday for 'YYYY-Www', 'this' or 'last'.

    'last' is the last complete week before today: the week before the current one.
    """
    value = value.strip()
    if value in ("this", "last"):
        monday = today - dt.timedelta(days=today.weekday())
        if value == "last":
            monday -= dt.timedelta(days=7)
    else:
        match = _WEEK.match(value)
        if not match:
            raise BadWeek(f"--week {value!r}: use YYYY-Www (e.g. 2025-W40), 'last' or 'this'")
        year, week = int(match.group(1)), int(match.group(2))
        try:
            monday = dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise BadWeek(f"--week {value!r}: {year} has no ISO week {week}") from None
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}", monday, monday + dt.timedelta(days=6)


def select_period(articles: Sequence[Article], week: str | None, today: dt.date) -> tuple[list[Article], Period]:
    """The articles of the chosen week (all of them without one) and the period they cover."""
    if week is None:
        dates = sorted(a.date for a in articles if a.date)
        return list(articles), Period(dates[0] if dates else None, dates[-1] if dates else None)
    label, monday, sunday = parse_week(week, today)
    kept = [a for a in articles if a.date and monday <= a.date <= sunday]
    return kept, Period(monday, sunday, label)


def build(options: BuildOptions) -> BuildReport:
    """Run every stage on `options.sources` and write the briefing files to `options.out_dir`.

    Reading, cleaning and summarizing run on `options.jobs` processes; the files are the same for any number.
    """
    with embed.use_cache(options.use_cache, options.cache_path), parallel.pool(options.jobs) as executor:
        return _build(options, executor)


def _summarize_one(article: Article, *, sentences: int, method: str) -> Article:
    return figures.with_figure_sentences(summarize.summarize_article(article, sentences, method=method))


def _build(options: BuildOptions, executor: Executor | None) -> BuildReport:
    today = options.today or dt.date.today()
    if options.week is not None:
        parse_week(options.week, today)  # a bad --week fails before any work is done
    render.check_templates(options.templates_dir)  # so does a broken --templates file
    if options.themes_file is not None and not options.auto_themes:
        themes.load_themes(options.themes_file)  # and a bad --themes file

    # 1. ingest
    sources_cache = beside(options.cache_path, SOURCE_CACHE_FILE) if options.use_cache else None
    result = ingest.ingest(options.sources, today=today, fetch_deadline_s=options.fetch_deadline_s,
                           output_dir=options.out_dir, executor=executor, cache_path=sources_cache)
    if not result.articles:
        reasons = ingest.skipped_summary(result.skipped) if result.skipped else "no files matched"
        raise NoArticles(f"no usable article found in {', '.join(options.sources)} ({reasons})")

    # 2. select (articles mailed in an earlier digest are left out: deliver's ledger)
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

    # 3. summarize
    log.info("summarizing %d article(s)", len(articles))
    one = functools.partial(_summarize_one, sentences=options.sentences, method=options.method)
    articles = parallel.run_all(executor, one, articles, stage="summarize")

    # 4. stories
    made = stories.build_stories(articles, period, stories.StoryOptions(
        translate=options.translate, target=options.target_lang, engine=options.engine, glossary=options.glossary,
        use_cache=options.use_cache, cache_path=options.cache_path, sentences=options.sentences,
        words=options.words,
    ))
    ranked = list(made.stories)

    # 5. translate (titles of every story; summaries and figures of the stories shown in full)
    engine = made.engine
    if options.translate:
        log.info("translating %d stor%s to %s", len(ranked), "y" if len(ranked) == 1 else "ies", options.target_lang)
        ranked, used = translate.translate_records(
            ranked, full=lambda s: s.rank <= options.max_stories, target=options.target_lang,
            engine=options.engine, glossary=options.glossary, use_cache=options.use_cache,
            cache_path=options.cache_path,
        )
        engine = _engines(engine, used)
    else:
        ranked = [translate.as_is(s) for s in ranked]
    translated = sum(
        1 for s in ranked for a in s.articles
        if options.translate and a.lang != options.target_lang and translate.UNTRANSLATED not in s.flags
    )

    # 6. themes
    log.info("grouping %d stor%s by theme", len(ranked), "y" if len(ranked) == 1 else "ies")
    sections = [
        dataclasses.replace(section, stories=tuple(stories.with_story_fields(s) for s in section.stories))
        for section in themes.group_stories(ranked, themes_file=options.themes_file, auto=options.auto_themes,
                                            k=options.k)
    ]

    # 7. render
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
    return dataclasses.replace(report, outputs=outputs, translated=translated, stories=len(ranked))


def _engines(*names: str | None) -> str | None:
    """The engine names that did some translating, each once, joined by "+"."""
    seen = [part for name in names if name for part in name.split("+")]
    return "+".join(dict.fromkeys(seen)) or None
