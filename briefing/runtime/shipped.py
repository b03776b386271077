"""Where the files that ship with briefing are: the templates folder (pages, stylesheets, the themes
taxonomy and the glossary). Read by rendering, themes and translation; `--templates DIR` overrides the
templates file by file (render/templates.py)."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _shipped_templates() -> Path:
    """The templates folder: the wheel's copy (briefing/templates), else templates/ beside the package."""
    # An installed wheel carries templates/ as package data (pyproject's package-dir maps it in). A checkout,
    # run through the editable install or PYTHONPATH, has no briefing/templates and reads templates/ itself,
    # so an edit there shows at the next run. The wheel's copy is asked first so that an unrelated
    # site-packages/templates never stands in for it. Jinja and WeasyPrint read real files: wheels install
    # unpacked, so the resource is a folder on disk.
    packaged = importlib.resources.files("briefing") / "templates"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / "templates"


TEMPLATES_DIR = _shipped_templates()
