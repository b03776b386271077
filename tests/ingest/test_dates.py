"""Dates written in text, carried by URLs and given as metadata: settled without guessing, never future."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.ingest.dates import date_from_url, dates_in_text, parse_date

TODAY = dt.date(2026, 11, 22)


def first(text: str, today: dt.date = TODAY) -> dt.date | None:
    return next(dates_in_text(text, today), None)


@pytest.mark.parametrize(("text", "date"), [
    ("le 15 septembre 2025 au Centre des expositions", dt.date(2025, 9, 15)),
    ("Le 1er octobre 2024, le programme a commencé.", dt.date(2024, 10, 1)),
    ("Berlin, 15. März 2024 – Die Regierung", dt.date(2024, 3, 15)),
    ("el 3 de mayo de 2024 en Madrid", dt.date(2024, 5, 3)),
    ("On Wednesday, January 15, 2025 the council met.", dt.date(2025, 1, 15)),
    ("publié le 2025-03-10 à 9 h", dt.date(2025, 3, 10)),
])
def test_full_dates(text: str, date: dt.date) -> None:
    assert first(text) == date


def test_weekday_settles_a_missing_year() -> None:
    text = "Le secrétaire général a souligné mercredi 15 janvier la nécessité d’agir d’ici 2030."
    assert first(text) == dt.date(2025, 1, 15)  # 2030 is after the run date; 2025 is the last Wednesday 15 Jan
    assert first(text, today=dt.date(2025, 1, 14)) == dt.date(2020, 1, 15)  # never after the run date
    assert first("jeudi 15 janvier, à Hanoi") == dt.date(2026, 1, 15)


def test_year_in_the_same_sentence_settles_a_missing_year() -> None:
    text = "Le 28 août, la 12e Journée des technologies de l’information 2025 s’est déroulée au Japon."
    assert first(text) == dt.date(2025, 8, 28)


def test_no_year_and_no_weekday_is_unknown() -> None:
    assert first("Le 28 août, la journée s’est déroulée au Japon. En 2025, elle reviendra.") is None
    assert first("Le 28 août, entre 2024 et 2025, la journée a eu lieu.") is None  # two years: ambiguous


def test_a_weekday_that_does_not_fit_is_not_forced() -> None:
    assert first("lundi 31 février") is None
    assert first("le 12 décembre 2027") is None  # after the run date


def test_numbers_that_are_not_dates() -> None:
    assert first("plus de 5 557 projets et 12 entreprises vietnamiennes, 30 % des parts") is None


@pytest.mark.parametrize(("url", "date"), [
    ("https://mst.gov.vn/day-manh-hop-tac-197251025164051267.htm", dt.date(2025, 10, 25)),
    ("https://mst.gov.vn/ai-ha-tang-197250915155804305.htm", dt.date(2025, 9, 15)),
    ("https://example.org/news/2024/03/07/story", dt.date(2024, 3, 7)),
    ("https://example.org/2024-03-07-story.html", dt.date(2024, 3, 7)),
    ("https://www.vietnamplus.vn/3-sang-kien-post1058589.vnp", None),
    ("https://example.org/2030/01/01/future", None),
])
def test_url_date_codes(url: str, date: dt.date | None) -> None:
    assert date_from_url(url, TODAY) == date


@pytest.mark.parametrize(("value", "date"), [
    ("2025-04-03T07:00:00Z", dt.date(2025, 4, 3)),
    ("2016-01-22", dt.date(2016, 1, 22)),
    (dt.datetime(2025, 1, 2, 3, 4), dt.date(2025, 1, 2)),
    ("Wed, 04 Jun 2025 08:00:00 +0200", dt.date(2025, 6, 4)),
    ("2099-01-01", None),
    ("soon", None),
    (None, None),
    (20250101, None),
])
def test_metadata_dates(value: object, date: dt.date | None) -> None:
    assert parse_date(value, TODAY) == date
