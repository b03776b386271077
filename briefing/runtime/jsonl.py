"""JSON Lines input, read defensively: the one reader of every command that takes JSONL (`summarize`,
`stories`, `themes`).

Each line is hostile until checked: its size (read at most JSONL_MAX_LINE_CHARS of it), its nesting depth
(counted before parsing, so 100,000 brackets cost no recursion), that it parses as strict JSON (no NaN, no
number of thousands of digits, no key twice in one object) and that it is an object. A lone surrogate (half
of a character's escape, "\\ud83d" alone) is taken out of every string and key, as ingestion takes it out of an
article's text: it cannot be written as UTF-8, so a cache key or a spaCy model would fail on it. A record's
id, when it has one, is text or a whole number, compared as text (1 and "1" are the same id), not blank, and
no two records share one. A bad line raises `BadInput` naming the input and the line: the command stops with
that one line.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from briefing.errors import BadInput
from briefing.options import DEFAULT_MAX_FILE_BYTES

# A record is one article: a line longer than the largest file `ingest` reads (--max-size) is not one.
JSONL_MAX_LINE_CHARS = DEFAULT_MAX_FILE_BYTES
# Records are flat objects (a few levels where an export nests metadata); deeper nesting is an attack on the
# parser and on everything that walks the record after it.
JSONL_MAX_DEPTH = 64
MESSAGE_VALUE_CHARS = 60  # an error quotes this much of a value: enough to find it, never a 20 MB line
# C0 and C1 controls, the line and paragraph separators, and the direction marks and overrides: in a
# message they start lines, move the cursor or reorder what the terminal shows ("gpj.exe" with U+202E before
# it reads "exe.jpg")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")

# A JSON string, escapes included, or the rest of the line when it is never closed: possessive and with an
# optional closing quote, the match never fails and backtracks, so the scan stays linear ('\\"' * 40,000 took
# 86 s with a plain pattern).
_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_SURROGATE_ESCAPE = re.compile(r"\\[uU][dD][89a-fA-F]")  # "\ud83d": a surrogate, paired or not
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Line:
    """One record of a JSON Lines input: where it is ("in.jsonl, line 3"), the object, and its id as text."""

    where: str
    record: dict[str, Any]
    key: str | None = None  # the record's id ("7" for 7 and "7"); None when it has none


def record_key(value: Any) -> str | None:
    """A JSON value as the text it is compared by, when it may name a record or a story: a string as it is,
    a whole number as its digits ("1" for 1 and "1"); None for anything else (true, 1.5, null, lists, objects)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def json_kind(value: Any) -> str:
    """How a JSON value is named in a message: `true`, `1.5`, `null`, "a list", "an object"."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return json.dumps(value)[:40]


def quoted(text: str) -> str:
    """A value from input as a message shows it: quoted, on one line, at most MESSAGE_VALUE_CHARS long."""
    return repr(text) if len(text) <= MESSAGE_VALUE_CHARS else f"{text[:MESSAGE_VALUE_CHARS]!r}…"


def one_line(text: str) -> str:
    """A message as one line on a terminal: control and text-direction characters from input (a file name
    holding a newline, an escape sequence or a right-to-left override) shown as escapes (`\\n`, `\\x1b`)."""
    return _UNPRINTABLE.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


def listed(texts: Sequence[str], most: int = 3, chars: int = MESSAGE_VALUE_CHARS) -> str:
    """Values from input (keys, paths) as a message lists them: the first `most` as written, each cut at `chars`,
    and how many more ("a, b, c and 9,997 more")."""
    shown = [text if len(text) <= chars else f"{text[:chars]}…" for text in texts[:most]]
    return ", ".join(shown) + (f" and {len(texts) - most:,} more" if len(texts) > most else "")


def _depth(text: str) -> int:
    """How deep brackets nest in `text`, strings aside (stops counting past JSONL_MAX_DEPTH)."""
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > JSONL_MAX_DEPTH:
                break
    return deepest


class DuplicateKey(ValueError):
    """A JSON object names one key twice; the message names it ("the key 'text' appears twice ...")."""

    def __init__(self, key: str) -> None:
        super().__init__(f"the key {quoted(key)} appears twice in one object; keep one")


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's pairs as a dict; DuplicateKey when a key comes twice (JSON would keep the last silently:
    `"text": "a", "text": "b"` is one record with two texts)."""
    obj = dict(pairs)
    if len(obj) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    """A JSON number as a float, refused when it overflows (1e999 read as infinity, written back as the
    Infinity that JSON, and this reader, refuse)."""
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text[:20]} is too large a number")
    return number


def parse_line(text: str, where: str) -> dict[str, Any]:
    """The JSON object on one line; BadInput naming `where` when it is too deep, not JSON or not an object."""
    if _depth(text) > JSONL_MAX_DEPTH:
        raise BadInput(f"{where}: JSON nested deeper than {JSONL_MAX_DEPTH} levels; a record is a flat object")
    try:
        obj = json.loads(text, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=unique_keys)
    except DuplicateKey as exc:
        raise BadInput(f"{where}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BadInput(f"{where}: not valid JSON ({exc.msg})") from None
    except ValueError as exc:  # NaN, Infinity, 1e999, or an integer longer than Python converts
        digits = sys.get_int_max_str_digits()
        reason = f"a number of more than {digits} digits" if "digits" in str(exc) else str(exc)
        raise BadInput(f"{where}: not valid JSON ({reason})") from None
    except RecursionError:  # the depth check makes this unreachable; kept so no traceback can ever show
        raise BadInput(f"{where}: JSON nested too deeply; a record is a flat object") from None
    if not isinstance(obj, dict):
        raise BadInput(f"{where}: expected a JSON object, got {type(obj).__name__}")
    return _without_lone_surrogates(obj, where) if _SURROGATE_ESCAPE.search(text) else obj


def _without_lone_surrogates(value: Any, where: str) -> Any:
    """`value` (a parsed record, or a part of one) with every lone surrogate taken out of its strings and
    keys (a pair escaped as two halves was already joined into one character by the parser); BadInput naming
    `where` when two keys of one object become the same."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(item, where) for item in value]
    if isinstance(value, dict):
        cleaned: dict[str, Any] = {}
        for key, item in value.items():
            plain = _LONE_SURROGATE.sub("", key)
            if plain in cleaned:
                raise BadInput(f"{where}: the keys {quoted(plain)} and {quoted(key)} are the same once the broken "
                               "character is taken out; rename or remove one")
            cleaned[plain] = _without_lone_surrogates(item, where)
        return cleaned
    return value


def _lines(stream: IO[str], source: str, max_chars: int) -> Iterator[tuple[int, str]]:
    """(line number, text) of each non-empty line, each read at most `max_chars` characters at a time."""
    try:
        number = 0
        while True:
            text = stream.readline(max_chars + 1)
            if not text:
                return
            number += 1
            if len(text) > max_chars and not text.endswith("\n"):
                raise BadInput(f"{source}, line {number}: longer than {max_chars:,} characters; "
                               "a record must be smaller")
            if text.strip():
                yield number, text
    except UnicodeDecodeError:
        raise BadInput(f"{source}: not UTF-8 text; JSON Lines must be UTF-8 (convert it, e.g. with iconv)") from None


def checked_keys(lines: Iterable[Line], *, key: str = "id", required: bool = False) -> Iterator[Line]:
    """`lines` with each record's `key` field as text (`Line.key`): BadInput when it is not text or a whole
    number, blank, missing while `required`, or the same as an earlier record's, naming both lines."""
    seen: dict[str, str] = {}
    for line in lines:
        value = line.record.get(key)
        if value is None and key not in line.record:
            if required:
                raise BadInput(f"{line.where}: field {quoted(key)} is missing")
            yield line
            continue
        text = record_key(value)
        if text is None:
            raise BadInput(f"{line.where}: field {quoted(key)} must be text or a whole number, not {json_kind(value)}")
        if not text.strip():  # "" names nothing (also an id that was only broken characters, taken out above)
            raise BadInput(f"{line.where}: field {quoted(key)} is empty; give the record an id of its own, or "
                           "leave the field out")
        if text in seen:
            raise BadInput(f"{line.where}: {key} {quoted(text)} is also the {key} of {seen[text].rsplit(', ', 1)[-1]}; "
                           f"every record needs its own {key}")
        seen[text] = line.where
        yield Line(line.where, line.record, text)


def read_jsonl(stream: IO[str], source: str, *, key: str = "id", key_required: bool = False,
               max_chars: int = JSONL_MAX_LINE_CHARS) -> Iterator[Line]:
    """The records of a JSON Lines stream named `source`, one `Line` per non-empty line, checked as the module
    says; raises BadInput naming the first bad line (or the input, when it is not UTF-8)."""
    parsed = (Line(f"{source}, line {number}", parse_line(text, f"{source}, line {number}"))
              for number, text in _lines(stream, source, max_chars))
    return checked_keys(parsed, key=key, required=key_required)


def records_as_lines(records: Iterable[dict[str, Any]], source: str = "record", *, key: str = "id",
                     key_required: bool = False) -> Iterator[Line]:
    """Records already in memory as `Line`s ("record 1", "record 2"...), with the same id checks."""
    return checked_keys((Line(f"{source} {number}", record) for number, record in enumerate(records, 1)),
                        key=key, required=key_required)
