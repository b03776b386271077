"""The orchestrator's own logic: ISO week parsing, period selection, and the inputs fingerprint that lets an
email run reuse a build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from briefing import pipeline
from briefing.errors import BadWeek
from briefing.options import BuildOptions
from briefing.pipeline import parse_week, select_period
from tests.conftest import make_article

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
def test_parse_week(value: str, label: str, monday: dt.date) -> None:
    assert parse_week(value, TODAY) == (label, monday, monday + dt.timedelta(days=6))


def test_last_week_on_a_monday_is_the_week_that_just_ended() -> None:
    assert parse_week("last", dt.date(2025, 10, 6))[0] == "2025-W40"


@pytest.mark.parametrize(("value", "message"), [("2025-40", "use YYYY-Www"), ("2025-W54", "has no ISO week 54")])
def test_bad_week_says_what_to_write(value: str, message: str) -> None:
    with pytest.raises(BadWeek, match=message):
        parse_week(value, TODAY)


def test_select_week_keeps_only_dated_articles_of_that_week() -> None:
    inside = make_article(id="in", date=dt.date(2025, 10, 5))
    before = make_article(id="before", date=dt.date(2025, 9, 28))
    undated = make_article(id="undated", date=None)
    kept, period = select_period([inside, before, undated], "2025-W40", TODAY)
    assert [a.id for a in kept] == ["in"]
    assert (period.week, period.start, period.end) == ("2025-W40", dt.date(2025, 9, 29), dt.date(2025, 10, 5))
    assert period.label == "2025-W40"


def test_without_week_every_article_is_kept_and_the_period_spans_their_dates() -> None:
    articles = [make_article(id="a", date=dt.date(2025, 1, 15)), make_article(id="b", date=None),
                make_article(id="c", date=dt.date(2025, 10, 4))]
    kept, period = select_period(articles, None, TODAY)
    assert len(kept) == 3
    assert period.label == "2025-01-15_2025-10-04"


def test_period_label_without_any_date() -> None:
    _, period = select_period([make_article(date=None)], None, TODAY)
    assert period.label == "undated"


def test_inputs_fingerprint_follows_sources_options_and_date(tmp_path: Path, seeds_dir: Path) -> None:
    sources = tmp_path / "seeds"
    shutil.copytree(seeds_dir, sources)
    options = BuildOptions(sources=(str(sources),), out_dir=tmp_path / "out", week="last",
                           today=dt.date(2026, 11, 23))
    first = pipeline.inputs_fingerprint(options)
    assert first == pipeline.inputs_fingerprint(options)
    assert first != pipeline.inputs_fingerprint(dataclasses.replace(options, today=dt.date(2026, 11, 30)))
    assert first != pipeline.inputs_fingerprint(dataclasses.replace(options, bilingual=True))
    assert first != pipeline.inputs_fingerprint(dataclasses.replace(options, exclude_ids=frozenset({"a1"})))
    edited = next(sources.glob("*.txt"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\nUne phrase de plus.", encoding="utf-8")
    assert first != pipeline.inputs_fingerprint(options)
    as_glob = dataclasses.replace(options, sources=(str(sources / "*.txt"),))
    assert pipeline.inputs_fingerprint(as_glob) == pipeline.inputs_fingerprint(as_glob)
    assert pipeline.inputs_fingerprint(dataclasses.replace(options, sources=("https://example.org/feed",))) is None


def test_inputs_fingerprint_reads_the_files_ingestion_reads_under_home(
    tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(seeds_dir, tmp_path / "news")
    monkeypatch.setenv("HOME", str(tmp_path))
    options = BuildOptions(sources=("~/news",), out_dir=tmp_path / "out", today=dt.date(2026, 11, 23))
    first = pipeline.inputs_fingerprint(options)
    (tmp_path / "news" / "new.txt").write_text("Le Vietnam lance un nouveau programme. " * 20, encoding="utf-8")
    assert pipeline.inputs_fingerprint(options) != first  # a new article under ~ is a new digest
