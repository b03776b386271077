"""Independent work on several cores or machines, through the standard `concurrent.futures.Executor` interface.

`pool(jobs, cluster)` is the one place executors are made: None for one job (the work stays in this process),
a local process pool for `--jobs N`, or a Dask `distributed` cluster's executor for `--cluster ADDRESS`
(cluster.py). Each is a `Pool`: an executor that knows how many tasks it runs at once, which is what chunk
sizes come from. The local pool's workers die with the process that started them, even when it is killed
(`die_with_parent`).

Stages hand work over with `run_all` (one call per item) or `map_chunks` (one call per chunk of items, for work
with a start-up cost such as an engine's processes). Both submit chunks of items, keep a bounded number of
them in flight (so what the driver ships, such as the bytes of files, is never all in memory at once), and
return the results in the items' order: the output never depends on how many workers ran or which finished
first. Any executor works as long as the function and items pickle; a function run on a worker must not read
or write this machine's files or caches (the driver keeps those).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, ParamSpec, TypeVar

from briefing.errors import WorkerLost
from briefing.runtime import progress

PARALLEL_CHUNKS_PER_WORKER = 4  # small enough chunks that a slow one does not hold the others up, few enough to ship
# ...and never more items than this in one chunk: 20,000 articles in 8 chunks would ship ~8 MB each and hold all
# of them in flight; 200 keeps a chunk under ~1 MB of text while a task still lasts far longer than its overhead
# (a Dask task costs ~1 ms to schedule, a chunk of 200 summaries ~2 s)
PARALLEL_CHUNK_MAX_ITEMS = 200
PARALLEL_IN_FLIGHT_PER_WORKER = 2  # chunks submitted ahead per worker: one running, one waiting to start
PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h): the signal a process gets when its parent ends
# The most worker processes on one machine (--jobs, --cluster local:N). Each forked worker costs ~5 MB and its
# start; 512 on a 2-core machine took 37 s and 2.7 GB for five files, 100,000 never finished. 128 is more
# than any one machine's cores today and still starts in a few seconds.
LOCAL_WORKERS_MAX = 128

Item = TypeVar("Item")
Result = TypeVar("Result")
P = ParamSpec("P")
T = TypeVar("T")


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Pool(Executor):
    """An executor and the number of tasks it runs at once (`workers`), for chunk sizes."""

    def __init__(self, inner: Executor, workers: Callable[[], int], name: str) -> None:
        self._inner = inner
        self._workers = workers
        self.name = name  # shown to the user: "2 local processes", "the Dask cluster at tcp://…"

    @property
    def workers(self) -> int:
        """Tasks that run at once (a cluster's may change while it runs)."""
        return max(1, self._workers())

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Schedule fn(*args, **kwargs) on a worker."""
        return self._inner.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the inner executor."""
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)


def workers_of(executor: Executor | None) -> int:
    """How many tasks `executor` runs at once: a `Pool` knows; another executor is taken for this machine's cores."""
    if executor is None:
        return 1
    return executor.workers if isinstance(executor, Pool) else default_jobs()


@contextlib.contextmanager
def pool(jobs: int, cluster: str | None = None) -> Iterator[Pool | None]:
    """Where per-article work runs: on `cluster` ("tcp://host:8786", or "local:N" for N worker processes on
    this machine) when given, else on a process pool of `jobs` workers (None for one job: in this process).

    Raises ClusterError (one line, naming the address) when the cluster cannot be reached or used, and
    WorkerLost when a local worker process dies (the pool cannot go on without it).
    """
    if cluster is not None:
        from briefing.runtime import cluster as dask_cluster

        with dask_cluster.connect(cluster) as executor:
            yield executor
        return
    if jobs <= 1:
        yield None
        return
    # fork: the workers start with every module the parent imported, instead of importing them again each
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    start = functools.partial(_start_worker, os.getpid())
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=start) as executor:
            yield Pool(executor, lambda: jobs, f"{jobs} local processes")
    except BrokenProcessPool:
        raise WorkerLost(f"a worker process (of --jobs {jobs}) ended in the middle of its work: it was killed, or "
                         "the machine ran out of memory; run again, with fewer --jobs if it happens again") from None


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


def _tracker(stage: str | None, total: int) -> progress.Tracker:
    """The progress shown for `stage` over `total` items; none for a stage without a name."""
    return progress.start(stage, total) if stage else progress.SILENT.start("", 0)


def run_all(
    executor: Executor | None, function: Callable[[Item], Result], items: Sequence[Item], *, stage: str | None,
    ship: Callable[[Item], Any] | None = None,
) -> list[Result]:
    """function(item) for every item, in the items' order, on the executor's workers (here without one).

    `stage` names the work in the progress shown to the user (None: no progress shown). `ship`, with an
    executor, turns each item into what is sent to the worker just before its chunk is submitted (the
    driver reading a file's bytes, say); `function` then gets that instead of the item.
    """
    items = list(items)
    if executor is None or len(items) < 2:
        tracker = _tracker(stage, len(items))
        try:
            results = []
            for item in items:
                results.append(function(item))
                tracker.advance(1)
            return results
        finally:
            tracker.finish()
    chunked = _in_chunks(executor, _Apply(function), items, stage=stage, ship=ship, largest=PARALLEL_CHUNK_MAX_ITEMS,
                         per_worker=PARALLEL_CHUNKS_PER_WORKER)
    return [result for chunk in chunked for result in chunk]


class _Apply:
    """function applied to each item of a chunk (a class, so it pickles by reference to `function`)."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function

    def __call__(self, chunk: Sequence[Any]) -> list[Any]:
        return [self.function(item) for item in chunk]


def map_chunks(
    executor: Executor | None, function: Callable[[list[Item]], Sequence[Result]], items: Sequence[Item], *,
    stage: str | None, largest: int = PARALLEL_CHUNK_MAX_ITEMS, per_worker: int = PARALLEL_CHUNKS_PER_WORKER,
) -> list[Result]:
    """function(chunk) for chunks of the items, one result per item, in the items' order.

    For work that pays a start-up cost per call (an engine's processes, a model's batch): without an executor
    `function` gets every item at once; with one, the items are cut into about `per_worker` chunks per worker,
    of at most `largest` items each.
    """
    items = list(items)
    if not items:
        return []
    if executor is None:
        tracker = _tracker(stage, len(items))
        try:
            results = list(function(items))
            tracker.advance(len(items))
            return results
        finally:
            tracker.finish()
    chunks = _in_chunks(executor, function, items, stage=stage, ship=None, largest=largest, per_worker=per_worker)
    return [result for chunk in chunks for result in chunk]


def _in_chunks(executor: Executor, function: Callable[[list[Any]], Sequence[Any]], items: list[Any], *,
               stage: str | None, ship: Callable[[Any], Any] | None, largest: int,
               per_worker: int) -> list[Sequence[Any]]:
    """function(chunk) for each chunk, in order; at most PARALLEL_IN_FLIGHT_PER_WORKER chunks per worker
    submitted and not yet collected."""
    workers = workers_of(executor)
    size = max(1, min(largest, -(-len(items) // (workers * per_worker))))
    starts = range(0, len(items), size)
    tracker = _tracker(stage, len(items))
    done: list[Sequence[Any]] = []
    waiting: deque[tuple[Future[Sequence[Any]], int]] = deque()
    try:
        for start in starts:
            chunk = items[start:start + size]
            while len(waiting) >= workers * PARALLEL_IN_FLIGHT_PER_WORKER:
                done.append(_collect(waiting.popleft(), tracker))
            sent = [ship(item) for item in chunk] if ship is not None else chunk
            waiting.append((executor.submit(function, sent), len(chunk)))
        while waiting:
            done.append(_collect(waiting.popleft(), tracker))
        return done
    finally:
        for future, _ in waiting:
            future.cancel()
        tracker.finish()


def _collect(entry: tuple[Future[Sequence[Any]], int], tracker: progress.Tracker) -> Sequence[Any]:
    future, count = entry
    result = future.result()
    if len(result) != count:
        raise RuntimeError(f"a worker returned {len(result)} results for {count} items")
    tracker.advance(count)
    return result
