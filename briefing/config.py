"""The config file: defaults for every command's options, from `briefing.toml` or `--config PATH`.

Layout: top-level keys apply to every command that has such an option; a table per command
(`[build]`, `[email]`, …) overrides them for that command. Keys are option names with '_' or '-'.
Command-line options always win (click's `default_map`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from briefing.errors import BadConfig

DEFAULT_CONFIG = Path("briefing.toml")
COMMANDS = ("build", "email", "ingest", "summarize", "translate", "themes")


def load(path: Path | None) -> dict[str, Any]:
    """The parsed config: `path`, else ./briefing.toml when present, else empty."""
    if path is None:
        if not DEFAULT_CONFIG.is_file():
            return {}
        path = DEFAULT_CONFIG
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise BadConfig(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadConfig(f"{path}: not valid TOML ({exc}); fix it or run 'briefing init' for an example") from None
    except OSError as exc:
        raise BadConfig(f"{path}: cannot read config file ({exc.strerror})") from None


def load_default_map(path: Path | None) -> dict[str, dict[str, Any]]:
    """click's `default_map`: per-command defaults from the config file."""
    data = load(path)
    shared = {_key(k): v for k, v in data.items() if not isinstance(v, dict)}
    result: dict[str, dict[str, Any]] = {}
    for command in COMMANDS:
        table = data.get(command, {})
        if not isinstance(table, dict):
            raise BadConfig(f"{path or DEFAULT_CONFIG}: [{command}] must be a table")
        result[command] = {**shared, **{_key(k): v for k, v in table.items()}}
    return result


def _key(name: str) -> str:
    return name.replace("-", "_")
