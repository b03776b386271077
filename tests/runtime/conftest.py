"""Shared by the runtime tests: work for the worker processes, a week of real articles, a real Dask cluster."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefing.runtime.parallel import die_with_parent
from tests.conftest import ROOT

DASK_START_TIMEOUT_S = 120  # a loaded CI machine imports dask and briefing slowly


def square_and_pid(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


def square_or_die(number: int) -> int:
    """The square of `number`; the worker process given 7 is killed as the OOM killer would (SIGKILL)."""
    if number == 7:
        os.kill(os.getpid(), signal.SIGKILL)
    return number * number


def orangesum_jsonl(shared_dir: Path, path: Path, count: int) -> Path:
    """`count` French articles as one JSONL source, dated inside ISO week 2019-W23."""
    with (shared_dir / "eval" / "orangesum_valid.jsonl").open(encoding="utf-8") as handle:
        rows = [json.loads(line) for _, line in zip(range(count), handle, strict=False)]
    records = [{"title": r["title"], "text": r["article"], "date": f"2019-06-{3 + i % 7:02d}", "lang": "fr",
                "url": f"https://example.org/{r['id']}"} for i, r in enumerate(rows)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@dataclass
class DaskCluster:
    """A real `dask scheduler` and `dask worker` processes on 127.0.0.1 (free ports), for one test."""

    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]]

    def kill_worker(self, number: int) -> None:
        """SIGKILL one worker (and anything it started), as a crash or the OOM killer would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.workers[number].pid, signal.SIGKILL)


def _environment() -> dict[str, str]:
    """The workers import this checkout's briefing, single-threaded maths, and the tests' cache folders."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def _start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    """`command` in its own process group (killing it kills what it started), killed by the kernel if the
    test run itself is killed (a SIGTERM to pytest runs no `finally`: the workers stayed up, busy)."""
    parent = os.getpid()
    with log.open("wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=_environment(),
                                start_new_session=True, preexec_fn=lambda: die_with_parent(parent))


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=10)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):  # whatever is left of its group
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def dask_cluster(folder: Path, workers: int = 2) -> Iterator[DaskCluster]:
    """A scheduler and `workers` workers (one thread each, no nanny: a killed worker stays dead) on 127.0.0.1;
    every process is killed on leaving, whatever happened."""
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "scheduler.json"
    started: list[subprocess.Popen[bytes]] = []
    try:
        scheduler = _start([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                            "--port", "0", "--no-dashboard", "--scheduler-file", str(info)], folder / "scheduler.log")
        started.append(scheduler)
        deadline = time.monotonic() + DASK_START_TIMEOUT_S
        while not info.is_file() or not info.read_text(encoding="utf-8").strip():
            if scheduler.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the dask scheduler did not start: {(folder / 'scheduler.log').read_text()[-2000:]}")
            time.sleep(0.2)
        address = json.loads(info.read_text(encoding="utf-8"))["address"]
        pool = []
        for number in range(workers):
            pool.append(_start([sys.executable, "-m", "distributed.cli.dask_worker", address, "--host", "127.0.0.1",
                                "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", f"worker-{number}"],
                               folder / f"worker-{number}.log"))
            started.append(pool[-1])
        with Client(address, timeout=DASK_START_TIMEOUT_S) as client:
            client.wait_for_workers(workers, timeout=DASK_START_TIMEOUT_S)
        yield DaskCluster(address, scheduler, pool)
    finally:
        for process in reversed(started):
            _stop(process)
