"""What the benchmarks measure a process with: CPU seconds and resident memory (Linux)."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """User + system CPU seconds of this process (RUSAGE_SELF), or of its children it has waited for
    (RUSAGE_CHILDREN)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def memory_mb(field: str) -> float:
    """VmRSS (resident now) or VmHWM (the peak since the last reset through /proc/self/clear_refs) of this
    process, in MB."""
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def median_cpu(work: Callable[[], object], runs: int) -> float:
    """The median CPU seconds (this process) of `runs` calls of `work`."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times)
