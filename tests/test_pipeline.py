"""The orchestrator's own logic: period selection, and the inputs fingerprint that lets an email run reuse a
build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import os
import shutil
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import pipeline
from briefing.cli import main
from briefing.options import BuildOptions
from briefing.pipeline import select_period
from briefing.runtime.shipped import TEMPLATES_DIR
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


def _same_size_and_time(path: Path, old: bytes, new: bytes) -> None:
    """Replace `old` by `new` (as long) in `path`, keeping its size and modification time."""
    assert len(old) == len(new)
    before = path.stat()
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def _mailed_text(eml: Path) -> str:
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    return " ".join(body.get_content().split())


@pytest.mark.slow
def test_a_source_changed_in_place_is_never_mailed_stale(runner: CliRunner, seeds_dir: Path, tmp_path: Path) -> None:
    """Same size, same modification time, other bytes: the digest is built again from the new bytes."""
    source = tmp_path / "news" / "article.txt"
    source.parent.mkdir()
    shutil.copyfile(next(seeds_dir.glob("000_*.txt")), source)
    out = tmp_path / "out"
    args = ["email", str(source.parent), "--no-translate", "--week", "2025-W40", "--today", "2026-11-22",
            "--out", str(out), "--to", "team@example.org", "--from", "briefing@example.org", "--plain",
            "--dry-run"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "VietLeap" in _mailed_text(out / "briefing-2025-W40.eml")
    _same_size_and_time(source, b"VietLeap", b"VietJump")
    second = runner.invoke(main, args)
    assert second.exit_code == 0, second.output
    assert "reusing" not in second.output
    text = _mailed_text(out / "briefing-2025-W40.eml")
    assert "VietJump" in text and "VietLeap" not in text


@pytest.mark.parametrize("which", ["themes", "glossary", "template"])
def test_inputs_fingerprint_follows_the_bytes_of_themes_glossary_and_templates(tmp_path: Path, seeds_dir: Path,
                                                                               which: str) -> None:
    themes, glossary, templates = tmp_path / "themes.toml", tmp_path / "glossary.toml", tmp_path / "templates"
    shutil.copyfile(TEMPLATES_DIR / "themes.toml", themes)
    glossary.write_text('"start-up" = "startup"\n', encoding="utf-8")
    templates.mkdir()
    shutil.copyfile(TEMPLATES_DIR / "briefing.txt", templates / "briefing.txt")
    options = BuildOptions(sources=(str(seeds_dir),), out_dir=tmp_path / "out", themes_file=themes,
                           glossary=glossary, templates_dir=templates, today=dt.date(2026, 11, 23))
    first = pipeline.inputs_fingerprint(options)
    edited = {"themes": themes, "glossary": glossary, "template": templates / "briefing.txt"}[which]
    letter = next(bytes([b]) for b in edited.read_bytes() if ord("a") <= b <= ord("z"))
    _same_size_and_time(edited, letter, letter.upper())
    assert pipeline.inputs_fingerprint(options) != first


def _damage(cache: Path, how: str) -> None:
    import json

    if how == "deep":
        cache.write_text("[" * 100_000, encoding="utf-8")
        return
    data = json.loads(cache.read_text(encoding="utf-8"))
    for entry in data.values():
        if how == "no-json-name":
            del entry["files"]["json"]
        elif how == "files-a-list":
            entry["files"] = [1]
        elif how == "no-hashes":
            del entry["sha256"]
        elif how == "paths-elsewhere":  # and their hashes, as whoever wrote the file would give them
            entry["files"]["txt"] = "/etc/os-release"
            entry["files"]["pdf"] = "../briefing-stolen.pdf"
            entry["sha256"]["txt"] = pipeline._file_hash(Path("/etc/os-release"))
        elif how == "count-a-text":
            entry["read"] = "5"
    cache.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("how", ["no-json-name", "files-a-list", "no-hashes", "paths-elsewhere", "count-a-text",
                                 "deep", "text-edited"])
def test_a_damaged_or_doctored_build_record_costs_a_rebuild_never_a_traceback_or_a_foreign_file(
        runner: CliRunner, seeds_dir: Path, tmp_path: Path, how: str) -> None:
    """Each damage was a traceback (TypeError, AttributeError, KeyError, RecursionError), and a record naming
    /etc/os-release as the text file mailed it (only the JSON file's hash was checked)."""
    out = tmp_path / "out"
    args = ["email", str(seeds_dir), "--no-translate", "--out", str(out), "--to", "team@example.org",
            "--from", "briefing@example.org", "--plain", "--dry-run", "--attach-pdf"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    (eml,) = out.glob("briefing-*.eml")
    if how == "text-edited":
        (txt,) = out.glob("briefing-*.txt")
        txt.write_text("Not what was built.\n", encoding="utf-8")
    else:
        _damage(out / pipeline.BUILD_CACHE_FILE, how)
    again = runner.invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "reusing" not in again.output and "Traceback" not in again.output
    text = _mailed_text(eml)
    assert "Made by briefing" in text and "Not what was built" not in text
    if Path("/etc/os-release").is_file():
        assert Path("/etc/os-release").read_text(encoding="utf-8").split()[0] not in text
    assert runner.invoke(main, args).output.count("reusing") == 1  # the rebuilt record is sound again
