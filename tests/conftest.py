"""Shared fixtures: a CliRunner, article builders and the paths of the sample data."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

# Keep every test (and libraries such as argostranslate that write beside the home folder on import)
# out of the user's real data, config and cache folders: set before anything imports them.
_SANDBOX = Path(tempfile.mkdtemp(prefix="briefing-tests-"))
for _var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = str(_SANDBOX / _var.lower())

# argostranslate.settings computes its folders from those variables once, on first import: imported here,
# they are the sandbox's whichever test imports it first (a test's own folders would outlive that test).
import argostranslate.settings  # noqa: E402, F401

from briefing.records import Article  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def runner() -> CliRunner:
    """A click test runner (stderr is kept apart from stdout)."""
    return CliRunner()


@pytest.fixture
def seeds_dir() -> Path:
    """The five sample articles."""
    return SEEDS


@pytest.fixture
def shared_dir() -> Path:
    """../shared (eval data); tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the checkout")
    return SHARED


@pytest.fixture
def plain_folder() -> Iterator[Path]:
    """A temporary folder whose path has no '-' or '_' (a language code's region separators)."""
    folder = Path(tempfile.gettempdir()) / f"briefingsecret{os.getpid()}"
    folder.mkdir(exist_ok=True)
    yield folder
    shutil.rmtree(folder)


def path_as_language_code(target: Path, kind: str = "stopwords") -> str:
    """A relative path from the word lists' `kind` folder to `target` (without its .txt): what an attacker puts
    in a record's "lang" to make briefing open another file."""
    from briefing.text.wordlists import DATA_DIR

    return os.path.relpath(target, DATA_DIR / kind)


def make_article(**overrides: Any) -> Article:
    """An Article with plausible defaults; override any field."""
    fields: dict[str, Any] = {
        "id": "a1",
        "path": "a1.txt",
        "title": "Le Vietnam lance un programme pour les start-up en IA",
        "text": "Le Vietnam lance un programme. Il soutient les start-up en IA. Le Japon participe.",
        "lang": "fr",
        "date": dt.date(2025, 10, 2),
        "url": "https://example.org/a1",
        "publisher": "VNA",
    }
    fields.update(overrides)
    return Article(**fields)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """The random order's seed, even under -q, so a run that failed can be run again in the same order."""
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int):
        terminalreporter.write_line(f"test order: --randomly-seed={seed} "
                                    f"(python -m pytest -p randomly --randomly-seed={seed} runs it again)")
