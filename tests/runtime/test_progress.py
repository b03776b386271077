"""Progress: a line every tenth of a stage when stderr is not a terminal, the last one when it is done."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.runtime import parallel, progress
from tests.runtime.conftest import square_and_pid


def test_progress_lines_without_a_terminal(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="briefing")
    parallel.run_all(None, square_and_pid, range(50), stage="count")
    assert caplog.messages == [f"count: {n}/50" for n in range(5, 51, 5)]


def test_the_last_progress_line_says_the_stage_finished(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="briefing")
    parallel.run_all(None, square_and_pid, range(5), stage="read")
    assert caplog.messages == ["read: 1/5", "read: 2/5", "read: 3/5", "read: 4/5", "read: 5/5"]
    caplog.clear()
    with parallel.pool(2) as executor:  # chunks done on workers: still one line per tenth, and the end
        parallel.run_all(executor, square_and_pid, range(23), stage="read")
    assert caplog.messages[-1] == "read: 23/23"
    assert len(caplog.messages) == len(set(caplog.messages))


def test_a_command_leaves_logging_and_progress_as_it_found_them(runner: CliRunner) -> None:
    """A program (or a test) that runs several commands in one process sees nothing piling up."""
    logger = logging.getLogger("briefing")
    before = (logger.handlers[:], logger.propagate, logger.level, progress.start("x", 0).__class__)
    for args in (["-v", "init", "--help"], ["-q", "summarize"], ["summarize", "--input", "missing.jsonl"]):
        runner.invoke(main, args, input="")
        assert (logger.handlers, logger.propagate, logger.level, progress.start("x", 0).__class__) == before, args
