"""Stage 1: read every source, clean it, find its metadata, and drop duplicate stories.

`ingest` runs, for each source:

1. expand     files, folders (recursive), globs and http(s) URLs become (name, bytes) pairs
2. guard      empty, tiny, over-size and binary inputs are skipped with a one-line reason
3. decode     BOM, declared charset, strict UTF-8, then a detector (see `decode`)
4. read       the format's reader in READERS (text, HTML, JSON, JSONL, RSS/Atom) gives raw records
5. finish     clean the text (clean.py), settle title, date, URL, publisher and language
6. merge      exact and near-duplicate stories are merged; the copy with more text and metadata wins
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import datetime as dt
import functools
import glob
import hashlib
import html
import http.client
import json
import os
import re
import socket
import ssl
import threading
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing import clean, dates, parallel
from briefing.errors import IngestError
from briefing.log import get_logger
from briefing.records import Article, IngestResult, Merged, Skipped
from briefing.settings import (
    COMMON_SHINGLE_ARTICLES,
    DATE_LEAD_PARAGRAPHS,
    FETCH_CHUNK_BYTES,
    HTTP_DEADLINE_S,
    HTTP_TIMEOUT_S,
    LANG_MIN_CHARS,
    MAX_FILE_BYTES,
    MAX_TAG_ATTRIBUTES,
    MIN_FILE_BYTES,
    MIN_TEXT_CHARS,
    NEAR_DUPLICATE_ARTICLE,
    SKIPPED_SHOWN,
    UTF8_MAX_BAD_SHARE,
)
from briefing.source_cache import SourceCache, source_key
from briefing.summarize import detect_lang

log = get_logger(__name__)

EXTENSIONS = {
    ".txt": "text", ".md": "text", ".markdown": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
}


@dataclass(frozen=True, slots=True)
class RawArticle:
    """What a format reader found, before cleaning and metadata rules."""

    text: str
    where: str  # "" for a one-article file, else e.g. "entry 3", for messages
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    publisher: str | None = None
    lang: str | None = None
    markup: bool = False  # text came from markup or fields: its first line is not a headline candidate


# --- 2. guard ------------------------------------------------------------------------------

# Magic numbers of the binary files users most often drop into a folder by mistake.
_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or DOCX/EPUB)"),
    (b"GIF8", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"), (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"), (b"7z\xbc\xaf", "a 7z archive"), (b"Rar!", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"), (b"OggS", "an audio file"), (b"ID3", "an MP3 file"),
)


def _guard(data: bytes) -> None:
    """Raise IngestError for input that cannot be an article, whatever its name says."""
    if not data.strip():
        raise IngestError("empty file")
    if len(data) < MIN_FILE_BYTES:
        raise IngestError(f"too small to be an article ({len(data)} bytes)")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"this is {kind}, not text; only text, HTML, JSON and RSS/Atom are read")
    if data[:4] == b"RIFF" or data[4:8] == b"ftyp":
        raise IngestError("this is a media file, not text; only text, HTML, JSON and RSS/Atom are read")


# --- 3. decode -----------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})|<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""",
    re.IGNORECASE,
)
_WORD_INNER_SYMBOL = re.compile(r"[^\W\d_][^\w\s'’\-.,;:!?)\]}»\"”/&%@#+*=]+[^\W\d_]")
_C1 = re.compile("[\x80-\x9f]")
WESTERN_MAX_NON_ASCII = 0.5  # French, Spanish, German text is under 15 % accented letters, Cyrillic or Greek
# read as cp1252 nearly 100 %: below this share a cp1252 reading is plausible Western text


def _declared_charset(data: bytes) -> str | None:
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _plausible_western(text: str) -> bool:
    """True when a cp1252 reading looks like Western European text, not mojibake of another code page."""
    letters = [c for c in text if c.isalpha()]
    if not letters or _C1.search(text) or _WORD_INNER_SYMBOL.search(text):
        return False
    return sum(1 for c in letters if ord(c) > 127) / len(letters) < WESTERN_MAX_NON_ASCII


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM shows NUL in every other byte of ASCII characters."""
    sample = data[:4000]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < len(sample) // 4 or min(even, odd) > len(sample) // 50:
        return None
    try:
        return data.decode("utf-16-be" if even > odd else "utf-16-le")
    except UnicodeDecodeError:
        return None


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """UTF-8 text spoiled by a few stray bytes: the text with U+FFFD in their place and how many there were.

    None unless the bad spots are rare (UTF8_MAX_BAD_SHARE of the bytes) and outnumbered by valid
    multi-byte characters, which a file in a legacy code page (cp1252 é is one bad byte) never has.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    if bad > len(data) * UTF8_MAX_BAD_SHARE:
        return None
    multibyte = sum(1 for c in text if ord(c) > 127) - text.count("\ufffd")
    return (text, bad) if multibyte >= bad else None


def decode(data: bytes, *, declared: str | None = None, notes: list[str] | None = None) -> str:
    """Bytes to text: BOM, declared charset (argument, `<meta charset>`, `<?xml encoding>`), strict UTF-8,
    UTF-8 with a few stray bytes replaced (said in `notes`), a cp1252 reading when it is plausible
    Western text, then charset-normalizer's detector."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise IngestError(f"starts with a {encoding} byte-order mark but is not valid {encoding}") from None
    for candidate in (declared, _declared_charset(data), "utf-8"):
        if candidate is not None:
            try:
                return data.decode(candidate)
            except (UnicodeDecodeError, LookupError):
                continue
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    mostly = _mostly_utf8(data)
    if mostly is not None:
        if notes is not None:
            notes.append(f"{mostly[1]} byte(s) that are not UTF-8 were replaced by \ufffd")
        return mostly[0]
    if b"\x00" in data[:8192]:
        raise IngestError("binary data (NUL bytes), not text")
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = ""
    if western and _plausible_western(western):
        return western
    import charset_normalizer

    best = charset_normalizer.from_bytes(data[: 1024 * 1024]).best()
    if best is None:
        raise IngestError("cannot tell the text encoding; save the file as UTF-8")
    return data.decode(best.encoding, errors="replace")


def _check_text(text: str) -> None:
    controls = sum(1 for c in text[:20000] if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    if controls > max(4, len(text[:20000]) // 100):
        raise IngestError("binary data (control characters), not text")


# --- 4. read: one reader per format ---------------------------------------------------------


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.{0,4000}?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_FRONT_FIELD = re.compile(r"^([A-Za-z_][\w-]{0,30})\s*:\s*(.*?)\s*$")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """`key: value` fields of a leading `---` block (web clippers, Hugo, Obsidian) and the text after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields = {}
    for line in match.group(1).splitlines():
        field = _FRONT_FIELD.match(line)
        if field and field.group(2):
            fields[field.group(1).lower()] = field.group(2).strip("\"'")
    return fields, text[match.end():]


def _read_text(text: str, name: str, today: dt.date, warnings: list[str]) -> list[RawArticle]:
    fields, body = _front_matter(text)
    if not fields:
        return [RawArticle(text=text, where="")]
    raw = _from_record({**fields, "text": body}, "", today)
    return [dataclasses.replace(raw, markup="title" in fields or "headline" in fields)]


_TAG = re.compile(r"<([A-Za-z][\w:-]{0,40})([^<>]*)>")  # [^<>]: every scan stops at the next tag, so linear


def _crowded_tags_emptied(text: str) -> str:
    """`text` with every tag of more than MAX_TAG_ATTRIBUTES attributes reduced to its bare name.

    libxml2 checks each new attribute against the tag's others, so one tag with 100,000 attributes
    costs minutes to parse; no page needs more than a few dozen.
    """
    def empty(match: re.Match[str]) -> str:
        crowded = match.group(2).count("=") > MAX_TAG_ATTRIBUTES
        return f"<{match.group(1)}>" if crowded else match.group(0)

    return _TAG.sub(empty, text)


def _read_html(text: str, name: str, today: dt.date, warnings: list[str]) -> list[RawArticle]:
    import trafilatura

    try:
        tree = trafilatura.load_html(_crowded_tags_emptied(text))  # parsed once, here; trafilatura works on it
        doc = None if tree is None else trafilatura.bare_extraction(
            tree, favor_precision=True, with_metadata=True, include_comments=False,
            date_extraction_params={"extensive_search": False, "original_date": True,
                                    "max_date": today.isoformat()},
        )
    except Exception as exc:  # trafilatura/lxml raise many kinds on broken markup; the file is skipped
        raise IngestError(f"could not parse the HTML ({type(exc).__name__})") from None
    if doc is not None and not isinstance(doc, dict):
        doc = doc.as_dict()
    if not doc or not doc.get("text"):
        raise IngestError("no article text found in the page")
    return [RawArticle(
        text=doc["text"], where="", title=doc.get("title"), date=dates.parse_date(doc.get("date"), today),
        url=doc.get("url"), publisher=doc.get("sitename"), lang=_html_lang(text), markup=True,
    )]


_HTML_LANG = re.compile(r"<html[^>]{0,300}?\blang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.IGNORECASE)


def _html_lang(text: str) -> str | None:
    match = _HTML_LANG.search(text[:5000])
    return match.group(1).lower() if match else None


_TEXT_FIELDS = ("text", "content", "body", "article", "description", "summary")
_DATE_FIELDS = ("date", "published", "pubDate", "datePublished", "published_at", "created_at", "created", "time")
_URL_FIELDS = ("url", "link", "href", "source")
_PUBLISHER_FIELDS = ("publisher", "source", "site", "sitename", "site_name")


def _first_str(record: dict[str, Any], keys: Sequence[str], *, url: bool | None = None) -> str | None:
    """The first non-empty string among `keys`; with `url` True only web addresses, with False none."""
    for key in keys:
        value = record.get(key)
        value = value.strip() if isinstance(value, str) else ""
        if value and (url is None or url == bool(_URL.match(value))):
            return value
    return None


def _from_record(record: Any, where: str, today: dt.date) -> RawArticle:
    prefix = f"{where}: " if where else ""
    if not isinstance(record, dict):
        raise IngestError(f"{prefix}expected an object with title/text fields, got {type(record).__name__}")
    body = _first_str(record, _TEXT_FIELDS)
    if body is None:
        raise IngestError(f"{prefix}no text field (one of {', '.join(_TEXT_FIELDS)})")
    if "<" in body and re.search(r"<(?:p|br|div)\b", body, re.IGNORECASE):
        body = _fragment_text(body)
    raw_date = next((record[k] for k in _DATE_FIELDS if record.get(k)), None)
    return RawArticle(
        text=body, where=where, title=_first_str(record, ("title", "headline")),
        date=dates.parse_date(raw_date, today), url=_first_str(record, _URL_FIELDS, url=True),
        publisher=_first_str(record, _PUBLISHER_FIELDS, url=False), lang=_first_str(record, ("lang", "language")),
        markup=True,
    )


def _records(obj: Any) -> list[Any]:
    """The article records in a JSON document: a list, {"articles"/"items"/…: [...]}, or one object."""
    if isinstance(obj, list):
        return obj
    if isinstance(obj, dict):
        for key in ("articles", "items", "entries", "data", "results", "records"):
            if isinstance(obj.get(key), list):
                return list(obj[key])
        return [obj]
    raise IngestError(f"JSON holds a {type(obj).__name__}, not article records")


def _read_json(text: str, name: str, today: dt.date, warnings: list[str]) -> list[RawArticle]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise IngestError("JSON nested too deeply") from None
    records = [(f"record {number}", record) for number, record in enumerate(_records(obj), 1)]
    return _collect(records, name, today, warnings)


def _read_jsonl(text: str, name: str, today: dt.date, warnings: list[str]) -> list[RawArticle]:
    records: list[tuple[str, Any]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                records.append((f"line {number}", json.loads(line)))
            except (json.JSONDecodeError, RecursionError):
                records.append((f"line {number}", IngestError(f"line {number}: not valid JSON")))
    return _collect(records, name, today, warnings)


def _collect(records: list[tuple[str, Any]], name: str, today: dt.date, warnings: list[str]) -> list[RawArticle]:
    """The readable records; each bad one is a warning (IngestError only when none is readable)."""
    found: list[RawArticle] = []
    problems: list[str] = []
    for where, record in records:
        try:
            if isinstance(record, IngestError):
                raise record
            found.append(_from_record(record, where, today))
        except IngestError as exc:  # one bad record or line: the others are still good
            problems.append(str(exc))
    if not found:
        raise IngestError(problems[0] if problems else "no records with article text")
    warnings.extend(f"{name} {problem}" for problem in problems)
    return found


def _fragment_text(html: str) -> str:
    """Text of an HTML fragment (feed entry, JSON field), one paragraph per block element."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(_crowded_tags_emptied(html), create_parent="div")
    except Exception:  # lxml raises ParserError or ValueError on junk; keep the raw text then
        return html
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    for block in root.xpath(".//p|.//br|.//div|.//li|.//h1|.//h2|.//h3|.//h4|.//blockquote|.//tr"):
        block.tail = "\n" + (block.tail or "")
    return str(root.text_content())


def _read_feed(text: str, name: str, today: dt.date, warnings: list[str]) -> list[RawArticle]:
    import feedparser

    try:
        feed = feedparser.parse(text)
    except Exception as exc:  # feedparser is tolerant, but sax can still fail on pathological input
        raise IngestError(f"could not parse the feed ({type(exc).__name__})") from None
    if not feed.entries:
        why = f": {feed.bozo_exception}" if feed.get("bozo") else ""
        raise IngestError(f"no entries in the feed{why}".splitlines()[0][:200])
    info = feed.get("feed", {})
    lang = (info.get("language") or "")[:2].lower() or None
    raws = []
    for number, entry in enumerate(feed.entries, 1):
        contents = entry.get("content") or []
        body = contents[0].get("value") if contents else entry.get("summary")
        if not body:
            continue
        raws.append(RawArticle(
            text=_fragment_text(body), where=f"entry {number}", title=_feed_title(entry.get("title")),
            date=_feed_date(entry, today),
            url=entry.get("link"), publisher=info.get("title"), lang=lang, markup=True,
        ))
    if not raws:
        raise IngestError("feed entries have no text")
    return raws


def _feed_date(entry: Any, today: dt.date) -> dt.date | None:
    """The entry's published (else updated) date, unless the feed wrote an impossible one.

    feedparser "corrects" 2025-02-31 to 2025-03-03 and 2025-13-01 to 2026-01-01; a date is never invented.
    """
    for key in ("published", "updated"):
        parsed = entry.get(f"{key}_parsed")
        if not parsed:
            continue
        if not dates.possible_date(str(entry.get(key) or "")):
            return None
        return dates.parse_date(dt.date(*parsed[:3]), today)
    return None


def _feed_title(title: Any) -> str | None:
    """The entry's title with entities a feed escaped twice (CDATA holding `A &amp; B`) decoded."""
    return html.unescape(title) if isinstance(title, str) else None


# One reader per format; each turns decoded text into raw records or raises IngestError.
READERS: dict[str, Callable[[str, str, dt.date, list[str]], list[RawArticle]]] = {
    "text": _read_text,
    "html": _read_html,
    "json": _read_json,
    "jsonl": _read_jsonl,
    "feed": _read_feed,
}

_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)
_HTML_ROOT = re.compile(r"<(?:!doctype html|html|head|body)\b", re.IGNORECASE)


def sniff(text: str) -> str | None:
    """The format the content shows, whatever the file is called; None when it shows none."""
    head = text[:2048].lstrip("\ufeff \n\r\t")
    if _FEED_ROOT.search(head) and head.startswith("<"):
        return "feed"
    if _HTML_ROOT.match(head) or (head.startswith("<") and _HTML_ROOT.search(head)):
        return "html"
    if head.startswith(("{", "[")):
        first_line = head.split("\n", 1)[0].strip()
        return "jsonl" if first_line.startswith("{") and first_line.endswith("}") and "\n{" in text else "json"
    return None


def _format(text: str, name: str) -> str:
    if "://" in name:  # a URL: its path's extension, else the content-type hint _fetch put in the fragment
        url = urllib.parse.urlparse(name)
        suffix = Path(url.path).suffix.lower()
        if suffix not in EXTENSIONS and url.fragment in EXTENSIONS:
            suffix = url.fragment
    else:
        suffix = Path(name).suffix.lower()
    by_name = EXTENSIONS.get(suffix)
    by_content = sniff(text)
    if by_name in ("text", "feed") and by_content in ("html", "feed"):
        return by_content  # a saved page called .txt, or an XML file that is a web page
    if by_name == "feed" and by_content != "feed":
        raise IngestError("XML that is not an RSS or Atom feed")
    if by_name:
        return by_name
    if by_content:
        return by_content
    what = f"extension {suffix}" if suffix else "no extension"
    raise IngestError(f"unknown file type ({what}) and the content is not HTML, JSON or a feed; "
                      "rename plain text to .txt to read it")


# --- 5. finish -----------------------------------------------------------------------------


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


def detect_language(text: str, hint: str | None = None) -> str:
    """ISO 639-1 code of the text's language (`summarize.detect_lang`); the hint when the text is too short to
    tell."""
    if len(text) < LANG_MIN_CHARS and hint:
        return hint.lower()[:2]
    return detect_lang(text)


def _find_date(cleaned: clean.Cleaned, raw: RawArticle, url: str | None, today: dt.date, label: str,
               warnings: list[str]) -> dt.date | None:
    """Header, then metadata, then dates written in the lead, then a date code in the URL."""
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


def _finish(raw: RawArticle, name: str, today: dt.date, warnings: list[str],
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
    return Article(
        id=article_id(text),
        path=name,
        title=title or clean.derive_title(text),
        text=text,
        lang=detect_language(text, raw.lang),
        date=date,
        url=url,
        publisher=cleaned.publisher or _one_line(raw.publisher) or _host(url),
        title_derived=title is None,
    )


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
    """(article, warnings, None) or (None, warnings, why not): `_finish` in a form a worker can send back."""
    warnings: list[str] = []
    try:
        return _finish(raw, name, today, warnings, source_url), warnings, None
    except IngestError as exc:
        return None, warnings, str(exc)


def _read_unguarded(data: bytes, name: str, today: dt.date, charset: str | None,
                    source_url: str | None, format_name: str,
                    executor: Executor | None) -> tuple[list[Article], list[str]]:
    _guard(data)
    notes: list[str] = []
    text = decode(data, declared=charset, notes=notes)
    _check_text(text)
    warnings: list[str] = [f"{name}: {note}" for note in notes]
    raws = READERS[_format(text, format_name)](text, name, today, warnings)
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


# --- 1. expand -----------------------------------------------------------------------------

_URL = re.compile(r"^https?://", re.IGNORECASE)
_CONTENT_TYPES = {"html": ".html", "xml": ".xml", "rss": ".xml", "atom": ".xml", "json": ".json", "plain": ".txt"}


def expand_sources(sources: Sequence[str], *, output_dir: Path | None = None,
                   ) -> Iterator[tuple[str, Path | None, str | None]]:
    """(source name, local path or None, problem or None) for every input the sources name.

    Inside a folder (or under a glob's folder), a link to a file outside it is not followed, and the
    files briefing itself wrote to `output_dir` are not read back as articles: each is a problem.
    """
    seen: set[Path] = set()
    own = output_dir.resolve() if output_dir is not None else None
    for source in sources:
        if _URL.match(source):
            yield source, None, None
            continue
        path = Path(source).expanduser()
        root: Path | None = None  # the folder links must stay inside
        if path.is_dir():
            root = path
            files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p.relative_to(path)))
            if not files:
                yield source, None, "folder has no files"
        elif path.is_file():
            files = [path]
        elif glob.has_magic(source):
            prefix = os.path.expanduser(re.split(r"[*?[]", source, maxsplit=1)[0])  # the folder the glob looks in
            root = Path(prefix) if prefix.endswith(os.sep) else Path(prefix).parent
            files = sorted(Path(p) for p in glob.glob(os.path.expanduser(source), recursive=True)
                           if Path(p).is_file())
            if not files:
                yield source, None, "no file matches this pattern"
        else:
            yield source, None, "no such file or folder"
            continue
        ours = 0
        for file in files:
            key = file.resolve()
            if key in seen:
                continue
            seen.add(key)
            if root is not None and not key.is_relative_to(root.resolve()):
                outside = f"a link to {shown_name(str(key))}, outside {shown_name(str(root))}; not followed"
                yield str(file), None, outside
            elif own is not None and key.parent == own and OWN_OUTPUT.match(key.name):
                ours += 1
            else:
                yield str(file), file, None
        if ours:
            yield str(output_dir), None, (f"the output folder: {ours} file(s) briefing wrote there "
                                                      "are not read back as articles")


OWN_OUTPUT = re.compile(r"^(?:briefing-[^/]+\.(?:pdf|html|txt|json|eml)|sent-ledger\.json)$")


def shown_name(name: str) -> str:
    """`name` safe to print on one line and in JSON: quoted when it holds control or undecodable characters.

    A file name may hold a newline (which would fake a line on stderr) or bytes that are not UTF-8.
    """
    if name.isprintable():
        return name
    return json.dumps(name)  # escapes newlines, controls and the surrogates os.fsdecode gives undecodable bytes


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


class _Watch:
    """The sockets of one download, so that its deadline can cut them from a timer thread.

    urllib's timeout applies to each socket read: a server that sends a byte every few seconds
    would never trip it. Shutting the sockets down at the deadline wakes any blocked read.
    """

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []
        self.expired = False

    def expire(self) -> None:
        self.expired = True
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def opener(self) -> urllib.request.OpenerDirector:
        """A urllib opener whose HTTP and HTTPS connections (redirects included) report their sockets."""
        watch = self

        class Watched(http.client.HTTPConnection):
            def connect(self) -> None:
                super().connect()
                watch.sockets.append(self.sock)

        class WatchedTLS(http.client.HTTPSConnection):
            def connect(self) -> None:
                super().connect()
                watch.sockets.append(self.sock)

        class Handler(urllib.request.HTTPHandler):
            def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
                return self.do_open(Watched, req)

        class TLSHandler(urllib.request.HTTPSHandler):
            def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
                return self.do_open(WatchedTLS, req, context=ssl.create_default_context())

        return urllib.request.build_opener(Handler, TLSHandler)


def _fetch(url: str, max_bytes: int, deadline_s: float = HTTP_DEADLINE_S) -> tuple[bytes, str, str | None]:
    """The body of `url`, a name whose extension tells its format, and the declared charset.

    The whole download (connection, headers, body, redirects) must end within `deadline_s` seconds.
    """
    request = urllib.request.Request(url, headers={"User-Agent": "briefing (offline news digest)"})
    watch = _Watch()
    timer = threading.Timer(deadline_s, watch.expire)
    timer.daemon = True
    timer.start()
    too_slow = f"gave up after {deadline_s:g} s: the server sends too slowly (the whole download must end in that time)"
    try:
        with watch.opener().open(request, timeout=min(HTTP_TIMEOUT_S, deadline_s)) as response:
            chunks: list[bytes] = []
            size = 0
            while size <= max_bytes:
                chunk = response.read1(FETCH_CHUNK_BYTES)
                if watch.expired:
                    raise IngestError(too_slow)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            data = b"".join(chunks)
            content_type = response.headers.get_content_type() or ""
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        raise IngestError(f"could not fetch: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        if watch.expired:
            raise IngestError(too_slow) from None
        reason = getattr(exc, "reason", exc)
        raise IngestError(f"could not fetch: {reason}") from None
    finally:
        timer.cancel()
    if len(data) > max_bytes:
        raise IngestError(f"larger than the {max_bytes / 1024 / 1024:g} MB limit")
    name = url
    if Path(urllib.parse.urlparse(url).path).suffix.lower() not in EXTENSIONS:
        subtype = content_type.rsplit("/", 1)[-1].split("+")[-1]
        if subtype in _CONTENT_TYPES:
            name = url + "#" + _CONTENT_TYPES[subtype]
    return data, name, charset


def _load(name: str, path: Path | None, max_bytes: int, today: dt.date,
          deadline_s: float, executor: Executor | None = None) -> tuple[list[Article], list[str]]:
    if path is None:
        data, format_name, charset = _fetch(name, max_bytes, deadline_s)
        articles, warnings = _read_source(data, shown_name(name), today, charset=charset, source_url=name,
                                          format_name=format_name, executor=executor)
        return [dataclasses.replace(a, path=shown_name(name)) for a in articles], warnings
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(f"too large ({size / 1024 / 1024:.1f} MB; the limit is {max_bytes / 1024 / 1024:g} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror or exc}") from None
    return _read_source(data, shown_name(name), today, format_name=name, executor=executor)


def _load_one(source: tuple[str, Path | None], *, max_bytes: int, today: dt.date, deadline_s: float,
              executor: Executor | None = None) -> tuple[list[Article], list[str], str | None]:
    """(articles, warnings, None) or ([], [], why it was skipped): `_load` in a form a worker can send back."""
    name, path = source
    try:
        return (*_load(name, path, max_bytes, today, deadline_s, executor), None)
    except IngestError as exc:
        log.debug("skipped %s: %s", shown_name(name), exc)
        return [], [], str(exc)


# --- 6. merge ------------------------------------------------------------------------------

SHINGLE_WORDS = 5  # five-word shingles: shared phrases, not shared vocabulary


def _shingles(text: str) -> set[str]:
    tokens = clean.words(text)
    if len(tokens) < SHINGLE_WORDS:
        return {" ".join(tokens)}
    return {" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)}


def _weight(article: Article) -> float:
    """More text and more metadata make the better copy."""
    known = sum(1 for v in (article.date, article.url, article.publisher) if v) + (not article.title_derived)
    return len(article.text) * (1 + 0.25 * known)


def _combine(winner: Article, loser: Article) -> Article:
    """The winner, with metadata it lacks taken from the copy it replaces."""
    better_title = winner.title_derived and not loser.title_derived
    return dataclasses.replace(
        winner,
        date=winner.date or loser.date,
        url=winner.url or loser.url,
        publisher=winner.publisher or loser.publisher,
        title=loser.title if better_title else winner.title,
        title_derived=winner.title_derived and not better_title,
    )


def _common_shingles(shingle_sets: Sequence[set[str]]) -> set[str]:
    """Phrases found in more than COMMON_SHINGLE_ARTICLES articles: site footers and boilerplate, not stories."""
    counts: Counter[str] = Counter()
    for own in shingle_sets:
        counts.update(own)
    return {shingle for shingle, count in counts.items() if count > COMMON_SHINGLE_ARTICLES}


def merge_duplicates(articles: Sequence[Article]) -> tuple[list[Article], list[Merged]]:
    """One article per story: exact copies (same id) and near copies (most 5-word phrases shared) merge.

    Phrases that very many articles share (a site's footer) are left out of the comparison: they say
    nothing about the story, and looking them up would make the scan quadratic in the number of articles.
    An article made only of such phrases is compared on all of its own.
    """
    all_shingles = [_shingles(article.text) for article in articles]
    common = _common_shingles(all_shingles)
    kept: list[Article] = []
    shingles: list[set[str]] = []
    index: dict[str, list[int]] = defaultdict(list)
    merged: list[Merged] = []
    for article, everything in zip(articles, all_shingles, strict=True):
        own = (everything - common) or everything
        overlap: dict[int, int] = defaultdict(int)
        for shingle in own:
            for position in index[shingle]:
                overlap[position] += 1
        match, similarity = None, 0.0
        for position, shared in overlap.items():
            score = shared / min(len(own), len(shingles[position]))
            if score > similarity:
                match, similarity = position, score
        if match is None or similarity < NEAR_DUPLICATE_ARTICLE:  # the same id scores 1.0
            for shingle in own:
                index[shingle].append(len(kept))
            kept.append(article)
            shingles.append(own)
            continue
        other = kept[match]
        exact = other.id == article.id
        winner, loser = (article, other) if _weight(article) > _weight(other) else (other, article)
        kept[match] = _combine(winner, loser)
        reason = "exact duplicate" if exact else f"near duplicate (similarity {similarity:.2f})"
        merged.append(Merged(kept_id=winner.id, dropped=loser.path, reason=reason))
        if winner is article:  # the new text also matches future copies
            for shingle in own - shingles[match]:
                index[shingle].append(match)
            shingles[match] = shingles[match] | own
    return kept, merged


# --- the stage -----------------------------------------------------------------------------


def ingest(sources: Sequence[str], *, today: dt.date | None = None, max_bytes: int = MAX_FILE_BYTES,
           fetch_deadline_s: float = HTTP_DEADLINE_S, output_dir: Path | None = None,
           executor: Executor | None = None, cache_path: Path | None = None) -> IngestResult:
    """Read, clean and de-duplicate every article the sources hold (files, folders, globs, URLs).

    Files briefing wrote to `output_dir` (a build's --out) are skipped, not read back as articles.
    Each URL's whole download must end within `fetch_deadline_s` seconds, else it is skipped.
    A source that gives no article becomes a `Skipped` with a one-line reason; nothing raises for one
    bad file. Articles without a date are reported in `warnings`. With an executor, sources (or the
    records of a single source) are read and cleaned on its workers; the result is the same. With
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
            loaded = parallel.run_all(executor, load, todo, stage="read")
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
    shown = "; ".join(f"{s.source}: {s.reason}" for s in skipped[:SKIPPED_SHOWN])
    more = len(skipped) - SKIPPED_SHOWN
    rest = f"; and {more} more: 'briefing ingest' lists every one" if more > 0 else ""
    return f"{len(skipped)} skipped ({shown}{rest})"


def contract_json(article: Article) -> dict[str, Any]:
    """The `ingest --jsonl` object of one article (the stage contract, plus `title_derived`)."""
    return {
        "id": article.id,
        "path": article.path,
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "url": article.url,
        "publisher": article.publisher,
        "lang": article.lang,
        "text": article.text,
        "title_derived": article.title_derived,
    }
