"""Step 5 of ingestion: a raw record becomes an `Article`: text cleaned, then title, date, URL, publisher,
language and a stable id settled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import urllib.parse

from briefing.errors import IngestError
from briefing.ingest import clean, dates
from briefing.ingest.readers import RawArticle
from briefing.ingest.settings import (
    DATE_LEAD_PARAGRAPHS,
    HAN_CHAR_WEIGHT,
    KANA_HANGUL_CHAR_WEIGHT,
    MIN_TEXT_CHARS,
)
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


_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA_HANGUL = re.compile("[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\uac00-\ud7af]")


def _text_size(text: str) -> int:
    """How much text there is, in letters of an alphabet: a Han character counts HAN_CHAR_WEIGHT, a kana or
    Hangul one KANA_HANGUL_CHAR_WEIGHT (only a text under MIN_TEXT_CHARS needs counting)."""
    head = text[:MIN_TEXT_CHARS]
    return (len(text) + (HAN_CHAR_WEIGHT - 1) * len(_HAN.findall(head))
            + (KANA_HANGUL_CHAR_WEIGHT - 1) * len(_KANA_HANGUL.findall(head)))


def finish(raw: RawArticle, name: str, today: dt.date, warnings: list[str],
            source_url: str | None) -> Article:
    label = f"{name} {raw.where}".strip()
    cleaned = clean.clean_text(raw.text, find_title=not raw.markup)
    if _text_size(cleaned.text) < MIN_TEXT_CHARS:
        raise IngestError(f"too little text after cleaning ({len(cleaned.text)} characters; an article needs at "
                          f"least {MIN_TEXT_CHARS}, or about a third as many in Chinese, Japanese or Korean)")
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
