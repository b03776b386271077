"""Logging for the library. One place says what each level means.

- ERROR: a stage failed for the whole run (the CLI also exits non-zero).
- WARNING: one item was skipped or degraded (a file skipped, a sentence left untranslated, a cache rebuilt).
- INFO: progress a user wants on a long run (stage started, N of M done, files written).
- DEBUG: detail for developers (timings, chosen parameters).

The library only logs; `cli.py` decides where the messages go.
"""

import logging

LOGGER = logging.getLogger("briefing")


def get_logger(name: str) -> logging.Logger:
    """A child logger of 'briefing' for one module."""
    return LOGGER.getChild(name.rsplit(".", 1)[-1])
