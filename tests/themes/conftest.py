"""Shared by the themes tests: the AG News themes file, hand-written news of the seeds' domain, JSONL input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

AGNEWS_THEMES = ROOT / "benchmarks" / "agnews_themes.toml"


# Hand-written English news items for the seeds' domain, each clearly about one default theme.
DOMAIN_NEWS = [
    ("Semiconductors", "Vietnam opens its first semiconductor chip testing and packaging plant. "
     "The factory in Bac Ninh will test ten billion chips a year for export."),
    ("Digital infrastructure & data centres", "Viettel builds a hyperscale data centre near Hanoi. "
     "The 140 MW facility will host cloud computing services and connect to two new submarine cables."),
    ("AI & start-ups", "Hanoi launches an accelerator for AI start-ups. Twenty young companies working on "
     "artificial intelligence will receive mentoring and seed funding from venture capital firms."),
    ("Policy & regulation", "The National Assembly passes the Law on Digital Technology Industry. "
     "The law sets incentives for digital firms and a legal framework for the sandbox regime."),
    ("International cooperation", "Vietnam and Japan sign a memorandum on innovation cooperation. "
     "The two countries agreed to exchange experts and co-fund joint research projects."),
]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
