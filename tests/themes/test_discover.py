"""Auto mode: the number of themes chosen, tiny weeks, and the same themes in and across processes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from briefing.cli import main
from briefing.themes.discover import _evened, assign_auto
from briefing.themes.refine import normalize
from briefing.themes.settings import AUTO_K_MAX
from tests.conftest import ROOT
from tests.helpers import agnews
from tests.themes.conftest import DOMAIN_NEWS, write_jsonl


@pytest.mark.slow
def test_auto_without_k_chooses_the_number_of_themes(shared_dir: Path) -> None:
    texts = [r["text"] for r in agnews(shared_dir, 120)]
    result = assign_auto(texts)
    assert 3 <= len(set(result.themes)) <= AUTO_K_MAX
    assert set(result.keywords) == set(result.themes)


def test_auto_on_a_tiny_week_still_labels_every_article() -> None:
    texts = [text for _, text in DOMAIN_NEWS[:2]]
    result = assign_auto(texts, k=5)  # more themes than articles: k is capped
    assert len(result.themes) == 2
    assert all(re.search(r"[A-Za-z]{2}", label) for label in result.themes)


@pytest.mark.slow
def test_same_input_gives_the_same_themes_in_and_across_processes(runner: Any, shared_dir: Path,
                                                                 tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", agnews(shared_dir, 60))
    first = runner.invoke(main, ["themes", "--auto", "--input", str(path)])
    second = runner.invoke(main, ["themes", "--auto", "--input", str(path)])
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    other_process = subprocess.run(
        [sys.executable, "-c", "from briefing.cli import main; main()", "themes", "--auto", "--input", str(path)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    assert other_process.stdout == first.stdout


def test_evening_out_a_week_shrinks_its_dominant_direction_but_keeps_the_others() -> None:
    rng = np.random.default_rng(0)
    spreads = np.array([8.0, 2.0, 1.0])  # one subject dominates the week
    week = rng.standard_normal((200, 3)) * spreads @ np.linalg.qr(rng.standard_normal((3, 3)))[0]
    evened = _evened(week)
    assert np.allclose(np.linalg.norm(evened, axis=1), 1.0)
    plain, after = (np.linalg.svd(x - x.mean(axis=0), compute_uv=False) for x in (normalize(week), evened))
    assert after[0] / after[-1] < 0.7 * plain[0] / plain[-1]  # more even than unit rows alone (1.8 against 3.4)
    assert after[-1] > 0  # no direction dropped


@pytest.mark.slow
def test_auto_with_k_4_on_real_english_news_finds_its_four_sections(shared_dir: Path) -> None:
    records = agnews(shared_dir, 400)
    result = assign_auto([r["text"] for r in records], k=4)
    nmi = normalized_mutual_info_score([r["label"] for r in records], result.themes)
    assert nmi >= 0.56  # floor, AG News dev rows 0-399 (0.574; 0.549 before the evened last refinement)
