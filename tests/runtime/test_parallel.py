"""Work on several processes: results in the items' order, and a build identical to a one-process build."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from briefing.cli import main
from briefing.errors import WorkerLost
from briefing.runtime import parallel
from tests.conftest import ROOT
from tests.runtime.conftest import orangesum_jsonl, square_and_pid, square_or_die


def test_run_all_keeps_the_items_order_across_worker_processes() -> None:
    with parallel.pool(2) as executor:
        assert executor is not None
        results = parallel.run_all(executor, square_and_pid, range(200), stage="test")
    assert [square for square, _ in results] == [n * n for n in range(200)]
    assert os.getpid() not in {pid for _, pid in results}  # the work ran in the pool


def test_a_worker_killed_mid_work_stops_the_run_with_one_line_saying_so() -> None:
    with pytest.raises(WorkerLost) as caught, parallel.pool(2) as executor:
        parallel.run_all(executor, square_or_die, range(20), stage="test")
    assert str(caught.value) == ("a worker process (of --jobs 2) ended in the middle of its work: it was killed, or "
                                 "the machine ran out of memory; run again, with fewer --jobs if it happens again")


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


def _children(pid: int) -> set[int]:
    """The processes `pid` started that are still running (from /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(child) for child in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    """Whether `pid` still runs (a zombie waiting to be reaped has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_workers_die_with_a_killed_build(shared_dir: Path, tmp_path: Path) -> None:
    """kill -9 of a `--jobs 2` build mid-run leaves no worker behind (several times: it used to be 1 in 8)."""
    source = orangesum_jsonl(shared_dir, tmp_path / "week.jsonl", 1500)
    for attempt in range(3):
        stderr = tmp_path / f"stderr-{attempt}.txt"
        with stderr.open("w") as err:
            build = subprocess.Popen(
                [sys.executable, "-m", "briefing", "build", str(source), "--jobs", "2", "--no-translate",
                 "--no-cache", "--out", str(tmp_path / "out"), "--today", "2026-11-22"],
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.monotonic() + 120
            workers: set[int] = set()
            while time.monotonic() < deadline and build.poll() is None:
                workers |= _children(build.pid)
                if len(workers) >= 2 and re.search(r"(clean|summarize): \d+/", stderr.read_text()):
                    break
                time.sleep(0.05)
            assert build.poll() is None and len(workers) >= 2, stderr.read_text()
            time.sleep(0.2 * attempt)  # a little later in the run each time
            os.kill(build.pid, signal.SIGKILL)
            build.wait()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
                time.sleep(0.05)
            assert [pid for pid in workers if _alive(pid)] == [], f"attempt {attempt}: workers outlived the build"
        finally:
            for pid in _children(build.pid) | workers:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
