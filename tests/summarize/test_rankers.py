"""The rankers: what lead and the default ranker pick, and ROUGE floors on real French news."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.summarize import SUMMARIZERS, summarize
from briefing.text import split_sentences
from tests.helpers import WORD, _orangesum
from tests.summarize.conftest import ARTICLE


def test_registry_has_lead_and_default() -> None:
    assert {"lead", "default", "centroid"} <= set(SUMMARIZERS)
    assert SUMMARIZERS["default"] is SUMMARIZERS["centroid"]


def test_lead_takes_the_first_real_sentences() -> None:
    assert summarize(ARTICLE, "fr", 2, method="lead") == [
        "Le gouvernement a présenté mercredi un plan pour les transports publics en région.",
        "Le plan prévoit trois milliards d'euros pour les trains régionaux d'ici 2030.",
    ]


def test_default_ranker_leaves_out_the_off_topic_sentence() -> None:
    picked = summarize(ARTICLE, "fr", 4)
    assert "La météo était clémente à Paris ce jour-là." not in picked


def test_title_steers_the_default_ranker() -> None:
    text = (
        "Le conseil municipal s'est réuni lundi soir pendant trois heures. "
        "Les élus ont d'abord examiné le budget des écoles de la ville. "
        "Ils ont ensuite voté la fermeture de la piscine olympique pour travaux. "
        "La séance s'est terminée tard dans la nuit."
    )
    with_title = summarize(text, "fr", 1, title="La piscine olympique fermée pour travaux")
    assert with_title == ["Ils ont ensuite voté la fermeture de la piscine olympique pour travaux."]
    assert summarize(text, "fr", 1) != with_title


@pytest.mark.parametrize(("name", "lang"), [("chinese", "zh"), ("japanese", "ja"), ("japanese2", "ja"),
                                           ("arabic", "ar"), ("spanish", "es"), ("cnn", "en")])
def test_real_articles_in_other_languages_give_two_real_sentences(name: str, lang: str, shared_dir: Path) -> None:
    text = (shared_dir / "eval" / "html" / "expected" / f"{name}.txt").read_text(encoding="utf-8")
    picked = summarize(text, lang, 2)
    assert len(picked) == 2
    sentences = split_sentences(text, lang)
    assert sentences.index(picked[0]) < sentences.index(picked[1])
    assert all(s.rstrip("»”\"’)]」』）").endswith((".", "!", "?", "。", "！", "？")) for s in picked), picked


def test_summary_is_deterministic(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert summarize(text, "fr", 3) == summarize(text, "fr", 3), path.name


# --- quality gate -----------------------------------------------------------------------------

SLICE = 100  # the first 100 OrangeSum dev articles
# Measured on this slice (`python benchmarks/summarize.py --limit 100` prints the same numbers): lead-2
# 26.66 / 9.12, default 29.74 / 10.39; the floors are those rounded down a little and may only go up.
FLOORS = {
    "lead": (26.5, 9.0),
    "default": (29.5, 10.3),
}


@pytest.mark.parametrize("method", sorted(FLOORS))
def test_rouge_floors_on_orangesum_slice(method: str, shared_dir: Path) -> None:
    from rouge_score import rouge_scorer

    class Tokenizer:
        def tokenize(self, text: str) -> list[str]:
            return WORD.findall(text.lower())

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], tokenizer=Tokenizer())
    rows = _orangesum(shared_dir, SLICE)
    r1 = r2 = 0.0
    for row in rows:
        summary = " ".join(summarize(row["article"], "fr", 2, method=method, title=row["title"]))
        scores = scorer.score(row["abstract"], summary)
        r1 += scores["rouge1"].fmeasure
        r2 += scores["rouge2"].fmeasure
    r1, r2 = 100 * r1 / len(rows), 100 * r2 / len(rows)
    floor1, floor2 = FLOORS[method]
    assert r1 >= floor1 and r2 >= floor2, f"{method}: ROUGE-1 {r1:.2f} (floor {floor1}), ROUGE-2 {r2:.2f} ({floor2})"
