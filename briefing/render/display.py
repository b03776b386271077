"""How values read in the briefing: language names, dates and periods in English, links that are safe to
show, and every text from input bounded for display (`bounded`: one line, no invisible characters, cut to a
length the layout handles). Used by the views and the templates (as filters) alike."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from briefing.records import Period
from briefing.render.settings import LONG_RUN_BREAK_CHARS, TITLE_DISPLAY_MAX_CHARS, URL_MAX_CHARS
from briefing.text.language import language_name as language_name  # the templates' `language` filter

SAFE_SCHEMES = ("http", "https")


def long_date(day: dt.date) -> str:
    """A date as "2 October 2025" (English month names whatever the machine's locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def period_text(period: Period) -> str:
    """The period for the cover: "Week 40, 2025 · 29 September – 5 October 2025", first–last dates, or undated."""
    if period.start and period.end:
        dates = long_date(period.start)
        if period.end != period.start:
            dates = f"{long_date(period.start)} – {long_date(period.end)}"
    else:
        dates = ""
    if period.week:
        year, week = period.week.split("-W")
        return f"Week {int(week)}, {year}" + (f" · {dates}" if dates else "")
    return dates or "Undated articles"


def safe_url(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) link with a host, at most URL_MAX_CHARS long, else None (javascript:,
    file:, data: and overlong links are dropped)."""
    if not url or len(url) > URL_MAX_CHARS + 64:  # + surrounding spaces; a link too long is dropped, never cut
        return None
    url = url.strip()
    if len(url) > URL_MAX_CHARS:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.hostname:
        return None
    if any(ch in url for ch in "\r\n\t\0 "):
        return None
    return url


# C0/C1 controls (tab and newline aside), bidi overrides that can reverse a title on screen
# ("Trojan source"), and Unicode noncharacters: none has a place in a printed briefing.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]")


def display_text(text: str) -> str:
    """`text` without control characters, bidi overrides or noncharacters (ingestion strips most already)."""
    return _INVISIBLE.sub("", text)


_LONG_RUN = re.compile(rf"\S{{{LONG_RUN_BREAK_CHARS}}}(?=\S)")
_BREAK = "\u200b"  # zero-width space: a line may break here; nothing is shown


def bounded(text: str | None, limit: int) -> str:
    """`text` as the briefing shows any value from input: on one line, without invisible characters, at most
    `limit` characters (cut at a word, with "…"), and with a break opportunity in every run of
    LONG_RUN_BREAK_CHARS characters without a space. "" for None.

    Every field of the views goes through it, so no value's length can make the layout slow or the email big;
    the JSON keeps the value whole. Its cost is bounded too: only the first few times `limit` characters of
    `text` are read.
    """
    if not text or limit < 1:
        return ""
    line = " ".join(display_text(text[: 4 * limit + 64]).split())
    line = _LONG_RUN.sub(lambda run: run.group() + _BREAK, line)
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:  # end on a whole word when one ends in the second half
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" " + _BREAK) + "…"


def display_title(text: str | None) -> str:
    """A title as the briefing shows it: `bounded` to TITLE_DISPLAY_MAX_CHARS."""
    return bounded(text, TITLE_DISPLAY_MAX_CHARS)


def day_text(day: dt.date | None) -> str:
    """A date as "2 October 2025", or "date unknown"."""
    return long_date(day) if day else "date unknown"


def date_range(first: dt.date | None, last: dt.date | None) -> str:
    """ "2 October 2025", "29 September – 2 October 2025", or "date unknown"."""
    if first is None or last is None or first == last:
        return day_text(first or last)
    if first.year == last.year:
        start = f"{first.day} {_MONTHS[first.month - 1]}" if first.month != last.month else str(first.day)
        return f"{start} – {long_date(last)}"
    return f"{long_date(first)} – {long_date(last)}"
