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


def test_an_article_language_is_always_a_code_briefing_knows(tmp_path: Path) -> None:
    import json

    from briefing.text.language import known_language

    text = "Le ministère annonce un programme pour les start-up. " * 6
    (tmp_path / "a.json").write_text(json.dumps([
        {"title": "Un", "text": text, "lang": "../../../../tmp/x/secret"},
        {"title": "Deux", "text": text.replace("programme", "plan"), "language": "fr-FR"},
    ]), encoding="utf-8")
    (tmp_path / "b.html").write_text(f'<html lang="xx"><body><article><h1>Trois</h1><p>{text.replace("un", "le")}'
                                     "</p></article></body></html>", encoding="utf-8")
    result = ingest([str(tmp_path)], today=dt.date(2025, 10, 6))
    assert len(result.articles) == 3 and {a.lang for a in result.articles} == {"fr"}
    assert all(known_language(a.lang) for a in result.articles)
