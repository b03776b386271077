"""Work on several processes: results in the items' order, and a build identical to a one-process build."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from briefing.cli import main
from briefing.runtime import parallel
from tests.runtime.conftest import orangesum_jsonl, square_and_pid


def test_run_all_keeps_the_items_order_across_worker_processes() -> None:
    with parallel.pool(2) as executor:
        assert executor is not None
        results = parallel.run_all(executor, square_and_pid, range(200), stage="test")
    assert [square for square, _ in results] == [n * n for n in range(200)]
    assert os.getpid() not in {pid for _, pid in results}  # the work ran in the pool


def test_one_job_runs_here_without_a_pool() -> None:
    with parallel.pool(1) as executor:
        assert executor is None
        assert parallel.run_all(executor, square_and_pid, [3], stage="test") == [(9, os.getpid())]


@pytest.mark.parametrize("layout", ["one JSONL file", "a folder of files"])
def test_jobs_1_and_jobs_2_write_byte_identical_json(runner: Any, shared_dir: Path, seeds_dir: Path,
                                                     tmp_path: Path, layout: str) -> None:
    if layout == "one JSONL file":  # the records of a single source are cleaned in parallel
        sources = [str(orangesum_jsonl(shared_dir, tmp_path / "week.jsonl", 40))]
    else:  # each file is read in parallel
        sources = [str(seeds_dir)]
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        result = runner.invoke(main, [
            "build", *sources, "--out", str(out), "--no-translate", "--no-cache", "--jobs", jobs,
            "--today", "2026-11-22", "--creation-date", "2026-11-22T07:00:00",
        ])
        assert result.exit_code == 0, result.output
        [json_file] = out.glob("*.json")
        outputs.append(json_file.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])["sections"]) >= 1
