"""The orchestrator's own logic: period selection, and the inputs fingerprint that lets an email run reuse a
build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from briefing import pipeline
from briefing.options import BuildOptions
from briefing.pipeline import select_period
from tests.conftest import make_article

TODAY = dt.date(2025, 10, 8)  # a Wednesday in ISO week 2025-W41


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
