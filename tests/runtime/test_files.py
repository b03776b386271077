"""Publishing output files: a set of files replaces the previous set whole, or not at all (real files)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from briefing.runtime.files import publish_together, remove_stale_temporaries


def _old_set(folder: Path) -> dict[str, bytes]:
    for name in ("b.pdf", "b.html", "b.json"):
        (folder / name).write_bytes(f"old {name}".encode())
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_set_replaces_the_previous_one(tmp_path: Path) -> None:
    _old_set(tmp_path)
    publish_together([(tmp_path / n, f"new {n}".encode()) for n in ("b.pdf", "b.html", "b.json", "b.txt")])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        n: f"new {n}".encode() for n in ("b.pdf", "b.html", "b.json", "b.txt")}


def test_a_rename_that_fails_puts_back_the_files_already_replaced(tmp_path: Path) -> None:
    before = _old_set(tmp_path)
    (tmp_path / "b.txt").mkdir()  # the third target cannot be replaced by a file
    with pytest.raises(OSError):
        publish_together([(tmp_path / n, f"new {n}".encode()) for n in ("b.pdf", "b.html", "b.txt", "b.json")])
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before  # old PDF and HTML back, JSON never touched, no temporary file left


def test_only_old_temporary_files_are_removed(tmp_path: Path) -> None:
    stale, fresh, other = (tmp_path / ".briefing-x.pdf.a1.tmp", tmp_path / ".briefing-x.pdf.b2.tmp",
                           tmp_path / ".notes.tmp")
    for path in (stale, fresh, other):
        path.write_bytes(b"x")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    os.utime(other, (time.time() - 7200, time.time() - 7200))
    assert remove_stale_temporaries(tmp_path, "briefing-", 3600) == [stale]
    assert not stale.exists() and fresh.exists() and other.exists()
