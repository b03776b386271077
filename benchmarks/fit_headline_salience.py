"""Refit the SALIENCE_* weights and FUNCTION_WORD_CHANCES of briefing/text/headline/settings.py (offline;
needs scikit-learn). It prints the values to paste there.

    python benchmarks/fit_headline_salience.py [--start 1000] [--stop 4000]

Reads lines start..stop of the OrangeSum training file (kept apart from lines 1-1,000, used for tuning,
and from the dev file, used for the reported numbers). One example per distinct word of each lead
sentence: is the word in the real title? Content words fit a logistic model on the features that
`briefing.text.headline.salience.word_salience` computes; function words get their plain share.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from itertools import islice
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.text.headline.derive import lead_sentences  # noqa: E402
from briefing.text.headline.salience import function_words, word_features  # noqa: E402

TRAIN = ROOT.parent / "shared" / "eval" / "scale" / "orangesum_train.jsonl.gz"
LANG = "fr"
TOP_FUNCTION_WORDS = 22  # the commonest function words get their own chance; the rest share one
_WORD = re.compile(r"\w+")


def main() -> None:
    """Fit and print the weights."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--start", type=int, default=1000)
    parser.add_argument("--stop", type=int, default=4000)
    args = parser.parse_args()
    functional = function_words(LANG)
    rows: list[list[float]] = []
    labels: list[bool] = []
    seen_function: Counter[str] = Counter()
    hit_function: Counter[str] = Counter()
    with gzip.open(TRAIN, "rt", encoding="utf-8") as lines:
        for line in islice(lines, args.start, args.stop):
            article = json.loads(line)
            title = set(_WORD.findall(article["title"].lower()))
            lead = lead_sentences(article["article"], LANG)
            table = word_features(article["article"], lead, LANG)
            for sentence in lead:
                for word in set(_WORD.findall(sentence.lower())):
                    if word in functional:
                        seen_function[word] += 1
                        hit_function[word] += word in title
                    elif word in table:
                        rows.append(list(table[word]))
                        labels.append(word in title)
    x, y = np.array(rows, dtype=float), np.array(labels)
    model = LogisticRegression(C=10, max_iter=2000).fit(x, y)
    names = ["PER_LOG_COUNT", "NAME", "PER_LOG_LEAD", "FIRST_PLACE", "PER_LOG_LENGTH", "DATE_WORD"]
    print(f"{len(y)} content-word examples, AUC {roc_auc_score(y, model.predict_proba(x)[:, 1]):.3f}")
    print(f"SALIENCE_BIAS = {model.intercept_[0]:.2f}")
    for name, weight in zip(names, model.coef_[0], strict=True):
        print(f"SALIENCE_{name} = {weight:.2f}")
    common = {w: round(hit_function[w] / n, 2) for w, n in seen_function.most_common(TOP_FUNCTION_WORDS)}
    others = [w for w in seen_function if w not in common]
    share = sum(hit_function[w] for w in others) / max(1, sum(seen_function[w] for w in others))
    print(f"FUNCTION_WORD_CHANCES = {common}")
    print(f"other function words: {share:.2f}")


if __name__ == "__main__":
    main()
