"""Independent work items on several cores, through the standard `concurrent.futures.Executor` interface.

Stages take an `Executor` (or None for this process) and hand it work with `run_all`, which submits
chunks of items and returns the results in the items' order, so the output never depends on how many
workers ran or which finished first. Any executor works: the local process pool that `pool(jobs)` opens,
or a cluster's (a Dask `distributed` client's `get_executor()`), as long as the function and items pickle.
The local pool's workers die with the process that started them, even when it is killed (`die_with_parent`).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TypeVar

from briefing.runtime import progress

PARALLEL_CHUNKS_PER_WORKER = 4  # small enough chunks that a slow one does not hold the others up, few enough to ship
PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h): the signal a process gets when its parent ends

Item = TypeVar("Item")
Result = TypeVar("Result")


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def pool(jobs: int) -> Iterator[Executor | None]:
    """A process pool of `jobs` workers (None for one job: the work stays in this process)."""
    if jobs <= 1:
        yield None
        return
    # fork: the workers start with every module the parent imported, instead of importing them again each
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    start = functools.partial(_start_worker, os.getpid())
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=start) as executor:
        yield executor


def _start_worker(parent: int) -> None:
    """Run first in each pool worker: die with the parent, show no progress (the parent shows the stage)."""
    die_with_parent(parent)
    progress.silence()


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when `parent` (the process that started it) ends, however it ends.

    A `kill -9` of a build gives its workers no chance to notice: forked workers hold each other's ends of
    the pool's pipes, so without this they could wait for work forever. Linux only (prctl PR_SET_PDEATHSIG);
    elsewhere nothing is done. If the parent ended before the signal was armed, the process exits now.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl to call: the pool still works, as before
        return
    if os.getppid() != parent:
        os._exit(1)


def _run_chunk(function: Callable[[Item], Result], chunk: Sequence[Item]) -> list[Result]:
    return [function(item) for item in chunk]


def run_all(
    executor: Executor | None, function: Callable[[Item], Result], items: Sequence[Item], *, stage: str | None,
) -> list[Result]:
    """function(item) for every item, in the items' order, on the executor's workers (here without one).

    `stage` names the work in the progress shown to the user (None: no progress shown).
    """
    items = list(items)
    tracker = progress.start(stage, len(items)) if stage else progress.SILENT.start("", 0)
    try:
        if executor is None or len(items) < 2:
            results = []
            for item in items:
                results.append(function(item))
                tracker.advance(1)
            return results
        workers = getattr(executor, "_max_workers", None) or default_jobs()
        size = max(1, -(-len(items) // (workers * PARALLEL_CHUNKS_PER_WORKER)))
        chunks = [items[start:start + size] for start in range(0, len(items), size)]
        futures = [executor.submit(_run_chunk, function, chunk) for chunk in chunks]
        for future, chunk in zip(futures, chunks, strict=True):
            future.result()
            tracker.advance(len(chunk))
        return [result for future in futures for result in future.result()]
    finally:
        tracker.finish()
