"""The translator's guards and long sentences: loops, runaway length and empty output caught; long sentences
cut at clause breaks without losing text."""

from __future__ import annotations

import pytest

from briefing.translate.translator import guard, split_long


@pytest.mark.parametrize("source, output, caught", [
    ("Le Vietnam lance un programme.", "Vietnam launches a programme.", False),
    ("Non, non, non, non !", "No, no, no, no!", False),  # the source repeats itself too
    ("Le Vietnam lance un programme.", "the the the the the the", True),
    ("Le Vietnam lance un programme.", "a programme a programme a programme a programme", True),
    ("Hanoi", "Hanoi, the capital of Vietnam, a city of eight million people on the Red River", True),
    ("Le Vietnam lance un programme.", "", True),
])
def test_guard_catches_loops_runaway_length_and_empty_output(source: str, output: str, caught: bool) -> None:
    assert (guard(source, output) is not None) is caught


def test_split_long_cuts_at_clause_breaks_and_never_drops_text() -> None:
    sentence = "; ".join(f"le programme numéro {i}, soutenu par la JICA, avance" for i in range(120))
    pieces = split_long(sentence, len, 300)
    assert all(len(p) <= 300 for p in pieces)
    assert " ".join(pieces).replace(";", "").split() == sentence.replace(";", "").split()
    unbroken = "x" * 5000
    assert "".join(split_long(unbroken, len, 1000)) == unbroken
