"""A theme's words: its most distinctive terms against the whole batch, shown as section keywords, and a
short readable label made of them for discovered themes ("Oil prices & OPEC")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from briefing.themes.refine import WORD, word_counts
from briefing.themes.settings import LABEL_TERMS, NEWS_FILLER_WORDS, REFINE_WORD_SMOOTHING, SECTION_KEYWORDS


def _distinctive_terms(counts: sparse.csr_matrix, vocab: list[str], members: np.ndarray) -> list[list[str]]:
    """For each theme, its terms most over-represented against the whole batch (smoothed log-odds × frequency)."""
    if not vocab:
        return [[] for _ in range(members.shape[1])]
    in_theme = np.asarray(counts.T @ members).T + REFINE_WORD_SMOOTHING  # themes × terms
    overall = np.asarray(counts.sum(axis=0)).ravel() + REFINE_WORD_SMOOTHING
    share = in_theme / in_theme.sum(axis=1, keepdims=True)
    lift = np.log(share / (overall / overall.sum()))
    weight = lift * np.log1p(in_theme - REFINE_WORD_SMOOTHING)  # distinctive and also frequent
    words = np.array([term.count(" ") + 1 for term in vocab])
    order = np.stack([np.lexsort((-words, -row)) for row in weight])[:, : 4 * SECTION_KEYWORDS]  # ties: phrases
    return [[vocab[j] for j in row if weight[i, j] > 0] for i, row in enumerate(order)]


def theme_keywords(texts: Sequence[str], members: np.ndarray) -> list[tuple[str, ...]]:
    """Each theme's SECTION_KEYWORDS most distinctive words or two-word phrases, as spelt in the texts.

    A phrase hides the words inside it ("oil prices" rather than "oil" and "prices").
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    counts, vocab = word_counts(
        texts, ngrams=(1, 2), stop_words=ENGLISH_STOP_WORDS | NEWS_FILLER_WORDS, binary=False,
    )
    forms = _surface_forms(texts)
    keywords = []
    for terms in _distinctive_terms(counts, vocab, members):
        chosen: list[str] = []
        for term in terms:
            words = set(term.split())
            if any(words & set(c.split()) for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == SECTION_KEYWORDS:
                break
        keywords.append(tuple(" ".join(forms.get(w, w) for w in term.split()) for term in chosen))
    return keywords


def _surface_forms(texts: Sequence[str]) -> dict[str, str]:
    """The most common spelling of each lower-cased word ("iraq" → "Iraq", "oil" → "oil")."""
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        for word in re.findall(WORD, text):
            forms.setdefault(word.lower(), Counter())[word] += 1
    # the commonest spelling, but not SHOUTED datelines ("ATHENS (Reuters)") when another spelling exists
    return {low: max(sorted(c), key=lambda w: (not w.isupper(), c[w])) for low, c in forms.items()}


def label(words: Sequence[str], taken: set[str]) -> str:
    """A short English label from a theme's distinctive terms: "Oil prices & OPEC"; unique among `taken`."""
    if not words:
        return "Miscellaneous"
    label = ""
    for count in range(min(LABEL_TERMS, len(words)), len(words) + 1):  # a theme may have a single term
        label = " & ".join(words[:count])
        label = label[0].upper() + label[1:]
        if label not in taken:
            return label
    suffix = 2
    while f"{label} ({suffix})" in taken:
        suffix += 1
    return f"{label} ({suffix})"
