"""Sentence statistics that add up to sacrebleu's corpus BLEU and chrF, for fast what-if scoring.

Corpus BLEU and chrF are functions of statistics summed over sentences, so the effect of changing a
few sentences is exact: subtract their old statistics, add the new ones, recompute the score. The
learner does this thousands of times; sacrebleu's own objects are too slow for that and their
per-sentence statistics are private. `corpus_scores` is checked against sacrebleu in `evaluate.py`.

The definitions follow sacrebleu 2.x defaults: BLEU with the 13a tokenizer, exponential brevity
penalty, no smoothing at corpus level; chrF with character 6-grams, beta 2, whitespace removed,
the "effective order" average of precision and recall.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from math import exp, log

from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

CHAR_ORDER = 6  # sacrebleu's chrF default
WORD_ORDER = 4  # BLEU's n-gram order
BETA = 2  # chrF weighs recall twice as much as precision
# Stats vector layout: chrF (hyp, ref, match) per char order, then BLEU matches and totals per order,
# then hypothesis and reference token counts.
_CHRF_END = 3 * CHAR_ORDER
_MATCH_START = _CHRF_END
_TOTAL_START = _MATCH_START + WORD_ORDER
_HYP_LEN = _TOTAL_START + WORD_ORDER
_REF_LEN = _HYP_LEN + 1
STATS_SIZE = _REF_LEN + 1

_tokenize_13a = Tokenizer13a()  # type: ignore[no-untyped-call]


def char_ngrams(text: str) -> Counter[str]:
    """Character n-gram counts of ``text`` without whitespace, all n = 1 … CHAR_ORDER in one table."""
    chars = "".join(text.split())
    size = len(chars)
    return Counter(chars[i:i + n] for n in range(1, CHAR_ORDER + 1) for i in range(size - n + 1))


def word_ngrams(text: str) -> tuple[Counter[tuple[str, ...]], int]:
    """13a-token n-gram counts of ``text``, all n = 1 … WORD_ORDER in one table, and its token count."""
    tokens = tuple(_tokenize_13a(text.rstrip()).split())
    size = len(tokens)
    return Counter(tokens[i:i + n] for n in range(1, WORD_ORDER + 1) for i in range(size - n + 1)), size


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference sentence's n-grams and its character n-gram total per order, computed once."""

    chars: Counter[str]
    char_totals: tuple[int, ...]
    words: Counter[tuple[str, ...]]
    length: int

    @classmethod
    def of(cls, text: str) -> Reference:
        """The n-grams of one reference sentence."""
        chars = char_ngrams(text)
        totals = [0] * CHAR_ORDER
        for gram, count in chars.items():
            totals[len(gram) - 1] += count
        words, length = word_ngrams(text)
        return cls(chars, tuple(totals), words, length)


def sentence_stats(hypothesis: str, reference: Reference) -> list[int]:
    """The statistics of one hypothesis against its reference (see the layout above)."""
    stats = [0] * STATS_SIZE
    ref_chars = reference.chars
    for gram, count in char_ngrams(hypothesis).items():
        at = 3 * (len(gram) - 1)
        stats[at] += count
        ref_count = ref_chars.get(gram)
        if ref_count:
            stats[at + 2] += count if count < ref_count else ref_count
    for n, ref_total in enumerate(reference.char_totals):
        stats[3 * n + 1] = ref_total
        if not ref_total:
            stats[3 * n] = 0  # sacrebleu counts no hypothesis n-grams where the reference has none
    ref_words = reference.words
    words, length = word_ngrams(hypothesis)
    for phrase, count in words.items():
        ref_count = ref_words.get(phrase)
        if ref_count:
            stats[_MATCH_START + len(phrase) - 1] += count if count < ref_count else ref_count
    for n in range(WORD_ORDER):
        stats[_TOTAL_START + n] = max(0, length - n)
    stats[_HYP_LEN] = length
    stats[_REF_LEN] = reference.length
    return stats


def chrf(stats: Sequence[int]) -> float:
    """sacrebleu's corpus chrF from summed statistics."""
    factor = BETA ** 2
    precision = recall = 0.0
    orders = 0
    for n in range(CHAR_ORDER):
        n_hyp, n_ref, n_match = stats[3 * n:3 * n + 3]
        if n_hyp > 0 and n_ref > 0:
            precision += n_match / n_hyp
            recall += n_match / n_ref
            orders += 1
    if orders == 0:
        return 0.0
    precision /= orders
    recall /= orders
    if precision + recall == 0:
        return 0.0
    return 100 * (1 + factor) * precision * recall / (factor * precision + recall)


def bleu(stats: Sequence[int]) -> float:
    """sacrebleu's corpus BLEU from summed statistics (no smoothing)."""
    hyp_len, ref_len = stats[_HYP_LEN], stats[_REF_LEN]
    if hyp_len == 0:
        return 0.0
    log_precision = 0.0
    for n in range(WORD_ORDER):
        matches, total = stats[_MATCH_START + n], stats[_TOTAL_START + n]
        if matches == 0 or total == 0:
            return 0.0
        log_precision += log(matches / total)
    penalty = 1.0 if hyp_len > ref_len else exp(1 - ref_len / hyp_len)
    return 100 * penalty * exp(log_precision / WORD_ORDER)


def add(total: list[int], stats: Sequence[int], sign: int = 1) -> None:
    """``total += sign * stats``, in place."""
    for i, value in enumerate(stats):
        total[i] += sign * value


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str]) -> tuple[float, float]:
    """Corpus (BLEU, chrF) of line-aligned hypotheses and references."""
    total = [0] * STATS_SIZE
    for hypothesis, reference in zip(hypotheses, references, strict=True):
        add(total, sentence_stats(hypothesis, Reference.of(reference)))
    return bleu(total), chrf(total)
