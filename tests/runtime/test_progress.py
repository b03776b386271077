"""Progress: a line every tenth of a stage when stderr is not a terminal."""

from __future__ import annotations

import logging

import pytest

from briefing.runtime import parallel
from tests.runtime.conftest import square_and_pid


def test_progress_lines_without_a_terminal(caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logging.getLogger("briefing"), "propagate", True)  # a CLI test may have turned it off
    caplog.set_level(logging.INFO, logger="briefing")
    parallel.run_all(None, square_and_pid, range(50), stage="count")
    assert caplog.messages == [f"count: {n}/50" for n in range(5, 50, 5)]
