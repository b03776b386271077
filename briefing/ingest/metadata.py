"""Step 5 of ingestion: a raw record becomes an `Article`: text cleaned, then title, date, URL, publisher,
language and a stable id settled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import urllib.parse

from briefing.errors import IngestError
from briefing.ingest import clean, dates
from briefing.ingest.readers import RawArticle
from briefing.ingest.settings import DATE_LEAD_PARAGRAPHS, MIN_TEXT_CHARS
from briefing.records import Article
from briefing.text.headline import derived_title
from briefing.text.language import detect_language


def _one_line(text: str | None) -> str | None:
    if not text:
        return None
    line = " ".join(clean.normalize_text(text).split())
    return line or None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urllib.parse.urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


def article_id(text: str) -> str:
    """A stable id: a short hash of the text's words, so reruns and re-saves give the same id."""
    return hashlib.sha1(" ".join(clean.words(text)).encode("utf-8")).hexdigest()[:12]


def _find_date(cleaned: clean.Cleaned, raw: RawArticle, url: str | None, today: dt.date, label: str,
               warnings: list[str]) -> dt.date | None:
    """Header, then metadata, then dates written in the lead, then a date code in the URL."""
    if raw.date_problem and not cleaned.header_date:
        warnings.append(f"{label}: {raw.date_problem}; ignored (a date in its text or link is used, if any)")
    for found, what in ((cleaned.header_date, "date header"), (raw.date, "metadata date")):
        if found and found > today:
            warnings.append(f"{label}: {what} {found.isoformat()} is after the run date; ignored")
        elif found:
            return found
    lead = "\n".join(cleaned.text.split("\n\n")[:DATE_LEAD_PARAGRAPHS])
    written = next(dates.dates_in_text(lead, today), None)
    if written:
        return written
    return dates.date_from_url(url, today) if url else None


def _without_title(text: str, title: str | None) -> str:
    """The text without a first paragraph that only repeats the title (pages repeat their <h1>)."""
    first, _, rest = text.partition("\n\n")
    if title and rest and clean.words(first) == clean.words(title):
        return rest
    return text


def finish(raw: RawArticle, name: str, today: dt.date, warnings: list[str],
            source_url: str | None) -> Article:
    label = f"{name} {raw.where}".strip()
    cleaned = clean.clean_text(raw.text, find_title=not raw.markup)
    if len(cleaned.text) < MIN_TEXT_CHARS:
        raise IngestError(f"too little text after cleaning ({len(cleaned.text)} characters; "
                          f"an article needs at least {MIN_TEXT_CHARS})")
    url = raw.url or cleaned.url or source_url
    title = _one_line(raw.title)
    title = clean.site_free_title(title, raw.publisher, _host(url)) if title else cleaned.title
    text = _without_title(cleaned.text, title)
    date = _find_date(cleaned, raw, url, today, label, warnings)
    lang = detect_language(text, raw.lang)
    return Article(
        id=article_id(text),
        path=name,
        title=title or derived_title(text, lang),
        text=text,
        lang=lang,
        date=date,
        url=url,
        publisher=cleaned.publisher or _one_line(raw.publisher) or _host(url),
        title_derived=title is None,
    )
