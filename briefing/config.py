"""The config file: defaults for every command's options, from `briefing.toml` or `--config PATH`.

Layout: top-level keys apply to every command that has such an option; a table per command
(`[build]`, `[email]`, `[stories]`, …: any command the CLI has) overrides them for that command.
Keys are option names with '_' or '-' (`out`, `themes`, `to`, `from`, `smtp_host`, …;
`translate = false` is `--no-translate`).
A key that is also a command's name (`themes = "my.toml"`, `translate = false`) is an option when it
is a value and that command's table when it is a table.
Command-line options always win (click's `default_map`).

The SMTP user name and password are not options: they come from the environment
(BRIEFING_SMTP_USER, BRIEFING_SMTP_PASSWORD) or from `smtp_user` / `smtp_password` here, never argv.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from briefing.deliver.settings import SMTP_PASSWORD_ENV, SMTP_USER_ENV
from briefing.errors import BadConfig
from briefing.log import get_logger
from briefing.runtime.jsonl import listed
from briefing.runtime.settings_file import SettingsFileProblem, read_toml, shown

log = get_logger(__name__)

DEFAULT_CONFIG = Path("briefing.toml")

# Config key -> click parameter name, where the option's flag differs from the name click gives it.
ALIASES = {
    "out": "out_dir",
    "themes": "themes_file",
    "templates": "templates_dir",
    "from": "sender",
    "smtp_security": "security",
    "max_size": "max_mb",
    "fetch_deadline": "fetch_deadline_s",
}
# Config keys that say the positive (`translate = false`) for a click flag that says the negative.
NEGATED = {"translate": "no_translate", "cache": "no_cache"}
# Keys that take a list; a single string is accepted as a list of one.
LISTS = ("sources", "to")
SECRETS = ("smtp_user", "smtp_password")  # read by `credentials`, kept out of click's default_map

EXAMPLE = """\
# briefing.toml: defaults for every `briefing` command; command-line options win.
# Written by `briefing init`. Relative paths are relative to the folder briefing runs in.

# --- the digest (build and email) ---
sources = ["seeds/"]          # files, folders, globs or http(s) URLs
out = "out"                   # where the PDF, HTML, text, JSON, .eml and the sent ledger go
# week = "last"               # the last complete ISO week; or "2025-W40", "this"
engine = "auto"               # "auto", "argos" or "apertium"
# translate = false           # keep the original language
sentences = 3
# themes = "themes.toml"      # your taxonomy ([[theme]] name, description, keywords)
# glossary = "glossary.toml"  # source term = "English term"
title = "Weekly briefing"
# cluster = "tcp://scheduler.example.org:8786"  # per-article work on a Dask cluster ("local:4": 4 processes here)
# max_size = 20               # MB: larger source files and downloads are skipped
# fetch_deadline = 60         # seconds the whole download of one URL may take
# cache_path = "cache/translations.sqlite"  # the translation cache; embeddings, names and files read
#                             # are cached beside it (default: $XDG_CACHE_HOME/briefing/); cache = false: none

# --- email only ---
[email]
to = ["team@example.org"]     # one or more recipients
from = "briefing@example.org"
smtp_host = "smtp.example.org"
# smtp_port = 587             # default: 587 with starttls, 465 with ssl, 25 with plain
smtp_security = "starttls"    # "starttls", "ssl" or "plain" (plain: a relay on a trusted network only)
# attach_pdf = true
# subject = "Weekly briefing"  # default: the briefing title and its period
# The login comes from BRIEFING_SMTP_USER / BRIEFING_SMTP_PASSWORD, or from these keys
# (then make this file readable by you alone: chmod 600 briefing.toml):
# smtp_user = "briefing@example.org"
# smtp_password = "..."
"""


def load(path: Path | None) -> dict[str, Any]:
    """The parsed config: `path`, else ./briefing.toml when present, else empty."""
    if path is None:
        if not DEFAULT_CONFIG.is_file():
            return {}
        path = DEFAULT_CONFIG
    try:
        return read_toml(path)
    except FileNotFoundError:
        raise BadConfig(f"{path}: config file not found") from None
    except SettingsFileProblem as exc:
        raise BadConfig(f"{path}: {exc}; fix it or run 'briefing init' for an example") from None


def load_default_map(path: Path | None, commands: Collection[str]) -> dict[str, dict[str, Any]]:
    """click's `default_map`: per-command defaults from the config file, keys as click parameter names.

    `commands` are the CLI's command names (each may have its table), so a new command needs no list here."""
    return default_map_from(load(path), path or DEFAULT_CONFIG, commands)


def default_map_from(data: dict[str, Any], where: Path, commands: Collection[str]) -> dict[str, dict[str, Any]]:
    """click's `default_map` for `commands` from parsed config `data` (`where` names the file in errors)."""
    shared = _params({k: v for k, v in data.items() if not isinstance(v, dict)}, where)
    result: dict[str, dict[str, Any]] = {}
    for command in commands:
        table = data.get(command)
        if not isinstance(table, dict):  # absent, or an option that shares the command's name
            table = {}
        result[command] = {**shared, **_params(table, where)}
    return result


def check_keys(path: Path | None, params: Mapping[str, Collection[str]]) -> None:
    """Raise BadConfig for a key no command has (a typo would silently keep the default).

    `params` gives each of the CLI's commands its parameter names; top-level keys must belong to one of
    them, a command's table to that command.
    """
    data = load(path)
    where = path or DEFAULT_CONFIG
    everything = set().union(*params.values())
    tables = {name: table for name, table in data.items() if isinstance(table, dict)}
    checks = [("", set(_params({k: v for k, v in data.items() if k not in tables}, where)), everything)]
    checks += [(f"[{name}] ", set(_params(table, where)), set(params.get(name, ()))) for name, table in tables.items()]
    strays = sorted(set(tables) - set(params))
    if strays:
        raise BadConfig(f"{where}: [{listed(strays)}] is not a command; tables: {', '.join(sorted(params))}")
    for scope, keys, known in checks:
        unknown = sorted(keys - known)
        if unknown:
            raise BadConfig(f"{where}: {scope}{listed(unknown, most=5)}: no such option; "
                            "see 'briefing init' for an example of every key")


def credentials(path: Path | None, environ: Mapping[str, str] | None = None) -> tuple[str | None, str | None]:
    """The SMTP user name and password: each from the environment, else from the config's `[email]` or top level.

    Raises BadConfig when only one of the two is set, naming where each is looked for.
    """
    env = os.environ if environ is None else environ
    data = load(path)
    table = data.get("email", {}) if isinstance(data.get("email"), dict) else {}
    found = {key: table.get(key, data.get(key)) for key in SECRETS}
    user = env.get(SMTP_USER_ENV) or found["smtp_user"]
    password = env.get(SMTP_PASSWORD_ENV) or found["smtp_password"]
    if (user is None) != (password is None):
        missing = (SMTP_PASSWORD_ENV, "smtp_password") if password is None else (SMTP_USER_ENV, "smtp_user")
        raise BadConfig(
            f"SMTP login half set: give {missing[0]} in the environment or {missing[1]} in the config file too"
        )
    if found["smtp_password"] is not None and not env.get(SMTP_PASSWORD_ENV):
        _warn_if_readable(path or DEFAULT_CONFIG)
    for key, value in (("smtp_user", user), ("smtp_password", password)):
        if value is not None and not isinstance(value, str):
            raise BadConfig(f"{path or DEFAULT_CONFIG}: {key} must be a string")
    return user, password


def write_example(path: Path, *, force: bool = False) -> Path:
    """Write the commented example config to `path`; an existing file is kept unless `force`."""
    if path.exists() and not force:
        raise BadConfig(f"{path} already exists; edit it, or pass --force to replace it with the example")
    try:
        path.write_text(EXAMPLE, encoding="utf-8")
    except OSError as exc:
        raise BadConfig(f"{path}: cannot write the example config ({exc.strerror})") from None
    return path


def _params(table: dict[str, Any], where: Path) -> dict[str, Any]:
    """Config keys turned into click parameter names, secrets left out."""
    result: dict[str, Any] = {}
    spelled: dict[str, str] = {}  # parameter name -> the key that gave it
    for raw, value in table.items():
        key = raw.replace("-", "_")
        if key in SECRETS:
            continue
        if key in NEGATED:
            if not isinstance(value, bool):
                raise BadConfig(f"{where}: {listed([raw])} must be true or false, not {shown(value)}")
            key, value = NEGATED[key], not value
        key = ALIASES.get(key, key)
        if key in spelled:  # max_size and max_mb, out and out_dir: the last would win without a word
            raise BadConfig(f"{where}: {listed([spelled[key]])} and {listed([raw])} set the same option; keep one")
        spelled[key] = raw
        if key in LISTS and isinstance(value, str):
            value = [value]
        result[key] = value
    return result


def _warn_if_readable(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        log.warning("%s holds the SMTP password and other users can read it: run 'chmod 600 %s'", path, path)
