"""Progress a person can follow: a bar per stage on a terminal, a few plain log lines elsewhere.

Stages call `start(stage, total)` and advance the tracker it returns. What the user sees is chosen
once by the CLI with `use(...)`: `Bars()` (rich progress bars on stderr) when stderr is a terminal,
else the default, `LogLines()`, which logs "<stage>: n/total" at INFO every tenth of the way and when the
stage is done (cron, CI).
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from briefing.log import get_logger

PROGRESS_LOG_STEPS = 10  # without a terminal, a progress line every tenth of a stage: readable in a cron mail

log = get_logger(__name__)


class Tracker(Protocol):
    """One stage's progress."""

    def advance(self, count: int) -> None:
        """`count` more items done."""

    def finish(self) -> None:
        """The stage is over (safe to call twice)."""


class Display(Protocol):
    """Where trackers show their progress."""

    def start(self, stage: str, total: int) -> Tracker:
        """A tracker for a stage of `total` items."""


class _LogTracker:
    def __init__(self, stage: str, total: int) -> None:
        self.stage, self.total, self.done = stage, total, 0
        self.step = max(1, -(-total // PROGRESS_LOG_STEPS))
        self.started = time.perf_counter()
        self.finished = False

    def advance(self, count: int) -> None:
        before, self.done = self.done, self.done + count
        # every tenth of the way, and the last item: the last line says the stage finished ("read: 5/5")
        ended = before < self.total <= self.done
        if ended or (self.done < self.total and before // self.step != self.done // self.step):
            log.info("%s: %d/%d", self.stage, self.done, self.total)

    def finish(self) -> None:
        if not self.finished:
            self.finished = True
            log.debug("%s: %d item(s) in %.1f s", self.stage, self.done, time.perf_counter() - self.started)


class LogLines:
    """Plain log lines: "<stage>: n/total" at INFO every tenth of a stage, the last one "<stage>: total/total"."""

    def start(self, stage: str, total: int) -> Tracker:
        """A tracker that logs."""
        return _LogTracker(stage, total)


class _Quiet:
    def advance(self, count: int) -> None:
        pass

    def finish(self) -> None:
        pass


class Silent:
    """No progress at all (pool workers: their parent shows the stage)."""

    def start(self, stage: str, total: int) -> Tracker:
        """A tracker that shows nothing."""
        return _Quiet()


SILENT = Silent()


class _BarTracker:
    def __init__(self, bars: Any, stage: str, total: int) -> None:
        self.bars = bars
        self.task = bars.add_task(stage, total=total)
        self.finished = False

    def advance(self, count: int) -> None:
        self.bars.advance(self.task, count)

    def finish(self) -> None:
        if not self.finished:
            self.finished = True
            self.bars.stop_task(self.task)


class Bars:
    """rich progress bars on stderr, one line per stage with its name, counts and time left."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bars = Progress(
            TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=Console(stderr=True), transient=False,
        )

    def start(self, stage: str, total: int) -> Tracker:
        """A bar for the stage (started on first use)."""
        self.bars.start()
        return _BarTracker(self.bars, stage, total)

    def echo(self, line: str) -> None:
        """Print a line of text above the bars (log messages), never inside them."""
        self.bars.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def close(self) -> None:
        """Stop drawing (the finished bars stay on screen)."""
        self.bars.stop()


_display: Display = LogLines()


def use(display: Display) -> Display:
    """Show progress on `display` from now on (the CLI's choice); returns the display used until now."""
    global _display
    before, _display = _display, display
    return before


def silence() -> None:
    """Show no progress from this process (run in each pool worker)."""
    use(SILENT)


def start(stage: str, total: int) -> Tracker:
    """A tracker for a stage of `total` items on the chosen display."""
    return _display.start(stage, total)
