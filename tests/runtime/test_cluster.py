"""Per-article work on a real Dask cluster (a `dask scheduler` and `dask worker` processes on 127.0.0.1): the
same files as a local build, most of the CPU on the workers, a worker killed mid-run costing only time, and a
cluster that cannot be reached or used reported in one line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from briefing.cli import main
from tests.conftest import SHARED
from tests.runtime.conftest import ROOT, dask_cluster, orangesum_jsonl

WEEK_ARTICLES = 300
BUILD_TIMEOUT_S = 900  # a 300-article week takes a minute or two; a loaded CI machine several
OUTPUTS = ("json", "html", "txt")


def build(source: Path, out: Path, *engine: str) -> tuple[dict[str, bytes], float]:
    """`briefing build` of `source` in a child process (as a user runs it): its output files by extension,
    and the CPU seconds of that process (and of the processes it waited for)."""
    command = [sys.executable, "-m", "briefing", "-q", "build", str(source), "--out", str(out), "--no-cache",
               "--today", "2019-06-10", "--creation-date", "2019-06-10T07:00:00", *engine]
    with (out.parent / f"{out.name}.log").open("w+", encoding="utf-8") as log:
        child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            if child.poll() is None:
                child.kill()
        log.seek(0)
        assert os.waitstatus_to_exitcode(status) == 0, log.read()[-3000:]
    files = {ext: next(out.glob(f"*.{ext}")).read_bytes() for ext in OUTPUTS}
    return files, usage.ru_utime + usage.ru_stime


def cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """CPU seconds of a running process and of the children it waited for (apertium)."""
    times = psutil.Process(process.pid).cpu_times()
    return times.user + times.system + times.children_user + times.children_system


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the checkout")
    return orangesum_jsonl(SHARED, tmp_path_factory.mktemp("week") / "week.jsonl", WEEK_ARTICLES)


@pytest.fixture(scope="module")
def local_build(week: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The week built in one process (--jobs 1): what every cluster build must give, byte for byte."""
    return build(week, tmp_path_factory.mktemp("local") / "out", "--jobs", "1")[0]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Any]:
    with dask_cluster(tmp_path / "dask") as running:
        yield running


@pytest.mark.slow
def test_a_week_built_on_a_dask_cluster_is_byte_identical_and_the_workers_do_the_work(
        week: Path, local_build: dict[str, bytes], cluster: Any, tmp_path: Path) -> None:
    before = [cpu_seconds(worker) for worker in cluster.workers]
    files, driver_cpu = build(week, tmp_path / "out", "--cluster", cluster.address)
    workers_cpu = sum(cpu_seconds(worker) for worker in cluster.workers) - sum(before)
    for ext in OUTPUTS:
        assert files[ext] == local_build[ext], f"the {ext} differs from the local build's"
    assert len(json.loads(files["json"])["articles"]) == WEEK_ARTICLES
    # reading, cleaning, summaries, embeddings, translation and story summaries ran on the workers; the
    # driver grouped, themed and rendered
    assert workers_cpu > driver_cpu, (workers_cpu, driver_cpu)


@pytest.mark.slow
def test_a_worker_killed_mid_run_costs_time_not_the_briefing(
        week: Path, local_build: dict[str, bytes], cluster: Any, tmp_path: Path) -> None:
    from distributed import Client

    killed = threading.Event()
    stop = threading.Event()

    def kill_when_busy() -> None:
        """Kill worker 0 as soon as it runs one of the build's tasks."""
        with Client(cluster.address, timeout=60) as client:
            while not stop.is_set():
                busy = {name for name, tasks in client.processing().items() if tasks}
                named = {info["name"]: address for address, info in client.scheduler_info()["workers"].items()}
                if named.get("worker-0") in busy:
                    cluster.kill_worker(0)
                    killed.set()
                    return
                time.sleep(0.05)

    watcher = threading.Thread(target=kill_when_busy, daemon=True)
    watcher.start()
    try:
        files, _ = build(week, tmp_path / "out", "--cluster", cluster.address)
    finally:
        stop.set()
        watcher.join(timeout=60)
    assert killed.is_set(), "worker 0 never got a task to be killed in"
    assert cluster.workers[0].wait(timeout=30) is not None  # it is dead, and the build still finished
    assert files["json"] == local_build["json"]


def test_stage_commands_on_a_dask_cluster_give_what_they_give_here(
        runner: Any, shared_dir: Path, cluster: Any, tmp_path: Path) -> None:
    source = orangesum_jsonl(shared_dir, tmp_path / "week.jsonl", 30)
    records = [{**json.loads(line), "id": str(n)} for n, line in enumerate(source.read_text().splitlines())]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    for command in (["summarize", "--input", str(source)], ["stories", "--input", str(source), "--no-translate"]):
        here = runner.invoke(main, command)
        there = runner.invoke(main, [*command, "--cluster", cluster.address])
        assert here.exit_code == there.exit_code == 0, there.output
        assert there.stdout == here.stdout
        assert len(here.stdout.splitlines()) >= (30 if command[0] == "summarize" else 10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("command", [["build"], ["summarize"]])
def test_a_cluster_that_cannot_be_reached_is_one_line_naming_the_address(
        runner: Any, seeds_dir: Path, tmp_path: Path, command: list[str]) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    args = [str(seeds_dir), "--out", str(tmp_path / "out")] if command == ["build"] else []
    result = runner.invoke(main, [*command, *args, "--cluster", address], input='{"id": "1", "text": "x"}\n')
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: cannot reach the Dask cluster at {address} (")


@pytest.mark.parametrize("count", ["0", "129", "100000", pytest.param("1" * 5_000, id="5000-digits")])
def test_a_local_cluster_of_no_worker_or_too_many_is_one_line(runner: Any, seeds_dir: Path, tmp_path: Path,
                                                              count: str) -> None:
    """(local:100000 was taken for a host name: "cannot reach tcp://local:100000 after 10 s".)"""
    result = runner.invoke(main, ["build", str(seeds_dir), "--out", str(tmp_path), "--cluster", f"local:{count}"])
    assert result.exit_code == 1
    assert result.stderr.endswith(": a local cluster has 1 to 128 workers\n") and "Traceback" not in result.output
