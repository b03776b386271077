"""Shared by the ingestion tests: the sample files, one real-looking story, the run date and `briefing ingest`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from briefing.cli import main

DATA = Path(__file__).parent.parent / "data" / "ingest"
TODAY = dt.date(2026, 11, 22)


# One paragraph of real-looking news, long enough to be an article on its own.
STORY = (
    "Le conseil municipal a voté mardi soir la rénovation complète de la piscine olympique, fermée depuis "
    "deux ans pour des raisons de sécurité. Les travaux dureront dix-huit mois et coûteront 12 millions "
    "d’euros, financés en partie par la région.\n\n"
    "« Nous rendrons aux habitants un équipement moderne et économe en énergie », a déclaré la maire, "
    "qui promet une réouverture avant l’été 2027."
)


def _ingest_cli(runner: CliRunner, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    result = runner.invoke(main, ["ingest", *args, "--jsonl", "--today", TODAY.isoformat()])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, records, result.stderr
