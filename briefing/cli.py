"""The `briefing` command line: a thin click layer over the library.

Each command parses its options, builds the library's options once, calls the library, and turns
library exceptions (`BriefingError`) into one-line messages with a non-zero exit code.
Nothing else in the package imports click.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click

from briefing import __version__
from briefing.errors import BriefingError
from briefing.options import (
    DEFAULT_FETCH_DEADLINE_S,
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MAX_STORIES,
    DEFAULT_OUT_DIR,
    DEFAULT_PAPER,
    DEFAULT_SENTENCES,
    DEFAULT_TITLE,
    DEFAULT_TOP_STORIES,
    PAPER_SIZES,
)
from briefing.runtime.jsonl import one_line, quoted
from briefing.runtime.parallel import LOCAL_WORKERS_MAX
from briefing.runtime.settings_file import shown
from briefing.summarize import SUMMARIZERS
from briefing.translate import ENGINE_CHOICES

EXIT_OK, EXIT_SOME_SKIPPED, EXIT_NOTHING = 0, 1, 2


class _ClickHandler(logging.Handler):
    """Sends library log records to stderr, one line each (above the progress bars while they are drawn); a
    warning already shown in this command is not shown again (stage 3 and stage 4 each found no engine for a
    language, and said so twice in one build)."""

    bars: Any = None

    def __init__(self) -> None:
        super().__init__()
        self._warned: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.levelno == logging.WARNING:
            if text in self._warned:
                return
            self._warned.add(text)
        prefix = {"WARNING": "warning: ", "ERROR": "error: "}.get(record.levelname, "")
        if self.bars is not None:
            self.bars.echo(one_line(prefix + text))
        else:
            _say(prefix + text)


def _setup_logging(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Library log records to stderr for this command; the logger is left as it was once the command ends
    (a program or a test that runs several commands in one process sees no handler piling up)."""
    logger = logging.getLogger("briefing")
    before = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers[:] = [_ClickHandler()]
    logger.propagate = False
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    logger.setLevel(level)

    def restore() -> None:
        logger.handlers[:], logger.propagate = before[0], before[1]
        logger.setLevel(before[2])

    ctx.call_on_close(restore)


def _setup_progress(ctx: click.Context, quiet: bool) -> None:
    """Bars per stage on a terminal; elsewhere (cron, CI, pipes) the library's plain progress lines.

    The display in use before is back once the command ends."""
    from briefing.runtime import progress

    def restore(display: progress.Display) -> None:
        _end_progress()
        progress.use(display)

    if quiet or not sys.stderr.isatty():
        ctx.call_on_close(functools.partial(restore, progress.use(progress.LogLines())))
        _ClickHandler.bars = None
        return
    bars = progress.Bars()
    ctx.call_on_close(functools.partial(restore, progress.use(bars)))
    _ClickHandler.bars = bars


def _end_progress() -> None:
    """Stop drawing the bars before the command prints its result."""
    if _ClickHandler.bars is not None:
        _ClickHandler.bars.close()
        _ClickHandler.bars = None


def _say(text: str) -> None:
    """One line on stderr: what comes from input in it (a path, a record's id) cannot break or colour it."""
    click.echo(one_line(text), err=True)


def _fail(exc: BriefingError) -> click.ClickException:
    _end_progress()
    return click.ClickException(one_line(str(exc)))


def _read_jsonl(stream: IO[str], *, id_required: bool = False) -> Any:
    """The JSONL records of `stream`, each line checked by the library's reader (`runtime.jsonl`)."""
    from briefing.runtime.jsonl import read_jsonl

    return read_jsonl(stream, stream.name, key_required=id_required)


def _write_jsonl(objs: Any) -> None:
    """One JSON object per line on stdout, written through its buffer (click.echo flushes every line, a
    system call per record that costs `briefing summarize` a few percent on thousands of them)."""
    out = sys.stdout
    try:
        for obj in objs:
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    finally:
        out.flush()


@contextlib.contextmanager
def _usage_errors_on_one_line() -> Iterator[None]:
    """Click's own usage errors, one line each: it quotes a --file or --input path as typed, newline and all."""
    try:
        yield
    except click.ClickException as exc:
        exc.message = one_line(exc.message)  # type: ignore[misc]  # typed Final; only show() reads it after
        raise


class _OneLineErrors(click.Group):
    """The command group whose usage errors, its own and its subcommands', stay one line each."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _usage_errors_on_one_line():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _usage_errors_on_one_line():
            return super().invoke(ctx)


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Config file with defaults for every option (default: ./briefing.toml when present).",
)
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool, config_path: Path | None) -> None:
    """Turn a folder of foreign-language news articles into an English briefing.

    \b
    Typical use:
      briefing build seeds/            PDF, email HTML, text and JSON in out/
      briefing build --week last       only last week's articles
      briefing email --week last --to team@example.org
    """
    _setup_logging(ctx, verbose, quiet)
    _setup_progress(ctx, quiet)
    from briefing import config

    try:
        ctx.default_map = config.load_default_map(config_path, main.commands)
        if ctx.invoked_subcommand != "init":  # init may replace a broken file
            config.check_keys(config_path, {name: [p.name or "" for p in command.params]
                                            for name, command in main.commands.items()})
            _check_config_values(ctx.default_map, config_path or config.DEFAULT_CONFIG)
    except BriefingError as exc:
        raise _fail(exc) from None


def _check_config_values(default_map: dict[str, dict[str, Any]], where: Path) -> None:
    """Raise BadConfig naming the file when a config value does not fit its option (`sources = 5`)."""
    from briefing.errors import BadConfig

    for name, command in main.commands.items():
        values = default_map.get(name, {})
        for param in command.params:
            if param.name not in values:
                continue
            value = values[param.name]
            flag = param.opts[0] if isinstance(param, click.Option) else param.human_readable_name.lower()
            try:
                wrong = _wrong_kind(param, value)
                if wrong:
                    raise click.BadParameter(wrong)
                param.type_cast_value(click.Context(command), value)
            except (click.BadParameter, TypeError) as exc:  # TypeError: a TOML date or table where a number goes
                reason = exc.message if isinstance(exc, click.BadParameter) else f"not {_kind(param.type)}"
                if isinstance(value, str):  # click's own messages quote the value whole
                    reason = reason.replace(repr(value), shown(value))
                raise BadConfig(f"{where}: the value {shown(value)} for {flag} is wrong: {reason.rstrip('.')}; "
                                "see 'briefing init' for an example of every key") from None


def _wrong_kind(param: click.Parameter, value: Any) -> str | None:
    """Why a TOML value is of a kind its option does not take, which click would convert without a word
    (`max_size = true` as 1 MB, `smtp_port = 8025.9` as 8025, `smtp_host = ["a"]` as "['a']", `force = "no"`
    as true); None when its kind fits."""
    kind = param.type
    if isinstance(value, bool) != (kind.name == "boolean"):
        return f"{shown(value)} is not {'true or false' if kind.name == 'boolean' else _kind(kind)}"
    if isinstance(kind, click.types.IntParamType) and isinstance(value, float):
        return f"{shown(value)} is not a whole number"
    if isinstance(value, list | dict) and not (param.multiple or param.nargs == -1):
        return f"{shown(value)} is not {_kind(kind)}"
    return None


def _kind(kind: click.ParamType) -> str:
    """What an option takes, as a message says it: "a number", "a whole number", "a date", "text"."""
    if isinstance(kind, click.types.FloatParamType):
        return "a number"
    if isinstance(kind, click.types.IntParamType):
        return "a whole number"
    if isinstance(kind, click.DateTime):
        return "a date"
    return "text" if isinstance(kind, click.types.StringParamType) else f"a {kind.name}"


def _title(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """--title: any text but a blank one (it made an email subject starting with a dash and an empty cover)."""
    if not value.strip():
        raise click.BadParameter("give a title, or leave --title out for the default")
    return value


# --- build ------------------------------------------------------------------------------


# The translation options `build`, `email` and `translate` share.
_TRANSLATION_OPTIONS = [
    click.option("--engine", type=click.Choice(ENGINE_CHOICES), default="auto", show_default=True,
                 help="Translation engine: argos when a model for the pair is installed, else apertium."),
    click.option("--glossary", type=click.Path(dir_okay=False, path_type=Path), default=None,
                 help="Glossary TOML (source term = \"English term\") applied on top of the shipped one."),
    click.option("--no-cache", is_flag=True,
                 help="Do not read or write the caches (translations, embeddings, files read)."),
    click.option("--cache", "cache_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                 help="Translation cache file (default: $XDG_CACHE_HOME/briefing/translations.sqlite); "
                 "embeddings are cached beside it."),
]


class _Finite(click.FloatRange):
    """A float range that also refuses nan and inf (click's range lets nan through every bound)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{shown(value)} is not a finite number.", param, ctx)
        return number


class _Day(click.DateTime):
    """A date (or date and time) from year 2 to 9998: a week around it and its time zone stay in the calendar.
    From briefing.toml it may also be a TOML date or date-time (`today = 2025-10-06`); any other kind is refused."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        given = value
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        elif not isinstance(value, str | dt.datetime):
            self.fail(f"{shown(value)} is not a date; write it as YYYY-MM-DD.", param, ctx)
        moment = super().convert(value, param, ctx)
        if not dt.MINYEAR < moment.year < dt.MAXYEAR:
            self.fail(f"{shown(given)} is out of range: give a date from year {dt.MINYEAR + 1} to "
                      f"{dt.MAXYEAR - 1}.", param, ctx)
        return moment


_FETCH_DEADLINE_OPTION = click.option(
    "--fetch-deadline", "fetch_deadline_s", type=_Finite(min=0.1, max=86_400), default=DEFAULT_FETCH_DEADLINE_S,
    show_default=True, metavar="SECONDS", help="Give up on a URL source whose whole download takes longer than this.")

_MAX_SIZE_OPTION = click.option(
    "--max-size", "max_mb", type=_Finite(min=0.001, max=1_000_000), default=DEFAULT_MAX_FILE_BYTES / 2**20,
    show_default=True, metavar="MB", help="Skip source files and downloads larger than this many MB.")


def _max_bytes(max_mb: float) -> int:
    """--max-size in bytes (rounded up, so --max-size 0.001 reads back as 0.001 MB)."""
    return math.ceil(max_mb * 2**20)


_JOBS_OPTION = click.option(
    "--jobs", type=click.IntRange(min=1, max=LOCAL_WORKERS_MAX), default=None, metavar="N",
    help="Processes that read, clean and summarize articles (default: the number of cores); same output for any N.",
)


_CLUSTER_OPTION = click.option(
    "--cluster", default=None, metavar="ADDRESS",
    help="Run the per-article work on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786), or on N "
    "worker processes started here (local:N), instead of --jobs; same output.",
)


def _jobs(value: int | None) -> int:
    from briefing.runtime.parallel import default_jobs

    return value if value is not None else default_jobs()


def _apply(options: list[Any], func: Any) -> Any:
    """Decorate `func` with `options`, listed in the order --help shows them."""
    for option in reversed(options):
        func = option(func)
    return func


def translation_options(func: Any) -> Any:
    """The translation options alone, for `translate`."""
    return _apply(_TRANSLATION_OPTIONS, func)


def build_options(func: Any) -> Any:
    """The options `build` and `email` share (the digest's inputs and look)."""
    options = [
        click.argument("sources", nargs=-1),
        click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                     default=str(DEFAULT_OUT_DIR), show_default=True, help="Folder for the generated files."),
        click.option("--week", default=None, metavar="YYYY-Www|last|this",
                     help="Keep only articles dated in this ISO week ('last' = the last complete week)."),
        click.option("--no-translate", is_flag=True, help="Keep the original language (the cover says so)."),
        click.option("--sentences", type=click.IntRange(1, 20), default=DEFAULT_SENTENCES, show_default=True,
                     help="Summary length in sentences."),
        click.option("--words", type=click.IntRange(10, 1000), default=None,
                     help="Summary length in words instead (sentences are added until it has this many)."),
        click.option("--method", type=click.Choice(sorted(SUMMARIZERS)), default="default",
                     show_default=True, help="Summarizer of single articles."),
        click.option("--top", type=click.IntRange(1, 100), default=DEFAULT_TOP_STORIES, show_default=True,
                     help="Stories on the 'Top stories' pages."),
        click.option("--max-stories", type=click.IntRange(1, 1000), default=DEFAULT_MAX_STORIES, show_default=True,
                     help="Stories shown in full, top ones included; the rest are listed one line each."),
        click.option("--themes", "themes_file", type=click.Path(dir_okay=False, path_type=Path),
                     default=None, help="Themes file (TOML, [[theme]] name/description/keywords); "
                     "default: the taxonomy that ships with briefing."),
        click.option("--auto-themes", is_flag=True, help="Discover the week's themes instead of using a taxonomy."),
        click.option("--k", type=click.IntRange(1, 50), default=None, help="With --auto-themes: number of themes."),
        *_TRANSLATION_OPTIONS,
        click.option("--templates", "templates_dir", type=click.Path(file_okay=False, path_type=Path),
                     default=None, help="Folder of your own templates (same names as templates/)."),
        click.option("--title", default=DEFAULT_TITLE, show_default=True, callback=_title, help="Briefing title."),
        click.option("--paper", type=click.Choice(PAPER_SIZES), default=DEFAULT_PAPER, show_default=True,
                     help="PDF page size."),
        click.option("--bilingual", is_flag=True, help="Show the original-language summary under each article."),
        click.option("--today", type=_Day(["%Y-%m-%d"]), default=None,
                     help="Run as if today were this date (for --week last/this and date checks)."),
        click.option("--creation-date", type=_Day(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
                     default=None, help="Fixed generation date, for reproducible output."),
        _MAX_SIZE_OPTION,
        _FETCH_DEADLINE_OPTION,
        _JOBS_OPTION,
        _CLUSTER_OPTION,
    ]
    return _apply(options, func)


def _build_settings(kwargs: dict[str, Any]) -> Any:
    """The one adapter from click's keyword arguments to the library's BuildOptions.

    Checks --week at once (BadWeek), before any stage is loaded: a typo costs no waiting.
    """
    from briefing.options import DEFAULT_SOURCES, BuildOptions
    from briefing.records import Period

    today = kwargs.pop("today", None)
    if kwargs["week"] is not None:
        Period.of_week(kwargs["week"], today.date() if today else dt.date.today())
    return BuildOptions(
        sources=tuple(kwargs.pop("sources", ()) or DEFAULT_SOURCES),
        out_dir=kwargs.pop("out_dir"),
        week=kwargs.pop("week"),
        engine=kwargs.pop("engine"),
        translate=not kwargs.pop("no_translate"),
        sentences=kwargs.pop("sentences"),
        words=kwargs.pop("words"),
        method=kwargs.pop("method"),
        top=kwargs.pop("top"),
        max_stories=kwargs.pop("max_stories"),
        themes_file=kwargs.pop("themes_file"),
        auto_themes=kwargs.pop("auto_themes"),
        k=kwargs.pop("k"),
        glossary=kwargs.pop("glossary"),
        use_cache=not kwargs.pop("no_cache"),
        cache_path=kwargs.pop("cache_path"),
        templates_dir=kwargs.pop("templates_dir"),
        title=kwargs.pop("title"),
        paper=kwargs.pop("paper"),
        bilingual=kwargs.pop("bilingual"),
        today=today.date() if today else None,
        creation_date=kwargs.pop("creation_date"),
        fetch_deadline_s=kwargs.pop("fetch_deadline_s"),
        max_bytes=_max_bytes(kwargs.pop("max_mb")),
        jobs=_jobs(kwargs.pop("jobs")),
        cluster=kwargs.pop("cluster"),
    )


def _report_line(report: Any) -> str:
    from briefing.text.plural import counted

    parts = [f"{counted(report.read, 'article')} read", f"{report.kept:,} in the briefing"
             + (f" as {counted(report.stories, 'story')}" if report.stories else "")]
    if report.skipped:
        from briefing.ingest import skipped_summary

        parts.append(skipped_summary(report.skipped))
    if report.merged:
        parts.append(f"{counted(len(report.merged), 'duplicate')} merged")
    parts.append(f"{report.translated} translated")
    line = ", ".join(parts)
    if report.translated and report.engine:
        line += f" with {report.engine}"
    if report.outputs:
        line += f". Files in {report.outputs.pdf.parent}/: " + ", ".join(p.name for p in report.outputs.all())
    if report.translated and report.engine == "apertium":
        pairs = " ".join(f"'briefing models install {lang} en'" for lang in report.translated_from[:3])
        line += (f". Apertium's rule-based English is rough: an Argos model translates much better; install one "
                 f"once with {pairs or 'briefing models install SOURCE en'} (or --file PATH.argosmodel offline)")
    return line


@main.command()
@build_options
def build(**kwargs: Any) -> None:
    """Build the briefing: PDF, email HTML, plain text and JSON.

    SOURCES are files, folders (walked recursively), globs or http(s) URLs; default: seeds/.
    Files are named briefing-<label>.* where <label> is the ISO week (with --week) or the
    first and last dates covered.
    """
    try:
        options = _build_settings(kwargs)
        from briefing import pipeline

        report = pipeline.build(options)
    except BriefingError as exc:
        raise _fail(exc) from None
    _end_progress()
    for warning in report.warnings:
        _say(f"warning: {warning}")
    if report.message:
        _say(report.message)
    click.echo(_report_line(report))


# --- stage commands ---------------------------------------------------------------------


@main.command()
@click.argument("sources", nargs=-1)
@click.option("--jsonl", is_flag=True, help="One JSON object per article on stdout (the stage contract).")
@click.option("--today", type=_Day(["%Y-%m-%d"]), default=None,
              help="Run date: no article may be dated after it (default: today).")
@_MAX_SIZE_OPTION
@_FETCH_DEADLINE_OPTION
@_JOBS_OPTION
@_CLUSTER_OPTION
def ingest(sources: tuple[str, ...], jsonl: bool, today: Any, max_mb: float, fetch_deadline_s: float,
           jobs: int | None, cluster: str | None) -> None:
    """Read and clean articles from files, folders, globs or URLs.

    Formats: scraped text (.txt, .md), saved pages (.html), JSON/JSONL records (title, text, date,
    url, lang) and RSS/Atom feeds; other files are recognised by their content or skipped.

    Prints each article (with --jsonl: id, path, title, date, url, publisher, lang, text); reports
    skipped sources, merged duplicates and articles without a date on stderr. Exit code: 0 all read,
    1 some skipped, 2 nothing usable found.
    """
    from briefing import ingest as ingest_mod
    from briefing.options import DEFAULT_SOURCES
    from briefing.runtime import parallel

    try:
        with parallel.pool(_jobs(jobs), cluster) as executor:
            result = ingest_mod.ingest(
                sources or DEFAULT_SOURCES,
                today=today.date() if today else None,
                max_bytes=_max_bytes(max_mb),
                fetch_deadline_s=fetch_deadline_s,
                executor=executor,
            )
    except BriefingError as exc:
        raise _fail(exc) from None
    _end_progress()
    for article in result.articles:
        if jsonl:
            click.echo(json.dumps(article.contract_json(), ensure_ascii=False))
        else:
            date = article.date.isoformat() if article.date else "no date"
            click.echo(f"{article.id}  {date}  {article.lang}  {article.title}")
    for skipped in result.skipped:
        _say(f"skipped {skipped.source}: {skipped.reason}")
    for merged in result.merged:
        _say(f"merged {merged.dropped} into {merged.kept_id}: {merged.reason}")
    for warning in result.warnings:
        _say(f"warning: {warning}")
    if not result.articles:
        _say("error: no usable article found")
        sys.exit(EXIT_NOTHING)
    sys.exit(EXIT_SOME_SKIPPED if result.skipped else EXIT_OK)


def _language_code(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """--lang: 'auto' or a language code briefing knows, never anything else (it would be used as data)."""
    from briefing.text.language import known_language

    if value != "auto" and not known_language(value):
        raise click.BadParameter(f"{quoted(value)} is not a language code briefing knows "
                                 "(give an ISO 639-1 code such as fr, or auto)")
    return value


def _pair_code(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """translate --source / --target: a language code briefing knows as its normal code ("FR", "fra" -> "fr"),
    unless it names a variant an installed engine has (Apertium's "eng_US": American spelling) or is an
    installed engine's own code (Argos's "pb"), kept as given; a variant no engine has reads as its language
    ("fr-FR", "fr_CA" -> "fr"). Anything else is refused before any engine is looked for."""
    from briefing.text.language import UNKNOWN, language_key
    from briefing.translate import apertium, argos

    key = language_key(value)
    if key != UNKNOWN and not any(mark in value.strip() for mark in "-_"):
        return key
    try:
        argos_codes = {code for info in argos.installed_models() for code in (info.source, info.target)}
    except BriefingError:
        argos_codes = set()
    apertium_codes = {code for mode in apertium.installed_modes() for code in mode.split("-")}
    if value in argos_codes or value in apertium_codes:
        return value
    if key != UNKNOWN:
        return key
    raise click.BadParameter(f"{quoted(value)} is not a language code briefing knows "
                             "(give an ISO 639-1 code such as fr)")


_LANG_OPTION = click.option(
    "--lang", default="auto", show_default=True, callback=_language_code,
    help="Language of the texts, an ISO 639 code ('auto': each record's 'lang' field when briefing knows it, "
    "else detected).")


def _input_option(func: Any) -> Any:
    return click.option("--input", "input_file", type=click.File("r", encoding="utf-8"), default="-",
                        show_default=True, help="JSONL file to read ('-' for stdin).")(func)


@main.command()
@_input_option
@click.option("--field", default="text", show_default=True, help="The field holding the text.")
@_LANG_OPTION
@click.option("--sentences", type=click.IntRange(1, 100), default=DEFAULT_SENTENCES, show_default=True,
              help="Summary length in sentences.")
@click.option("--method", type=click.Choice(sorted(SUMMARIZERS)), default="default", show_default=True,
              help="Ranker: 'default' (= centroid: article centroid, title and position, no repeats) or 'lead'.")
@click.option("--title-field", default=None, help="Field holding the title, which the ranker may use.")
@_CLUSTER_OPTION
def summarize(input_file: IO[str], field: str, lang: str, sentences: int, method: str,
              title_field: str | None, cluster: str | None) -> None:
    """Add an extractive "summary" to each JSONL record (sentences in original order)."""
    from briefing import summarize as summarize_mod
    from briefing.runtime import parallel

    try:
        with parallel.pool(1, cluster) as executor:
            _write_jsonl(summarize_mod.summarize_records(
                _read_jsonl(input_file), field=field, lang=lang, sentences=sentences,
                method=method, title_field=title_field, executor=executor,
            ))
    except BriefingError as exc:
        raise _fail(exc) from None


@main.command()
@_input_option
@click.option("--field", default="text", show_default=True, help="The field holding the text.")
@click.option("--title-field", default="title", show_default=True, help="The field holding the headline.")
@_LANG_OPTION
@click.option("--no-translate", is_flag=True,
              help="Group on the original texts: each language is then grouped among itself.")
@click.option("--group-by", default=None, metavar="FIELD",
              help="Take each record's story from this field instead of discovering the stories: text or a whole "
              "number, compared as text (1 and \"1\" are one story; true, 1.5 and null are refused).")
@click.option("--sentences", type=click.IntRange(1, 100), default=DEFAULT_SENTENCES, show_default=True,
              help="Summary length in sentences.")
@click.option("--words", type=click.IntRange(10, 2000), default=None,
              help="Summary length in words instead (sentences are added until it has this many).")
@translation_options
@_CLUSTER_OPTION
def stories(input_file: IO[str], field: str, title_field: str, lang: str, no_translate: bool,
            group_by: str | None, sentences: int, words: int | None, engine: str, glossary: Path | None,
            no_cache: bool, cache_path: Path | None, cluster: str | None) -> None:
    """Group JSONL articles into stories, rank them and summarise each: JSONL stories out, most important first.

    Records need "id" (text or a whole number, each its own: 1 and "1" are the same id) and the text
    (--field); "title", "lang", "date" (YYYY-MM-DD), "publisher" and "url" are used when present (the
    `ingest --jsonl` objects have them all). Articles are grouped on their title and lead, translated to
    English when the input mixes languages. Each output line has "story", "rank",
    "score", "articles" (the input ids), "title", "summary" (in the story's main language), "lang" and
    "sources" (publishers).
    """
    from briefing import stories as stories_mod
    from briefing.runtime import parallel

    options = stories_mod.StoryOptions(
        translate=not no_translate, engine=engine, glossary=glossary, use_cache=not no_cache,
        cache_path=cache_path, sentences=None if words else sentences, words=words,
    )
    try:
        with parallel.pool(1, cluster) as executor:
            made = stories_mod.story_records(
                _read_jsonl(input_file, id_required=True), options, field=field, title_field=title_field,
                lang=lang, group_by=group_by, executor=executor,
            )
        _write_jsonl(made)
    except BriefingError as exc:
        raise _fail(exc) from None


@main.command()
@click.option("--source", "source_lang", required=True, callback=_pair_code, help="Source language code, e.g. fr.")
@click.option("--target", "target_lang", default="en", show_default=True, callback=_pair_code,
              help="Target language code.")
@translation_options
def translate(source_lang: str, target_lang: str, engine: str, glossary: Path | None, no_cache: bool,
              cache_path: Path | None) -> None:
    """Translate plain text lines from stdin: exactly one line out per line in, same order.

    Empty lines stay empty. Names, figures, codes and URLs are kept; a sentence the engine mangled
    (a loop, a runaway length) is left in the source language with a warning on stderr.
    """
    from briefing import translate as translate_mod

    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    # Split on newlines only: str.splitlines() would also split on \x0b, \x1c or U+2028 inside a line.
    lines = [line.removesuffix("\r") for line in text.removesuffix("\n").split("\n")] if text else []
    if source_lang == target_lang:  # an engine would go there and back (fr -> ca -> fr) and change the text
        _say(f"warning: the source and target are both {source_lang}: the lines are copied unchanged")
        for line in lines:
            click.echo(line)
        return
    try:
        with translate_mod.open_translator(
            source_lang, target_lang, engine=engine, glossary=glossary, use_cache=not no_cache,
            cache_path=cache_path,
        ) as translator:
            out = translator.translate_lines(lines)
    except BriefingError as exc:
        raise _fail(exc) from None
    for line in out:
        click.echo(line)


@main.command()
@_input_option
@click.option("--field", default="text", show_default=True, help="The field holding the text.")
@click.option("--themes", "themes_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Themes file (TOML with [[theme]] name, description, keywords); "
              "default: the taxonomy that ships with briefing.")
@click.option("--auto", "auto", is_flag=True, help="Discover the themes by clustering, with readable labels.")
@click.option("--k", type=click.IntRange(1, 50), default=None,
              help="With --auto: number of themes (default: chosen from the data).")
def themes(input_file: IO[str], field: str, themes_file: Path | None, auto: bool, k: int | None) -> None:
    """Add "theme" and "theme_score" to each JSONL record (English text), from a taxonomy or discovered.

    With a taxonomy, each record goes to the theme whose description it is closest to in meaning
    (keywords are hints), or to "Other" when none fits; the score is that similarity (cosine).
    With --auto, the themes are found in the records themselves and labelled with their most
    distinctive words; the score is the similarity to the theme's centre.
    """
    from briefing import themes as themes_mod

    if themes_file and auto:
        raise click.UsageError("give either --themes FILE or --auto, not both")
    if k is not None and not auto:
        raise click.UsageError("--k goes with --auto")
    try:
        records = list(_read_jsonl(input_file))
        _write_jsonl(themes_mod.theme_records(records, field=field, themes_file=themes_file, auto=auto, k=k))
    except BriefingError as exc:
        raise _fail(exc) from None


@main.group()
def models() -> None:
    """Manage translation models: Argos packages, and the apertium pairs in use."""


@models.command("list")
@click.option("--available", is_flag=True, help="Also list packages in the Argos index (needs internet).")
def models_list(available: bool) -> None:
    """List installed Argos models and the apertium pairs, pivots included (with --available, the Argos index)."""
    from briefing.translate import apertium, argos

    try:
        installed = argos.installed_models()
        for info in installed:
            click.echo(f"{info.source}->{info.target}  {info.version}  installed  {info.name}")
        if not installed:
            click.echo("no Argos model installed (apertium is used where its modes exist)")
        modes = apertium.installed_modes()
        pairs = apertium.usable_pairs()
        if modes:
            click.echo(f"apertium modes: {', '.join(sorted(modes))}")
        for pair in pairs:
            click.echo(f"{pair.source}->{pair.target}  apertium  {' | '.join(pair.chain)}")
        if not pairs:
            click.echo(f"no apertium pair installed; for fr->en: {apertium.install_hint('fr', 'en')}")
        if available:
            for info in argos.available_models():
                click.echo(f"{info.source}->{info.target}  {info.version}  available  {info.name}")
    except BriefingError as exc:
        raise _fail(exc) from None


@models.command("install")
@click.argument("source", required=False)
@click.argument("target", required=False)
@click.option("--file", "model_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Install from a local .argosmodel file (offline).")
def models_install(source: str | None, target: str | None, model_file: Path | None) -> None:
    """Install the Argos model SOURCE TARGET from the index, or one from --file."""
    from briefing.translate import argos

    if model_file is None and not (source and target):
        raise click.UsageError("give SOURCE TARGET (e.g. 'fr en') or --file PATH.argosmodel")
    try:
        if model_file is not None:
            info = argos.install_model_file(model_file)
        else:
            assert source and target
            info = argos.install_model(source, target)
    except BriefingError as exc:
        raise _fail(exc) from None
    click.echo(f"installed {info.source}->{info.target} {info.version} ({info.name})")


# --- delivery (email, init) lives below ---------------------------------------------------


def _mail_settings(kwargs: dict[str, Any], username: str | None, password: str | None) -> Any:
    """The adapter from the email command's own options (what `_build_settings` left) to MailOptions."""
    from briefing.options import MailOptions

    return MailOptions(
        recipients=tuple(kwargs.pop("to")),
        sender=kwargs.pop("sender"),
        subject=kwargs.pop("subject"),
        smtp_host=kwargs.pop("smtp_host"),
        smtp_port=kwargs.pop("smtp_port"),
        security=kwargs.pop("security"),
        username=username,
        password=password,
        attach_pdf=kwargs.pop("attach_pdf"),
        dry_run=kwargs.pop("dry_run"),
        force=kwargs.pop("force"),
    )


def mail_options(func: Any) -> Any:
    """The options only `email` has: recipients, sender, subject, SMTP server, what to send."""
    from briefing.deliver.settings import SMTP_PORTS
    from briefing.options import DEFAULT_SMTP_HOST

    ports = "; ".join(f"{port} with --{mode}" for mode, port in SMTP_PORTS.items())
    options = [
        click.option("--to", "to", multiple=True, metavar="ADDR", help="Recipient; repeat the option for several."),
        click.option("--from", "sender", default=None, metavar="ADDR", help="Sender (default: the SMTP user name)."),
        click.option("--subject", default=None, help="Subject (default: the briefing title and its period)."),
        click.option("--smtp-host", default=DEFAULT_SMTP_HOST, show_default=True, help="SMTP server host name."),
        click.option("--smtp-port", type=click.IntRange(1, 65535), default=None, help=f"SMTP port ({ports})."),
        click.option("--starttls", "security", flag_value="starttls", default=True,
                     help="Upgrade the connection with STARTTLS (default)."),
        click.option("--ssl", "security", flag_value="ssl", help="TLS from the first byte (usually port 465)."),
        click.option("--plain", "security", flag_value="plain",
                     help="No encryption: a relay on a trusted network only."),
        click.option("--attach-pdf", is_flag=True, help="Attach the PDF to the message."),
        click.option("--dry-run", is_flag=True, help="Write the message as OUT/briefing-<label>.eml; send nothing."),
        click.option("--force", is_flag=True, help="Send even when the ledger says these recipients have it."),
    ]
    return _apply(options, func)


@main.command("email")
@build_options
@mail_options
@click.pass_context
def email_digest(ctx: click.Context, **kwargs: Any) -> None:
    """Build the digest and mail it, once: text and HTML, optionally the PDF.

    Takes every `build` option. The login comes from BRIEFING_SMTP_USER and BRIEFING_SMTP_PASSWORD
    or from smtp_user / smtp_password in the config file, never from the command line.
    OUT/sent-ledger.json records each digest the server accepted: running the same command again
    sends nothing (--force sends again), and articles mailed in an earlier digest are left out.
    A week without articles sends nothing and exits 0.
    """
    from briefing import config

    root = ctx.find_root()
    try:
        options = _build_settings(kwargs)
        from briefing import pipeline

        username, password = config.credentials(root.params.get("config_path"))
        done = pipeline.email(options, _mail_settings(kwargs, username, password))
    except BriefingError as exc:
        raise _fail(exc) from None
    _end_progress()
    if done.report is not None:
        click.echo(_report_line(done.report))
    click.echo(done.message)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default="briefing.toml")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
def init(path: Path, force: bool) -> None:
    """Write a commented example config file (default: ./briefing.toml) to edit.

    It sets defaults for sources, output folder, themes, glossary, engine, recipients and SMTP
    server; options given on the command line always win.
    """
    from briefing import config

    try:
        written = config.write_example(path, force=force)
    except BriefingError as exc:
        raise _fail(exc) from None
    click.echo(f"wrote {written}: edit it, then run 'briefing email --week last'")
