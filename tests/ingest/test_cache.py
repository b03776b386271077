"""The source cache: a rerun over unchanged files reads none of them again, and gives the same briefing."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.ingest.cache import SourceCache, source_key
from briefing.ingest.settings import SOURCE_CACHE_FILE
from tests.conftest import make_article

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")


def build(runner: CliRunner, folder: Path, out: Path, cache: Path, *extra: str) -> tuple[str, dict]:
    result = runner.invoke(main, ["-v", "build", str(folder), "--out", str(out), "--engine", "apertium",
                                  "--cache", str(cache), "--creation-date", "2025-11-01T07:00:00", *extra])
    assert result.exit_code == 0, result.output
    return result.stderr, json.loads(next(out.glob("briefing-*.json")).read_text(encoding="utf-8"))


@needs_apertium
def test_a_rerun_reads_no_unchanged_file_and_gives_the_same_briefing(runner: CliRunner, seeds_dir: Path,
                                                                       tmp_path: Path) -> None:
    folder = tmp_path / "news"
    shutil.copytree(seeds_dir, folder)
    cache = tmp_path / "cache" / "translations.sqlite"
    first_log, first = build(runner, folder, tmp_path / "one", cache)
    assert re.search(r"sources: 0 file\(s\) reused from the cache, 5 read", first_log)
    assert (cache.parent / SOURCE_CACHE_FILE).is_file()
    again_log, again = build(runner, folder, tmp_path / "two", cache)
    assert re.search(r"sources: 5 file\(s\) reused from the cache, 0 read", again_log)
    assert again == first
    edited = sorted(folder.iterdir())[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\nUne phrase ajoutée à la fin de l'article.\n",
                      encoding="utf-8")
    changed_log, _ = build(runner, folder, tmp_path / "three", cache)
    assert re.search(r"sources: 4 file\(s\) reused from the cache, 1 read", changed_log)


@needs_apertium
def test_no_cache_reads_every_file_and_writes_no_source_cache(runner: CliRunner, seeds_dir: Path,
                                                              tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "translations.sqlite"
    log, data = build(runner, seeds_dir, tmp_path / "out", cache, "--no-cache")
    assert "reused from the cache" not in log and len(data["articles"]) == 5
    assert not (cache.parent / SOURCE_CACHE_FILE).exists()


def test_a_cached_result_comes_back_whole_and_a_key_changes_with_what_the_result_depends_on(tmp_path: Path) -> None:
    article = make_article(flags=("untranslated",), date=dt.date(2025, 10, 2))
    today = dt.date(2025, 10, 6)
    key = source_key(b"bytes", "news/a.txt", today, 1000)
    cache = SourceCache(tmp_path / "sources.sqlite")
    cache.put_many([(key, ([article], ["news/a.txt: a warning"], None))])
    cache.close()
    assert SourceCache(tmp_path / "sources.sqlite").get_many([key]) == {key: ([article], ["news/a.txt: a warning"],
                                                                              None)}
    others = {source_key(b"bytes!", "news/a.txt", today, 1000), source_key(b"bytes", "news/b.txt", today, 1000),
              source_key(b"bytes", "news/a.txt", today + dt.timedelta(days=1), 1000),
              source_key(b"bytes", "news/a.txt", today, 2000)}
    assert key not in others and len(others) == 4


@pytest.mark.slow
def test_a_damaged_source_cache_is_moved_aside_and_rebuilt_once(runner: CliRunner, seeds_dir: Path,
                                                                 tmp_path: Path) -> None:
    """Like every cache: one warning that names the file and shows no article text, then a clean cache."""
    cache = tmp_path / "cache" / "translations.sqlite"
    sources = cache.parent / SOURCE_CACHE_FILE
    args = ["build", str(seeds_dir), "--out", str(tmp_path / "out"), "--no-translate", "--cache", str(cache),
            "--creation-date", "2025-11-01T07:00:00", "--today", "2026-11-22"]
    assert runner.invoke(main, args).exit_code == 0
    data = sources.read_bytes()
    text = b"VietLeap AI Accelerator"
    assert data.count(text) == 1
    sources.write_bytes(data.replace(text, b"VietLeap \xff\xfe Accelerator"))  # a flipped page: same size
    damaged = runner.invoke(main, args)
    assert damaged.exit_code == 0, damaged.output
    warnings = [line for line in damaged.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: source cache {sources} is damaged (1 row(s) no longer match what was stored); "
                        f"moved to {sources}.corrupt and rebuilt"]
    assert "VietLeap" not in damaged.stderr and "Traceback" not in damaged.output
    assert (cache.parent / (SOURCE_CACHE_FILE + ".corrupt")).is_file()
    again = runner.invoke(main, args)
    assert again.exit_code == 0
    assert "warning:" not in again.stderr  # rebuilt for good: no warning on every run
