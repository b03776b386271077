"""A Dask `distributed` cluster as a `parallel.Pool`: `--cluster tcp://host:8786`, or `--cluster local:N`.

An address connects to a running scheduler; "local:N" starts a `LocalCluster` of N worker processes on this
machine (one task each at a time) for the length of the run. Either way the driver checks, before any work,
that the workers can run this very briefing (same version importable on each), so a cluster set up wrong
fails at once with one line naming its address, never halfway through a week.

Workers need briefing and its dependencies installed (what `pip install briefing` brings, plus apertium or
the Argos models for translation); they read no file of the driver: the driver sends the bytes, texts and
articles they work on, and alone reads and writes the caches. A worker that dies mid-run costs time only:
the scheduler runs its tasks again on another worker (up to its `allowed-failures`, 3 by default), and the
results are the same.
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from collections.abc import Iterator
from typing import Any

from briefing import __version__
from briefing.errors import ClusterError
from briefing.log import get_logger
from briefing.runtime import progress
from briefing.runtime.jsonl import quoted
from briefing.runtime.parallel import LOCAL_WORKERS_MAX, Pool

log = get_logger(__name__)

CLUSTER_CONNECT_TIMEOUT_S = 10  # a scheduler on the network answers within a second; a wrong address fails fast
CLUSTER_WORKERS_TIMEOUT_S = 60  # a scheduler with no worker yet: workers that are starting get this long to join
LOCAL_CLUSTER = re.compile(r"local:(\d+)")  # "local:2": two worker processes on this machine
INSTALL_HINT = "pip install 'dask[distributed]'"


def _worker_setup() -> str:
    """Run on each worker before any work: no progress shown there (the driver shows it); the version it runs."""
    progress.silence()
    return __version__


@contextlib.contextmanager
def connect(address: str) -> Iterator[Pool]:
    """A Pool over the cluster at `address` (or a local one for "local:N"), closed on leaving the block.

    Raises ClusterError when dask is missing, the scheduler cannot be reached, no worker joins, or the
    workers cannot run this briefing.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError(f"--cluster needs Dask's distributed scheduler; install it with: {INSTALL_HINT}") from None
    local = LOCAL_CLUSTER.fullmatch(address.strip())
    # compared as digits first: int() refuses more than 4,300 of them
    if local and (len(local.group(1).lstrip("0")) > len(str(LOCAL_WORKERS_MAX))
                  or not 1 <= int(local.group(1)) <= LOCAL_WORKERS_MAX):
        raise ClusterError(f"--cluster {quoted(address)}: a local cluster has 1 to {LOCAL_WORKERS_MAX} workers")
    with contextlib.ExitStack() as stack:
        stack.enter_context(_quiet_dask())
        if local:
            count = int(local.group(1))
            try:
                cluster = stack.enter_context(LocalCluster(
                    n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None,
                    silence_logs=logging.ERROR,
                ))
            except Exception as exc:  # ports, processes, memory: whatever stops Dask starting its workers
                raise ClusterError(f"could not start a local Dask cluster of {count} workers "
                                   f"({_reason(exc)})") from None
            client = stack.enter_context(Client(cluster))
            name = f"a local Dask cluster of {count} worker processes"
        else:
            try:
                client = stack.enter_context(Client(address, timeout=CLUSTER_CONNECT_TIMEOUT_S))
            except Exception as exc:  # OSError, TimeoutError, ValueError for a malformed address
                raise ClusterError(f"cannot reach the Dask cluster at {address} ({_reason(exc)})") from None
            name = f"the Dask cluster at {address}"
        _check_workers(client, address)
        log.info("per-article work runs on %s (%d worker thread(s))", name, sum(client.nthreads().values()))
        executor = Pool(client.get_executor(pure=False), lambda: sum(client.nthreads().values()), name)
        try:
            yield executor
        except Exception as exc:
            failure = _cluster_failure(exc)
            if failure is None:
                raise
            raise ClusterError(f"the Dask cluster at {address} failed: {failure}") from None


def _check_workers(client: Any, address: str) -> None:
    """At least one worker, each running this briefing version; ClusterError otherwise."""
    try:
        client.wait_for_workers(1, timeout=CLUSTER_WORKERS_TIMEOUT_S)
    except Exception:
        raise ClusterError(f"the Dask cluster at {address} has no worker (none joined within "
                           f"{CLUSTER_WORKERS_TIMEOUT_S} s); start some with: dask worker {address}") from None
    try:
        versions = client.run(_worker_setup)
    except Exception as exc:  # typically ModuleNotFoundError: briefing is not installed on a worker
        raise ClusterError(f"the workers of the Dask cluster at {address} cannot run briefing ({_reason(exc)}); "
                           f"install briefing {__version__} on every worker") from None
    wrong = sorted({version for version in versions.values() if version != __version__})
    if wrong:
        raise ClusterError(f"the workers of the Dask cluster at {address} run briefing {', '.join(wrong)}, this is "
                           f"{__version__}; install the same version everywhere")


def _cluster_failure(exc: BaseException) -> str | None:
    """What went wrong with the cluster itself (not with briefing's own code), or None."""
    from distributed import KilledWorker
    from distributed.comm import CommClosedError

    if isinstance(exc, KilledWorker):
        return "a task ended its worker too many times (it runs out of memory, or crashes it)"
    if isinstance(exc, CommClosedError | ConnectionError):
        return f"the connection to the scheduler was lost ({_reason(exc)})"
    return None


def _reason(exc: BaseException) -> str:
    """An exception as one short line."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


@contextlib.contextmanager
def _quiet_dask() -> Iterator[None]:
    """Dask's own notes (large task graphs, closing comms at shutdown) kept off the user's screen."""
    loggers = [logging.getLogger(name) for name in ("distributed", "tornado", "asyncio")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="distributed")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
