"""Shared by the embedding tests: real English and French texts."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import agnews


def real_texts(shared_dir: Path) -> list[str]:
    """English AG News items (what themes sees) and French OrangeSum titles and abstracts."""
    english = [r["text"] for r in agnews(shared_dir, 60)]
    with (shared_dir / "eval" / "orangesum_valid.jsonl").open(encoding="utf-8") as handle:
        french = [json.loads(line) for _, line in zip(range(20), handle, strict=False)]
    return english + [f"{r['title']}. {r['abstract']}" for r in french]
