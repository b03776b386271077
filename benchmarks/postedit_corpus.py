"""The parallel data benchmarks/learn_postedit.py reads, and a line cache of Apertium's outputs.

Apertium is deterministic, so each French line's marked outputs (Spanish step, English step) are
kept in a JSON file keyed by the line: a rerun only translates lines it has not seen.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.runtime.sqlite_cache import cache_folder
from briefing.translate.apertium import translate_staged
from briefing.translate.postedit import preedit
from briefing.translate.settings import APERTIUM_CHAINS

log = logging.getLogger(__name__)

EVAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
FR_EN_SPANISH = APERTIUM_CHAINS[("fr", "en")]
TRAIN_DIR = EVAL_DIR / "translation"
CACHE_DIR = cache_folder() / "learn-postedit"  # apertium is slow: its outputs of the training lines, by line

# newstest2013 is the development test: measured, never learnt from.
DEV_TEST = "newstest2013"
# Held back from learning and reported beside the dev test: same genre and size as newstest2013.
HELD_BACK = "newstest2012"
# The two folds of the learning data: rules are learnt on one fold and kept only if they help the other.
# Whole files per fold, so a rule must carry over to another year's news, as it must to held-out sets.
FOLDS: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("news-test2008", "newstest2010", "newsdiscusstest2015"),
    ("newssyscomb2009", "newstest2009", "newstest2011"),
)
# Medical (COVID-19) texts, not news: left out of learning (benchmarks/translate.py --sets tico19-test
# measures them).
OUT_OF_DOMAIN = "tico19-test"


@dataclass(frozen=True, slots=True)
class Corpus:
    """Line-aligned French sources and English references of one test set."""

    name: str
    sources: tuple[str, ...]
    references: tuple[str, ...]


def _lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def load(name: str) -> Corpus:
    """One named set: the development test (``newstest2013``) or a file pair of the training folder."""
    if name == DEV_TEST:
        sources, references = _lines(EVAL_DIR / f"{name}.fr"), _lines(EVAL_DIR / f"{name}.en")
    else:
        sources, references = _lines(TRAIN_DIR / f"{name}.fra"), _lines(TRAIN_DIR / f"{name}.eng")
    if len(sources) != len(references):
        raise ValueError(f"{name}: {len(sources)} French lines but {len(references)} English")
    return Corpus(name, tuple(sources), tuple(references))


class StageCache:
    """French line → marked outputs of every step of a chain, stored as JSON in the user's cache folder."""

    def __init__(self, chain: Sequence[str] = FR_EN_SPANISH, directory: Path = CACHE_DIR) -> None:
        self.chain = tuple(chain)
        self.path = directory / f"stages.{'+'.join(self.chain)}.json"
        self.table: dict[str, list[str]] = {}
        if self.path.is_file():
            self.table = json.loads(self.path.read_text(encoding="utf-8"))

    def staged(self, sources: Sequence[str]) -> list[tuple[str, ...]]:
        """The marked outputs for each (already pre-edited) source line, translating the lines not cached."""
        missing = sorted({line for line in sources if line not in self.table})
        if missing:
            log.info("apertium %s: %d new lines", " | ".join(self.chain), len(missing))
            for line, stages in zip(missing, translate_staged(missing, self.chain, marks=True), strict=True):
                self.table[line] = list(stages)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.table, ensure_ascii=False), encoding="utf-8")
        return [tuple(self.table[line]) for line in sources]


def prepared_sources(corpus: Corpus, *, pre: bool = True) -> list[str]:
    """The French lines as they go to Apertium: pre-edited unless ``pre`` is false."""
    return [preedit(line) for line in corpus.sources] if pre else list(corpus.sources)
