"""JSON Lines read defensively: each line's size, depth and type checked, ids unique as text."""

from __future__ import annotations

import io
import json

import pytest

from briefing.errors import BadInput
from briefing.runtime.jsonl import JSONL_MAX_DEPTH, Line, read_jsonl, record_key

DEEP = "[" * 100_000 + "]" * 100_000


def _read(text: str, **options: object) -> list[Line]:
    return list(read_jsonl(io.StringIO(text), "in.jsonl", **options))  # type: ignore[arg-type]


def test_objects_come_with_their_line_and_id_as_text() -> None:
    lines = _read('{"id": 7, "text": "a"}\n\n  \n{"id": "b", "nested": {"deep": [1, [2]]}}\n{"text": "no id"}\n')
    assert [(line.where, line.key, line.record.get("text")) for line in lines] == [
        ("in.jsonl, line 1", "7", "a"), ("in.jsonl, line 4", "b", None), ("in.jsonl, line 5", None, "no id")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (DEEP, f"in.jsonl, line 1: JSON nested deeper than {JSONL_MAX_DEPTH} levels; a record is a flat object"),
        ('{"a": ' * 100_000 + "1" + "}" * 100_000,
         f"in.jsonl, line 1: JSON nested deeper than {JSONL_MAX_DEPTH} levels; a record is a flat object"),
        ('{"ok": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}\n[',
         "in.jsonl, line 2: not valid JSON (Expecting value)"),
        ("not json", "in.jsonl, line 1: not valid JSON (Expecting value)"),
        ("[1, 2]", "in.jsonl, line 1: expected a JSON object, got list"),
        ('{"score": NaN}', "in.jsonl, line 1: not valid JSON (NaN is not a JSON number)"),
        # read as infinity, it was written back as Infinity, which the next command refused
        ('{"date": 1e999}', "in.jsonl, line 1: not valid JSON (1e999 is too large a number)"),
        ('{"id": ' + "1" * 5000 + "}", "in.jsonl, line 1: not valid JSON (a number of more than 4300 digits)"),
        ('{"id": true}', "in.jsonl, line 1: field 'id' must be text or a whole number, not true"),
        ('{"id": 1.5}', "in.jsonl, line 1: field 'id' must be text or a whole number, not 1.5"),
        ('{"id": {"a": 1}}', "in.jsonl, line 1: field 'id' must be text or a whole number, not an object"),
    ],
)
def test_a_bad_line_is_one_error_naming_it(text: str, message: str) -> None:
    with pytest.raises(BadInput) as caught:
        _read(text)
    assert str(caught.value) == message


def test_a_line_over_the_size_limit_is_refused_without_reading_it_whole() -> None:
    with pytest.raises(BadInput) as caught:
        _read('{"id": 1}\n{"text": "' + "x" * 5000 + '"}\n', max_chars=1000)
    assert str(caught.value) == "in.jsonl, line 2: longer than 1,000 characters; a record must be smaller"


def test_ids_are_compared_as_text_and_a_duplicate_names_both_lines() -> None:
    with pytest.raises(BadInput) as caught:
        _read('{"id": 1}\n{"id": "2"}\n\n{"id": "1"}\n')
    assert str(caught.value) == "in.jsonl, line 4: id '1' is also the id of line 1; every record needs its own id"
    with pytest.raises(BadInput) as caught:
        _read(json.dumps({"id": "x" * 20_000}) + "\n" + json.dumps({"id": "x" * 20_000}) + "\n")
    assert str(caught.value) == (f"in.jsonl, line 2: id {'x' * 60!r}… is also the id of line 1; every record "
                                 "needs its own id")  # an error line quotes a value, never 20,000 characters of it
    with pytest.raises(BadInput, match=r"^in.jsonl, line 2: field 'id' is missing$"):
        _read('{"id": 1}\n{"text": "x"}\n', key_required=True)


def test_record_keys_are_text_or_whole_numbers_compared_as_text() -> None:
    assert [record_key(v) for v in ("1", 1, "True", " a ", -3)] == ["1", "1", "True", " a ", "-3"]
    assert [record_key(v) for v in (True, False, 1.0, None, [], {})] == [None] * 6


@pytest.mark.parametrize("line", ['\\"' * 200_000, '{"a": "' + 'x\\"' * 200_000, "]" * 1_000_000])
def test_a_line_built_to_make_the_checks_slow_is_refused(line: str) -> None:
    """(That the checks stay linear on such lines, where a backtracking scan took 86 s for a fifth of the first
    one, is measured by benchmarks/hostile_parts.py: speed goals are not asserted in unit tests.)"""
    with pytest.raises(BadInput, match=r"^in\.jsonl, line 1: not valid JSON"):
        _read(line + "\n")


def test_lone_surrogates_are_taken_out_and_a_key_they_would_merge_into_another_is_refused() -> None:
    [line] = _read('{"id": "a\\ud83d", "title": "Fin \\ud83d", "tags": ["\\udc00b"], "ok": "\\ud83d\\ude00"}\n')
    assert line.record == {"id": "a", "title": "Fin ", "tags": ["b"], "ok": "\U0001f600"} and line.key == "a"
    with pytest.raises(BadInput) as caught:  # the junk key would have silently replaced the real text
        _read('{"id": "k1", "text": "Le vrai texte.", "te\\ud800xt": "\\ud800"}\n')
    assert str(caught.value) == ("in.jsonl, line 1: the keys 'text' and 'te\\ud800xt' are the same once the broken "
                                 "character is taken out; rename or remove one")


@pytest.mark.parametrize("line", ['{"id": "a", "text": "un", "text": "deux"}', '{"id": "a", "m": {"k": 1, "k": 2}}'])
def test_a_key_twice_in_one_object_is_refused_not_silently_the_last(line: str) -> None:
    with pytest.raises(BadInput) as caught:
        _read(line + "\n")
    key = "text" if "text" in line else "k"
    assert str(caught.value) == f"in.jsonl, line 1: the key {key!r} appears twice in one object; keep one"
