"""Step 4 of ingestion: one reader per format (text, HTML, JSON, JSONL, RSS/Atom) turns decoded text into
raw records (`RawArticle`), before cleaning and metadata rules. Each reader raises only `IngestError`.

A source's format comes from its name's extension (or, for a URL, the content type), checked against what
its content shows (`sniff`): a saved page called `.txt` is read as HTML.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.errors import IngestError
from briefing.ingest import dates
from briefing.ingest.settings import MAX_TAG_ATTRIBUTES
from briefing.ingest.sources import URL_PATTERN
from briefing.runtime.jsonl import DuplicateKey, json_kind, quoted, unique_keys

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
    date_problem: str | None = None  # why a date the record gives was not taken ("'2024-13-45' is not a date")


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

    page = _crowded_tags_emptied(text)
    try:
        tree = trafilatura.load_html(page)  # parsed once, here; trafilatura works on the tree
        cut = _cut_by_depth()
        doc = _extracted(tree, today)
    except Exception as exc:  # trafilatura/lxml raise many kinds on broken markup; the file is skipped
        raise IngestError(f"could not parse the HTML ({type(exc).__name__})") from None
    if not doc or not doc.get("text") or cut:
        doc = _deep_page(page, today) or doc
    if not doc or not doc.get("text"):
        raise IngestError("no article text found in the page")
    return [RawArticle(
        text=doc["text"], where="", title=doc.get("title"), date=dates.parse_date(doc.get("date"), today),
        url=doc.get("url"), publisher=doc.get("sitename"), lang=_html_lang(text), markup=True,
    )]


def _extracted(tree: Any, today: dt.date) -> dict[str, Any] | None:
    """trafilatura's article of a parsed page, as a dict (None when it finds none)."""
    import trafilatura

    doc = None if tree is None else trafilatura.bare_extraction(
        tree, favor_precision=True, with_metadata=True, include_comments=False,
        # htmldate's own bound would turn a page printed after `today` into another day: the day
        # after is let through, and parse_date refuses what lies after today
        date_extraction_params={"extensive_search": False, "original_date": True,
                                "max_date": (today + dt.timedelta(days=1)).isoformat()},
    )
    return doc if doc is None or isinstance(doc, dict) else doc.as_dict()


def _cut_by_depth() -> bool:
    """Whether trafilatura's last parse stopped at libxml2's depth limit (its parser logs a resource-limit
    error): the article may lie below it, under a header that alone gave some text."""
    import trafilatura.utils

    parser = getattr(trafilatura.utils, "HTML_PARSER", None)
    return parser is not None and any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def _deep_page(page: str, today: dt.date) -> dict[str, Any] | None:
    """The article of a page whose text lies deeper than libxml2's default 256 levels (where its parser stops
    and drops the rest), read again with its 2,048-level limit (`huge_tree`); None when still none is found.

    Only a page that gave no text, or whose parse stopped at the limit (`_cut_by_depth`), is parsed twice, so
    every other page reads as before. Deeper than 2,048 levels nothing is read."""
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=True, collect_ids=False, default_doctype=False, encoding="utf-8",
                                  remove_comments=True, remove_pis=True)
    try:
        return _extracted(lxml.html.document_fromstring(page.encode("utf-8", "surrogatepass"), parser=parser), today)
    except Exception:  # lxml and trafilatura raise many kinds on broken markup; the first reading's verdict stands
        return None


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
        if value and (url is None or url == bool(URL_PATTERN.match(value))):
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
    date = dates.parse_date(raw_date, today)
    problem = None
    if raw_date is not None and date is None:
        if not isinstance(raw_date, str):
            problem = f"its date is {json_kind(raw_date)}, not a date"
        elif dates.parse_date(raw_date, dt.date.max) is not None:
            problem = f"its date {quoted(raw_date)} is after the run date"
        else:
            problem = f"its date {quoted(raw_date)} is not a date briefing reads"
    return RawArticle(
        text=body, where=where, title=_first_str(record, ("title", "headline")),
        date=date, url=_first_str(record, _URL_FIELDS, url=True),
        publisher=_first_str(record, _PUBLISHER_FIELDS, url=False), lang=_first_str(record, ("lang", "language")),
        markup=True, date_problem=problem,
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
        obj = json.loads(text, object_pairs_hook=unique_keys)
    except DuplicateKey as exc:
        raise IngestError(str(exc)) from None
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
                records.append((f"line {number}", json.loads(line, object_pairs_hook=unique_keys)))
            except DuplicateKey as exc:  # "text": "a", "text": "b" would keep the second text without a word
                records.append((f"line {number}", IngestError(f"line {number}: {exc}")))
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
    """The entry's published (else updated) date as the feed printed it, unless it is an impossible one.

    The day is read from the text the feed wrote (RFC 822 or ISO 8601), in the outlet's own time zone:
    feedparser's *_parsed is in UTC, which moves an evening story west of Greenwich to the next day (and
    out of its week). feedparser's reading serves only for forms it alone knows. feedparser also
    "corrects" 2025-02-31 to 2025-03-03 and 2025-13-01 to 2026-01-01; a date is never invented.
    """
    for key in ("published", "updated"):
        written = str(entry.get(key) or "")
        parsed = entry.get(f"{key}_parsed")
        if not (written or parsed):
            continue
        recognised, printed = dates.written_date(written)
        if recognised and printed is None:
            return None  # a day that does not exist
        if printed is None and parsed:
            printed = dates.parsed_day(parsed, written)
        if printed is None:
            continue
        return dates.parse_date(printed, today)
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


def format_of(text: str, name: str) -> str:
    if "://" in name:  # a URL: its path's extension, else the content-type hint fetch put in the fragment
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
