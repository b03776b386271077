"""The records between stages: the period of an ISO week, and the mark of briefing's own outputs."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.errors import BadWeek
from briefing.records import Period

TODAY = dt.date(2025, 10, 8)  # a Wednesday in ISO week 2025-W41


@pytest.mark.parametrize(
    ("value", "label", "monday"),
    [
        ("2025-W40", "2025-W40", dt.date(2025, 9, 29)),
        ("this", "2025-W41", dt.date(2025, 10, 6)),
        ("last", "2025-W40", dt.date(2025, 9, 29)),
        ("2021-W01", "2021-W01", dt.date(2021, 1, 4)),  # ISO week 1 of 2021 starts in January
        ("2020-W53", "2020-W53", dt.date(2020, 12, 28)),
    ],
)
def test_a_week_is_an_iso_week_this_week_or_last_week(value: str, label: str, monday: dt.date) -> None:
    assert Period.of_week(value, TODAY) == Period(monday, monday + dt.timedelta(days=6), label)


def test_last_week_on_a_monday_is_the_week_that_just_ended() -> None:
    assert Period.of_week("last", dt.date(2025, 10, 6)).week == "2025-W40"


@pytest.mark.parametrize(("value", "message"), [("2025-40", "use YYYY-Www"), ("2025-W54", "has no ISO week 54")])
def test_bad_week_says_what_to_write(value: str, message: str) -> None:
    with pytest.raises(BadWeek, match=message):
        Period.of_week(value, TODAY)
