"""The options of one run, built once by the CLI's adapters and passed to the library whole.

`BuildOptions` holds every option of `briefing build` (and of the build inside `briefing email`),
`MailOptions` how `briefing email` sends. The defaults a user sees in `--help` are the named constants
here, so the CLI and the library cannot disagree. This module imports nothing from briefing: every stage
may read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SOURCES = ("seeds/",)
DEFAULT_OUT_DIR = Path("out")
DEFAULT_TITLE = "Weekly briefing"
DEFAULT_SENTENCES = 3  # three sentences read in under a minute and carry who, what and why
DEFAULT_TOP_STORIES = 10  # a reader's first page: what every outlet covered this week
DEFAULT_MAX_STORIES = 40  # stories shown in full, top ones included: about 20 printed pages
PAPER_SIZES = ("A4", "Letter")  # what offices print on; the names CSS @page `size` understands
DEFAULT_PAPER = "A4"
TARGET_LANG = "en"
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024  # --max-size: 20 MB is far above any article; above it is a dump, not a page
# --fetch-deadline: the whole download of one URL must end within this (a 20 MB page takes seconds on any working
# link), so a server that drips a byte every few seconds cannot hang a weekly cron run
DEFAULT_FETCH_DEADLINE_S = 60.0
DEFAULT_SMTP_HOST = "localhost"  # a local relay (postfix, msmtpd) is the common cron set-up
SMTP_TIMEOUT_S = 60.0  # a stalled server fails the cron run within a minute instead of hanging it for hours


@dataclass(frozen=True, slots=True)
class MailOptions:
    """How one `briefing email` run sends the digest, built once by the CLI."""

    recipients: tuple[str, ...]
    sender: str | None = None  # None: the SMTP user name when it is an address
    subject: str | None = None  # None: the briefing title and period
    smtp_host: str = DEFAULT_SMTP_HOST
    smtp_port: int | None = None  # None: the usual port of `security`
    security: str = "starttls"  # one of SMTP_SECURITY
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # never shown in a repr, a log or an error
    attach_pdf: bool = False
    dry_run: bool = False
    force: bool = False  # send again even when the ledger says this digest went to these recipients
    timeout_s: float = SMTP_TIMEOUT_S  # for each SMTP answer; tests shorten it


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Every option of one `briefing build` run, built once by the CLI."""

    sources: tuple[str, ...] = DEFAULT_SOURCES
    out_dir: Path = DEFAULT_OUT_DIR
    week: str | None = None  # "2025-W40", "last", "this" or None for every article
    engine: str = "auto"
    translate: bool = True
    sentences: int = DEFAULT_SENTENCES
    words: int | None = None  # story summaries of about this many words instead of `sentences`
    method: str = "default"  # summarizer name in briefing.summarize.SUMMARIZERS
    top: int = DEFAULT_TOP_STORIES  # stories on the "Top stories" pages
    max_stories: int = DEFAULT_MAX_STORIES  # stories shown in full (top ones included); the rest in one line
    themes_file: Path | None = None  # None: the default taxonomy that ships with the project
    auto_themes: bool = False
    k: int | None = None
    glossary: Path | None = None
    use_cache: bool = True
    cache_path: Path | None = None  # None: the user's cache folder
    templates_dir: Path | None = None
    title: str = DEFAULT_TITLE
    paper: str = DEFAULT_PAPER
    bilingual: bool = False
    today: dt.date | None = None  # None: the real date; tests fix it
    creation_date: dt.datetime | None = None  # fixed PDF creation date for reproducible output
    target_lang: str = TARGET_LANG
    fetch_deadline_s: float = DEFAULT_FETCH_DEADLINE_S  # seconds the whole download of one URL source may take
    max_bytes: int = DEFAULT_MAX_FILE_BYTES  # --max-size: larger sources are skipped, never read
    # ids of articles already mailed in an earlier digest (deliver's ledger); the build leaves them out
    exclude_ids: frozenset[str] = frozenset()
    jobs: int = 1  # processes that read, clean and summarize (the CLI's default: every core)
    # a Dask scheduler ("tcp://host:8786") or "local:N" to run the per-article work on instead of `jobs`
    cluster: str | None = None
