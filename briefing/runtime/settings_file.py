"""Reading the TOML files a user writes (the config, a themes file, a glossary), each hostile until read.

A settings file is a few kilobytes of hand-written keys: one larger than SETTINGS_FILE_MAX_BYTES is refused
before it is read (`--config /dev/zero` otherwise fills memory), it must be UTF-8, and brackets nested past
what Python's TOML parser can follow (it recurses) are refused instead of ending in a RecursionError.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

from briefing.runtime.jsonl import listed, quoted

# The largest config, themes file or glossary read: 1 MB holds thousands of themes or glossary terms (the
# shipped ones are 2-4 KB); a theme's description is embedded, so a bigger file is also a slow one.
SETTINGS_FILE_MAX_BYTES = 1 << 20


class SettingsFileProblem(ValueError):
    """Why a settings file cannot be used, in words that end a sentence ("not valid TOML (...)")."""


def read_toml(path: Path, max_bytes: int = SETTINGS_FILE_MAX_BYTES) -> dict[str, Any]:
    """The TOML document at `path`. Raises FileNotFoundError when there is none, and SettingsFileProblem
    when it is not a readable file, larger than `max_bytes`, not UTF-8, not valid TOML or nested too deep."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise SettingsFileProblem(f"cannot be read ({exc.strerror or exc.__class__.__name__})") from None
    if len(data) > max_bytes:
        raise SettingsFileProblem(f"larger than {max_bytes // 1024:,} KB; a settings file is a few kilobytes "
                                  "of keys")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SettingsFileProblem("not UTF-8 text; save it as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsFileProblem(f"not valid TOML ({exc})") from None
    except RecursionError:
        raise SettingsFileProblem("not valid TOML (brackets nested too deeply)") from None


def shown(value: Any) -> str:
    """A value from the command line or a settings file as a message shows it, cut as `quoted` and `listed`
    cut (runtime/jsonl.py): text quoted, a TOML date, number or list as written (2025-10-06, 12, true)."""
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    written = json.dumps(value, default=str, ensure_ascii=False) if isinstance(value, list | dict) else repr(value)
    return listed([written])  # cut as a listed value is
