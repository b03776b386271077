"""Finding an article's date: headers, written dates ("mercredi 15 janvier"), URL date codes.

Every finder returns `None` rather than guess: a missing year is settled only by a weekday or by a
year written in the same sentence, and no date after the run date is ever returned.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence

from briefing.ingest.settings import DATE_WEEKDAY_YEARS

# Month and weekday names, accent-free and lower-case, for the languages of the feeds we read.
MONTHS: dict[str, int] = {}
for _names in (
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",  # fr
    "january february march april may june july august september october november december",  # en
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",  # es
    "januar februar marz april mai juni juli august september oktober november dezember",  # de
):
    for _number, _name in enumerate(_names.split(), 1):
        MONTHS[_name] = _number
MONTHS.update({"fevr": 2, "sept": 9, "setiembre": 9, "janv": 1, "avr": 4, "juil": 7, "oct": 10, "nov": 11,
               "dec": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9})

WEEKDAYS: dict[str, int] = {}
for _names in (
    "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "monday tuesday wednesday thursday friday saturday sunday",
    "lunes martes miercoles jueves viernes sabado domingo",
    "montag dienstag mittwoch donnerstag freitag samstag sonntag",
):
    for _number, _name in enumerate(_names.split()):
        WEEKDAYS[_name] = _number

_WORD = r"[^\W\d_]+"
# "mercredi 15 janvier", "le 1er octobre 2025", "15. März 2024", "el 3 de mayo de 2024"
_DAY_MONTH = re.compile(
    rf"(?:\b(?P<weekday>{_WORD})[ ,]+)?\b(?P<day>[0-3]?\d)(?:er|st|nd|rd|th|\.)?[ \u00a0]+(?:de[ \u00a0]+)?"
    rf"(?P<month>{_WORD})\.?(?:[ \u00a0,]+(?:de[ \u00a0]+)?(?P<year>(?:19|20)\d\d)\b)?",
)
# "October 2, 2025", "Wednesday, January 15"
_MONTH_DAY = re.compile(
    rf"(?:\b(?P<weekday>{_WORD}),?[ \u00a0]+)?\b(?P<month>{_WORD})[ \u00a0]+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b"
    r"(?:,?[ \u00a0]+(?P<year>(?:19|20)\d\d)\b)?",
)
# 2025-04-03 (also 2025-04-03T07:00), 2025/04/03, 2025/4/3 and 2025.04.03, which feedparser reads as 1 December
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)(?P<sep>[-/.])(?P<month>[01]?\d)(?P=sep)(?P<day>[0-3]?\d)(?![\d.])")
_ISO_LIKE = re.compile(r"\b(?:19|20)\d\d([-/.])\d\d?\1\d\d?(?![\d.])")
# ISO 8601's basic (20251001T1000Z) and ordinal (2025-274: the 274th day) forms
_ISO_BASIC = re.compile(r"\b(?P<year>(?:19|20)\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)(?=T\d|\b)")
_ISO_ORDINAL = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<day>[0-3]\d\d)(?![\d-])")
# RFC 822 as outlets write it: "31 Dec. 2025", "01 Sept 25" (email.utils knows neither the dot nor "Sept")
_MONTH_DOT = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?(?=\s)", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_FIRST_YEAR = 1900  # news dated before it is a misreading (the ISO pattern above reads 19xx and 20xx only)
_ENGLISH_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ENGLISH_MONTH = re.compile(rf"\b({'|'.join(_ENGLISH_MONTHS)})", re.IGNORECASE)  # "Oct", "october", "OCT."
_YEAR_DIGITS = re.compile(r"(?<![\d-])(\d{4}|\d{2})(?!\d)")  # a year written in four digits or two, never "-0001"
_RFC_YEAR = re.compile(r"\b\d{1,2}\s+[A-Za-z]+\.?\s+(\d+)\b")  # the year of "Wed, 15 Jan 2025 10:00"
_SENTENCE_END = re.compile(r"[.!?](?=\s)")


def _fold(word: str) -> str:
    """Lower-case without accents: 'Août' -> 'aout'."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_from_weekday(month: int, day: int, weekday: int, today: dt.date) -> dt.date | None:
    """The latest date on or before `today` with this day, month and weekday (looking a few years back)."""
    for year in range(today.year, today.year - DATE_WEEKDAY_YEARS, -1):
        candidate = _make(year, month, day)
        if candidate and candidate <= today and candidate.weekday() == weekday:
            return candidate
    return None


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end] (bounded by . ! ? or a line break)."""
    left = max(text.rfind("\n", 0, start), *(m.end() for m in _SENTENCE_END.finditer(text, 0, start)), 0)
    right_match = _SENTENCE_END.search(text, end)
    newline = text.find("\n", end)
    right = min(x for x in (right_match.start() if right_match else len(text), newline) if x >= 0)
    return text[left:right]


def _resolve(match: re.Match[str], text: str, today: dt.date) -> dt.date | None:
    """A date for one written mention, or None when the year cannot be settled without guessing."""
    month = MONTHS.get(_fold(match.group("month")))
    if month is None:
        return None
    day = int(match.group("day"))
    if match.group("year"):
        found = _make(int(match.group("year")), month, day)
        return found if found and found <= today else None
    weekday_name = match.group("weekday")
    weekday = WEEKDAYS.get(_fold(weekday_name)) if weekday_name else None
    if weekday is not None:
        return _year_from_weekday(month, day, weekday, today)
    # No weekday: a year written in the same sentence ("Le 28 août, ... 2025 ...") settles it.
    years = set(_YEAR.findall(_sentence_around(text, match.start(), match.end())))
    if len(years) != 1:
        return None
    found = _make(int(years.pop()), month, day)
    return found if found and found <= today else None


def dates_in_text(text: str, today: dt.date) -> Iterator[dt.date]:
    """Every date written in `text` that can be settled without guessing, in reading order."""
    found: list[tuple[int, dt.date]] = []
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for match in pattern.finditer(text):
            date = _resolve(match, text, today)
            if date:
                found.append((match.start(), date))
    for match in _ISO.finditer(text):
        date = _make(int(match.group("year")), int(match.group("month")), int(match.group("day")))
        if date and date <= today:
            found.append((match.start(), date))
    for _, date in sorted(found, key=lambda item: item[0]):
        yield date


# --- dates carried by URLs ---------------------------------------------------------------


def _vn_cms_code(match: re.Match[str]) -> dt.date | None:
    """Vietnamese government CMS (mst.gov.vn, chinhphu.vn …): -197YYMMDDhhmmss…htm."""
    return _make(2000 + int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _ymd(match: re.Match[str]) -> dt.date | None:
    return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))


# Known URL patterns that carry the publication date; the first that matches wins.
URL_DATE_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], dt.date | None]], ...] = (
    (re.compile(r"-19\d(\d\d)(\d\d)(\d\d)\d{9}\.html?\b"), _vn_cms_code),
    (re.compile(r"/((?:19|20)\d\d)/([01]?\d)/([0-3]?\d)/"), _ymd),
    (re.compile(r"[/_-]((?:19|20)\d\d)-([01]\d)-([0-3]\d)(?:[/_.-]|$)"), _ymd),
    (re.compile(r"/((?:19|20)\d\d)([01]\d)([0-3]\d)/"), _ymd),
)


def date_from_url(url: str, today: dt.date) -> dt.date | None:
    """The date coded in a URL of a known pattern, or None."""
    for pattern, convert in URL_DATE_PATTERNS:
        match = pattern.search(url)
        if match:
            date = convert(match)
            if date and date <= today:
                return date
    return None


def written_date(value: str) -> tuple[bool, dt.date | None]:
    """Whether `value` writes an ISO 8601 (`2025-10-01T23:30:00-08:00`) or RFC 822 (`Wed, 01 Oct 2025 23:30 -0800`)
    date, and the calendar day it writes, in the writer's own time zone: None for a day that does not exist
    (2025-02-31, month 13, "31 Feb 2025"). Text holding no such date: (False, None).

    Never converted to UTC: an evening story of an outlet west of Greenwich stays on the day it printed.
    """
    import email.utils

    match = _ISO.search(value[:40])
    if match:
        return True, _make(int(match.group("year")), int(match.group("month")), int(match.group("day")))
    if _ISO_LIKE.search(value[:40]):
        return True, None  # 2025-13-01: shaped like an ISO date, with a month or day out of range
    start = value.strip()[:40]
    match = _ISO_BASIC.match(start)
    if match:
        return True, _make(int(match.group("year")), int(match.group("month")), int(match.group("day")))
    match = _ISO_ORDINAL.match(start)
    if match:
        days = int(match.group("day"))
        first = dt.date(int(match.group("year")), 1, 1)
        within = 1 <= days <= (dt.date(first.year, 12, 31) - first).days + 1
        return True, first + dt.timedelta(days=days - 1) if within else None
    plain = _MONTH_DOT.sub(lambda match: match.group(1)[:3], value[:80])
    rfc = email.utils.parsedate(plain)
    if not rfc:
        return False, None
    written = _RFC_YEAR.search(plain)
    if written and len(written.group(1)) > 2 and int(written.group(1)) != rfc[0]:
        return True, None  # "15 Jan 0000": email.utils reads year 0 as 2000; only a two-digit year is a century's
    return True, _make(rfc[0], rfc[1], rfc[2])


def parsed_day(parsed: Sequence[int], written: str) -> dt.date | None:
    """The day of a date feedparser read (`published_parsed`, for forms it alone knows, in UTC) when the text
    writes its year or a year next to it (UTC can move 31 December into January; four digits or the last two)
    and its month by its English name ("Wed, 1 Oct 2025" without a time), and the day exists. Numeric forms are
    `written_date`'s: feedparser reads "-0001-01-01" as 2000-01-01, "9999-12-31T23:59-23:59" in year 10000,
    "2025-10" as 1 October and "2025년 10월 01일 12:00" as 1 December: a date is never invented."""
    year, month, day = (int(part) for part in parsed[:3])
    years = {int(digits) for digits in _YEAR_DIGITS.findall(written)}
    near = {year - 1, year, year + 1}
    if year < _FIRST_YEAR or not (years & near or years & {y % 100 for y in near}):
        return None
    named = {_ENGLISH_MONTHS.index(name.casefold()) + 1 for name in _ENGLISH_MONTH.findall(written)}
    return _make(year, month, day) if month in named else None


def parse_date(value: object, today: dt.date) -> dt.date | None:
    """A date from a metadata value (ISO 8601 or RFC 822 string, a written date, or a date), on the day it
    was printed; None if absent, bad or after `today`."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value if value <= today else None
    if not isinstance(value, str):
        return None
    date = written_date(value)[1]
    if date is not None or _ISO_LIKE.search(value[:40]):  # 2025-02-31 is refused, not read as text
        return date if date and date <= today else None
    return next(dates_in_text(value[:80], today), None)
