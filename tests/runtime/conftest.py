"""Shared by the runtime tests: work for the worker processes."""

from __future__ import annotations

import os


def square_and_pid(number: int) -> tuple[int, int]:
    return number * number, os.getpid()
