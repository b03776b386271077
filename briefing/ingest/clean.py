"""Cleaning scraped article text: boilerplate out, metadata lines turned into fields.

`clean_text` runs the steps in order:

1. normalise      Unicode NFC, control characters out, one apostrophe, one kind of space
2. header         a leading `date YYYY-MM-DD` header becomes the header date
3. lines          each line goes through LINE_RULES (source URL, image markdown, widgets, captions,
                  "Voir plus" teaser lists); a rule may drop the line or take metadata from it
4. sign-offs      "– VNA/VI" at the end and "Hanoi (VNA) –" at the start give the publisher
5. headline       the first line is the title when it reads as a headline
6. layout         in line-per-paragraph pages, a short sentence set apart by a blank line is a caption
7. repeats        repeated paragraphs, and short captions that repeat a paragraph, go
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from briefing.ingest.settings import (
    CAPTION_MAX_CHARS,
    CAPTION_REPEAT_COVERAGE,
    NEAR_DUPLICATE_PARAGRAPH,
    REPEAT_WINDOW,
    TEASER_MIN_BEFORE,
    TITLE_MIN_WORDS,
)
from briefing.log import get_logger
from briefing.text.settings import TITLE_MAX_CHARS

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Clean article text and the metadata its boilerplate gave away."""

    text: str
    title: str | None = None  # the headline found in the text, None when there is none
    header_date: dt.date | None = None
    url: str | None = None
    publisher: str | None = None
    removed: tuple[str, ...] = ()  # names of the rules that removed something, for logs and tests


# --- 1. normalise --------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_APOSTROPHE = re.compile(r"(?<=\w)['\u2018\u02bc\u00b4`](?=\w)")


# C0/C1 controls but the line feed, lone surrogates (from broken JSON escapes), private-use code points,
# BOM, zero-width space, word joiner and soft hyphen
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\xad\u200b\u2060\ufeff\ud800-\udfff\ue000-\uf8ff]")


# line and paragraph separators of every kind: vertical tab, form feed, file/group/record separators, NEL, U+2028/9
_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Combining marks past MAX_STACKED_MARKS on one letter ("Zalgo" text: 500 accents drew a column across a PDF
# page). Real writing stacks two or three (Vietnamese, once NFC has composed what it can, keeps at most one).
MAX_STACKED_MARKS = 4
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_MARK_PILE = re.compile(f"([{_MARKS}]{{{MAX_STACKED_MARKS}}})[{_MARKS}]+")


def normalize_text(text: str) -> str:
    """NFC text without control characters or piles of combining marks, with one apostrophe (’) and plain
    spaces, every kind of line break a line feed, lines right-trimmed."""
    text = _LINE_BREAK.sub("\n", text)
    text = text.replace("\t", " ")
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _MARK_PILE.sub(r"\1", text)
    text = _APOSTROPHE.sub("\u2019", text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


# --- 2. header -----------------------------------------------------------------------------

_DATE_HEADER = re.compile(r"\A\s*date\s*:?\s*((?:19|20)\d\d)-(\d\d)-(\d\d)\b[ \t]*", re.IGNORECASE)


def _take_date_header(text: str) -> tuple[str, dt.date | None]:
    match = _DATE_HEADER.match(text)
    if not match:
        return text, None
    try:
        date = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return text, None
    return text[match.end():], date


# --- 3. line rules -------------------------------------------------------------------------


@dataclass(slots=True)
class _State:
    """What the line rules found so far (mutable only inside one `clean_text` call)."""

    url: str | None = None
    publisher: str | None = None  # from a "Source : VNA" line
    removed: list[str] = field(default_factory=list)


_SOURCE_LINE = re.compile(r"^(?:source|sources|nguồn|fuente|quelle)\s*:\s*(https?://\S+)$", re.IGNORECASE)
_SOURCE_NAME = re.compile(r"^(?:source|nguồn|fuente|quelle)\s*:\s*([^\W\d_][\w&/ .’'-]{1,40})$", re.IGNORECASE)
_IMAGE_MD = re.compile(r"!\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\([^()\s]*(?:\s+\"[^\"\n]*\")?\)")
_LINK_MD = re.compile(r"(?<!!)\[([^\[\]\n]{1,300})\]\((?:https?://|/)[^()\s]*\)")
_WIDGET = re.compile(
    r"^(?:comments?|commentaires?|commentaire|bình luận|comentarios?|kommentare?)\s*\(\s*\d+\s*\)$"
    r"|^(?:partager|share|imprimer|print|tweet|j['’]aime|like|facebook|twitter|email|e-mail|retour en haut"
    r"|back to top|abonnez-vous|subscribe|publicité|advertisement|haut de page)$"
    r"|^[\W_]+$",  # "***", "—", "•": separators, no words
    re.IGNORECASE,
)
# A link to another story, or the page's tags: "Lire aussi : …", "Mots-clés : …", "Partager sur Facebook".
_RELATED_LINE = re.compile(
    r"^(?:lire aussi|à lire aussi|voir aussi|lire également|read more|read also|see also|related|tags?"
    r"|mots[- ]clés|thèmes)\s*:|^(?:partager sur|share on)\s+\w+$",
    re.IGNORECASE,
)
# "… le 15 janvier. Photo : VNA", "(Photo : Portail gouvernemental)", "Photo: MOF", "Ảnh: TTXVN", "© AFP"
_PHOTO_CREDIT = re.compile(
    r"(?:(?:^|[\s.(])(?:photo|photos|ảnh|foto|image|crédit photo|credit|crédit)\s*:|©)\s*[^.!?:\n]{1,50}\)?\.?$",
    re.IGNORECASE,
)
# A lone line after which a page lists other stories, not this one.
_TEASER_MARK = re.compile(
    r"^(?:source|voir plus|voir aussi|lire aussi|à lire aussi|lire la suite|sur le même sujet|articles? liés?"
    r"|articles? similaires?|dans la même rubrique|related(?: articles| stories)?|read more|more stories"
    r"|see also|tin liên quan|xem thêm"
    # the comment section that follows a story
    r"|comments?|commentaires?|réagir|comentar|comentarios|kommentare|leave a comment|laisser un commentaire)\s*:?$",
    re.IGNORECASE,
)


def _rule_source(line: str, state: _State) -> str | None:
    match = _SOURCE_LINE.match(line)
    if not match:
        return line
    state.url = state.url or match.group(1).rstrip(".,;)")
    return None


def _rule_source_name(line: str, state: _State) -> str | None:
    match = _SOURCE_NAME.match(line)
    if not match:
        return line
    state.publisher = state.publisher or match.group(1).strip()
    return None


def _rule_related(line: str, state: _State) -> str | None:
    return None if len(line) <= CAPTION_MAX_CHARS and _RELATED_LINE.match(line) else line


def _rule_images(line: str, state: _State) -> str | None:
    if "](" not in line:
        return line
    return _LINK_MD.sub(r"\1", _IMAGE_MD.sub("", line)).strip() or None


def _rule_widget(line: str, state: _State) -> str | None:
    return None if _WIDGET.match(line) else line


def _rule_photo_caption(line: str, state: _State) -> str | None:
    return None if len(line) <= CAPTION_MAX_CHARS * 2 and _PHOTO_CREDIT.search(line) else line


_PIPED = re.compile(r"^[^|]{1,60}(?:\s\|\s[^|]{1,60}){2,}$")  # "Patricio Candia | Palma | 08/01/2014", breadcrumbs


# Subscription walls: "this article is for subscribers", in the languages of the eval pages and feeds.
_PAYWALL = re.compile(
    r"subscribe to (?:continue|read)|for subscribers only|subscribers only|réservé aux abonnés|article réservé"
    r"|exclusivo para suscriptores|solo para suscriptores|nur für abonnenten|会員限定|続きをお読み",
    re.IGNORECASE,
)


def _rule_paywall(line: str, state: _State) -> str | None:
    return None if len(line) <= CAPTION_MAX_CHARS and _PAYWALL.search(line) else line


def _rule_piped_metadata(line: str, state: _State) -> str | None:
    return None if len(line) <= TITLE_MAX_CHARS and _PIPED.match(line) else line


# Each rule gets a non-empty line and returns it (possibly edited) or None to drop it.
LINE_RULES: dict[str, Callable[[str, _State], str | None]] = {
    "source-line": _rule_source,
    "source-name": _rule_source_name,
    "related-link": _rule_related,
    "image-markdown": _rule_images,
    "widget": _rule_widget,
    "photo-caption": _rule_photo_caption,
    "byline": _rule_piped_metadata,
    "paywall": _rule_paywall,
}


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    after_blank: bool  # a blank line came before it: in line-per-paragraph pages, where images sat


def _run_line_rules(line: str, state: _State) -> str | None:
    for name, rule in LINE_RULES.items():
        edited = rule(line, state)
        if edited != line:
            state.removed.append(name)
        if edited is None:
            return None
        line = edited
    return line


def _apply_line_rules(text: str, state: _State) -> list[_Line]:
    lines: list[_Line] = []
    kept_chars = 0
    blank = False
    for raw in text.split("\n"):
        if not raw:
            blank = True
            continue
        if _TEASER_MARK.match(raw):
            if kept_chars >= TEASER_MIN_BEFORE:
                state.removed.append("teasers")
                break
            state.removed.append("widget")
            continue
        line = _run_line_rules(raw, state)
        if line is not None:
            lines.append(_Line(line, blank and bool(lines)))
            kept_chars += len(line)
            blank = False
    return lines


# --- 4. sign-offs --------------------------------------------------------------------------

# VNA, AFP, CNN, TTXVN, AFPTV: all-caps tags; and the agencies that write their names in mixed case
_AGENCY = r"(?:[A-Z][A-Za-z]{0,2}[A-Z]{1,8}|Reuters|Xinhua|Kyodo|Yonhap|Bernama|Belga|Lusa|Anadolu|dpa)"
_SIGN_OFF_END = re.compile(
    rf"\s*[–—-]{{1,2}}\s*({_AGENCY}(?:/{_AGENCY})*)\s*\.?$"  # "… capacités. – VNA/VI"
    rf"|(?<=[.!?»])\s*\(({_AGENCY}(?:/{_AGENCY})*)\)$"  # "… a-t-il déclaré. (AFP)"
)
_DATELINE = re.compile(rf"^[^()\n]{{0,60}}\(({_AGENCY})\)\s*(?:[–—-]{{1,2}}|:)\s*")
_DATELINE_PARAGRAPHS = 3  # a dateline opens the story: only the first paragraphs can carry one


def _take_sign_offs(lines: list[_Line]) -> tuple[list[_Line], str | None]:
    """Remove agency sign-offs and datelines; the agency is the publisher."""
    publisher = None
    if lines:
        match = _SIGN_OFF_END.search(lines[-1].text)
        if match and match.start() > 0:
            publisher = (match.group(1) or match.group(2)).split("/")[0]
            lines[-1] = _Line(lines[-1].text[: match.start()].rstrip(), lines[-1].after_blank)
    for index, line in enumerate(lines[:_DATELINE_PARAGRAPHS]):
        match = _DATELINE.match(line.text)
        if match and len(line.text) > match.end() + 1:
            publisher = publisher or match.group(1)
            rest = line.text[match.end():]
            lines[index] = _Line(rest[:1].upper() + rest[1:], line.after_blank)
            break
    return lines, publisher


# --- 5. headline -------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^#{1,6}\s+")


def looks_like_heading(line: str) -> bool:
    """A short line of a few words without closing punctuation: a headline or a section heading."""
    count = len(line.split())
    return (
        count >= TITLE_MIN_WORDS
        and len(line) <= TITLE_MAX_CHARS
        and not re.search(r"[.,;:…]$", line)
        and not line.startswith(("«", "\"", "“", "-", "–", "•"))
    )


def _take_headline(lines: list[_Line]) -> tuple[list[_Line], str | None]:
    """The first line, when it reads as this story's headline (not one of several section headings)."""
    if len(lines) < 2:
        return lines, None
    first = lines[0].text
    if _MD_HEADING.match(first):
        return lines[1:], _MD_HEADING.sub("", first).strip() or None
    if not looks_like_heading(first):
        return lines, None
    # Set apart by a blank line, it is a headline; otherwise it is one only if no other section heading
    # follows (a scraper that lost the headline often starts at the first section heading).
    if lines[1].after_blank or not any(looks_like_heading(line.text) for line in lines[2:]):
        return lines[1:], first
    return lines, None


_TITLE_SECTIONS = re.compile(r"\s[|»]\s")
_TITLE_TAIL = re.compile(r"\s[-–—:]\s(?!.*\s[-–—:]\s)(.+)$")


def site_free_title(title: str, *site_names: str | None) -> str:
    """A page title without the site and section names pages add: 'Story » Local » Site', 'Story - Site'."""
    parts = [part.strip() for part in _TITLE_SECTIONS.split(title) if part.strip()]
    title = max(parts, key=len) if parts else title
    tail = _TITLE_TAIL.search(title)
    names = {w for name in site_names if name for w in words(name.replace(".", " "))} - {"www", "com", "net", "org"}
    if tail and names and set(words(tail.group(1))) <= names | {"the", "le", "la", "el"}:
        return title[: tail.start()].strip()
    return title


# --- 6. layout ------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…]$")


def _drop_layout_captions(lines: list[_Line], removed: list[str]) -> list[_Line]:
    """In pages with one paragraph per line, a short sentence right after a blank line is an image caption.

    A caption may wrap over lines that end in a comma. Pages whose paragraphs are all set apart by blank
    lines (most of them) carry no such signal and are left alone.
    """
    gaps = sum(1 for line in lines[1:] if line.after_blank)
    if len(lines) < 4 or gaps * 2 >= len(lines) - 1:
        return lines
    out: list[_Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        end = index
        if line.after_blank:
            while end + 1 < len(lines) and lines[end].text.endswith(",") and not lines[end + 1].after_blank:
                end += 1
            block = [item.text for item in lines[index : end + 1]]
            if sum(map(len, block)) <= CAPTION_MAX_CHARS and _SENTENCE_END.search(block[-1]):
                removed.append("caption-layout")
                index = end + 1
                continue
        out.append(line)
        index += 1
    return out


# --- 7. repeats ----------------------------------------------------------------------------

_WORDS = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-case word tokens (Unicode letters and digits)."""
    return _WORDS.findall(text.casefold())


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b or min(len(a), len(b)) < NEAR_DUPLICATE_PARAGRAPH * max(len(a), len(b)):
        return 0.0  # sizes alone rule out the threshold: skip the set operations
    return len(a & b) / len(a | b)


def _drop_repeats(lines: list[_Line], removed: list[str]) -> list[_Line]:
    """Drop repeated paragraphs (the first copy stays) and short lines that repeat a longer paragraph.

    Exact copies are found anywhere; near copies among the REPEAT_WINDOW paragraphs around, where
    scraped pages put them (a caption twice, the lead again under the headline), so huge files stay fast.
    """
    bags = [frozenset(words(line.text)) for line in lines]
    keep = [True] * len(lines)
    seen: set[frozenset[str]] = set()
    for i, bag in enumerate(bags):
        if bag in seen or any(
            keep[j] and _jaccard(bag, bags[j]) >= NEAR_DUPLICATE_PARAGRAPH for j in range(max(0, i - REPEAT_WINDOW), i)
        ):
            keep[i] = False
            removed.append("repeated-paragraph")
        seen.add(bag)
    for i, line in enumerate(lines):
        if not keep[i] or not bags[i] or len(line.text) > CAPTION_MAX_CHARS or looks_like_heading(line.text):
            continue
        for j in range(max(0, i - REPEAT_WINDOW), min(len(lines), i + REPEAT_WINDOW)):
            longer = j != i and keep[j] and len(lines[j].text) > len(line.text) * 1.5
            if longer and len(bags[i] & bags[j]) / len(bags[i]) >= CAPTION_REPEAT_COVERAGE:
                keep[i] = False
                removed.append("caption-repeat")
                break
    return [line for line, kept in zip(lines, keep, strict=True) if kept]


# --- the whole cleaning --------------------------------------------------------------------


def clean_text(text: str, *, find_title: bool = True) -> Cleaned:
    """Clean scraped article text (steps 1-7 of this module) and return it with the metadata found.

    Paragraphs in the result are separated by one blank line. With `find_title=False` (HTML, feeds,
    JSON: the title comes from metadata) the first line is never taken as the title.
    """
    state = _State()
    text, header_date = _take_date_header(normalize_text(text))
    lines = _apply_line_rules(text, state)
    lines, publisher = _take_sign_offs(lines)
    publisher = publisher or state.publisher
    lines = [line for line in lines if line.text]
    title = None
    if find_title:  # before the repeat check: a headline often repeats the lead's words
        lines, title = _take_headline(lines)
    lines = _drop_layout_captions(lines, state.removed)
    lines = _drop_repeats(lines, state.removed)
    if state.removed:
        log.debug("cleaning removed: %s", ", ".join(sorted(set(state.removed))))
    return Cleaned(
        text="\n\n".join(line.text for line in lines),
        title=title,
        header_date=header_date,
        url=state.url,
        publisher=publisher,
        removed=tuple(state.removed),
    )
