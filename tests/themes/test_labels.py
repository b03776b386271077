"""Auto labels: readable words of their own articles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.themes.discover import assign_auto
from tests.helpers import agnews


@pytest.mark.slow
def test_auto_labels_are_readable_words_of_their_own_articles(shared_dir: Path) -> None:
    records = agnews(shared_dir, 120)
    texts = [r["text"] for r in records]
    result = assign_auto(texts, 4)
    labels = set(result.themes)
    assert len(labels) == 4
    for label in labels:
        assert re.fullmatch(r"[A-Z][\w'-]*( [\w'-]+)?( & [\w'-]+( [\w'-]+)?)+", label), label
        assert not re.search(r"cluster|theme|\d", label, re.IGNORECASE), label
        own = " ".join(t for t, theme in zip(texts, result.themes, strict=True) if theme == label).lower()
        assert all(term.lower() in own for term in label.split(" & ")), label
        terms = label.split(" & ")
        assert [k.lower() for k in result.keywords[label][: len(terms)]] == [t.lower() for t in terms]


def test_a_theme_with_a_single_distinctive_phrase_is_labelled_by_it() -> None:
    texts = ["Oil prices rise", "Football match won", "Chip maker profits", "Elections in France"]
    result = assign_auto(texts, k=4)  # "elections france" is the last theme's only term: a label of one term
    assert len(set(result.themes)) == 4
    assert all(re.match(r"[A-Z][A-Za-z]+", label) for label in result.themes), result.themes
