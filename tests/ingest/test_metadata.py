"""A raw record becomes an Article: its date is never after the run date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefing.ingest import ingest


def test_no_date_after_the_run_date(seeds_dir: Path) -> None:
    today = dt.date(2025, 10, 1)  # before 000's header date and 001's URL date
    result = ingest([str(seeds_dir)], today=today)
    by_seed = {Path(a.path).name[:3]: a for a in result.articles}
    assert all(a.date is None or a.date <= today for a in result.articles)
    assert by_seed["000"].date is None
    assert by_seed["002"].date == dt.date(2025, 1, 15)
    assert any("000_" in w and "date header 2025-10-04 is after the run date" in w for w in result.warnings)
    assert any("000_" in w and "no date found" in w for w in result.warnings)
