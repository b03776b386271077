"""The wheel works outside the checkout: it carries every template and word list, and runs from any folder.

(The full `briefing build` of a copy of seeds/ from a wheel installed with its dependencies runs in .ci/run.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from briefing import __version__

ROOT = Path(__file__).resolve().parent.parent


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built the way `pip install .` builds one, from a copy of the checkout (nothing written into it)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("briefing", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out),
                    str(source)], check=True, capture_output=True, timeout=300)
    return next(out.glob("briefing-*.whl"))


def test_wheel_carries_every_module_template_and_word_list(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    package = {f"briefing/{name}" for name in _files(ROOT / "briefing")}
    templates = {f"briefing/templates/{name}" for name in _files(ROOT / "templates")}
    assert {"briefing/__main__.py", "briefing/text/data/stopwords/fr.txt", "briefing/templates/briefing.html",
            "briefing/translate/data/postedit_fr_en.tsv"} <= (
        package | templates)
    missing = sorted((package | templates) - names)
    assert not missing, f"not in the wheel (a new subpackage goes in pyproject's packages): {missing}"


def test_installed_wheel_runs_from_another_folder_on_its_own_templates(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    # The test environment's packages stand in for the wheel's dependencies; the wheel's briefing comes first.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    # --ignore-installed: the test environment's editable briefing has the same version and would stand in.
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
                    "--ignore-installed", str(wheel)], check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}

    def run(*args: str) -> str:
        done = subprocess.run([str(python), *args], cwd=elsewhere, env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    templates = Path(run("-c", "from briefing.runtime.shipped import TEMPLATES_DIR; print(TEMPLATES_DIR)").strip())
    assert templates.is_relative_to(venv)
    assert _files(templates) == _files(ROOT / "templates")
    assert run("-m", "briefing", "--version") == f"briefing, version {__version__}\n"
