"""Tuned numbers of stage 5, themes (taxonomy assignment, discovery, labels, sections), each with its reason.

Measured on AG News dev with benchmarks/themes.py unless said otherwise.
"""

from __future__ import annotations

THEME_SEED = 0  # k-means seeds: auto themes are the same on every run
OTHER_THEME = "Other"  # the section for articles no theme fits, and for merged tiny themes; always last
# A themes file's limits: a name is a section heading, a keyword a word or two; each keyword is searched in every
# story, so a file of thousands would make assignment slow
THEME_NAME_MAX_CHARS = 60
THEME_MAX_KEYWORDS = 50
THEME_KEYWORD_MAX_CHARS = 60
OTHER_MIN_SIMILARITY = 0.0  # default: a cosine at or below 0 means unrelated (1% of AG News); a file may set its own
KEYWORD_BONUS = 0.05  # added to the cosine per keyword hint found in the text: a hint, not a vote
KEYWORD_BONUS_CAP = 3  # hits beyond three add nothing: long articles repeat their words
CENTER_MIN_ARTICLES = 30  # centre vectors on the batch mean only when the batch is big enough for a stable mean
# smaller weeks cannot learn from themselves: on AG News slices of 20, refining loses 0.03 accuracy; 40 gain 0.02
REFINE_MIN_ARTICLES = 30
REFINE_ROUNDS = 10  # EM rounds over the batch; AG News dev stops changing after about six
REFINE_TEMPERATURE = 0.1  # softmax temperature on cosines; 0.05–0.2 all give 0.86 on AG News dev
REFINE_WORD_WEIGHT = 0.3  # the batch's own word statistics against the vectors; above 0.5 words dominate
REFINE_WORD_SMOOTHING = 0.5  # additive smoothing of the word model (0.2–1.0 give the same AG News accuracy)
REFINE_NEIGHBOURS = 10  # each article also listens to its 10 nearest neighbours (5–20 give the same AG News scores)
REFINE_NEIGHBOUR_SHARE = 0.3  # how much: +0.01 accuracy and +0.015 NMI on AG News dev; 0.5 is no better
REFINE_ANCHOR = 5.0  # a theme's description counts as this many articles, so a small week cannot drift a theme away
AUTO_K_MIN_LARGE = 3  # a large week in two sections reads as one long list: look for three themes or more
AUTO_LARGE_WEEK = 30  # from this many articles a week counts as large
AUTO_K_MAX = 10  # more sections than this is a table of contents, not a briefing
AUTO_CONSENSUS_RUNS = 10  # refined clusterings combined (half k-means, half bisecting): one run's NMI varies ±0.05
# auto themes start from the batch's 10 main directions (PCA) rather than all 384: the starts then follow the
# week's big subjects instead of its fine detail. AG News --k 4 NMI over 400-1200-row parts (benchmarks/themes.py
# --subsets 3), with bisecting starts: worst part 0.50 instead of 0.43; 8-24 directions score the same
AUTO_START_DIMENSIONS = 10
# the last refinement of a consensus looks at the week more evenly and more sharply (AG News --k 4 NMI: dev
# 0.656 -> 0.669, mean over the 12 parts of --subsets 3 0.618 -> 0.631, no part lower by more than 0.001):
# each principal direction of the week's vectors is divided by the square root of its spread, so one or two
# dominant subjects no longer decide every cosine (power 0.25-0.75 score alike; 1, full whitening, loses 0.02)
AUTO_FINAL_WHITENING = 0.5
AUTO_FINAL_NGRAMS = (1, 2)  # and two-word phrases join the words ("oil prices", "world cup"): parts' mean +0.002
AUTO_FINAL_TEMPERATURE = 0.05  # sharper memberships, so a big theme keeps off its neighbour's edge; 0.07-0.1: 0.626
TINY_THEME_SHARE = 0.05  # a theme with under 5% of the articles joins "Other" (a lone article only from 21 on)
MAX_SECTIONS = 8  # beyond eight sections the smallest ones join "Other"
LABEL_TERMS = 2  # an auto label joins its two most distinctive terms: "Oil & prices"
SECTION_KEYWORDS = 5  # keywords shown in a section's overview
# words every news story uses, and feed debris ("quot" from &quot;): never a theme's keyword or label
NEWS_FILLER_WORDS = frozenset((
    "said", "says", "say", "told", "new", "year", "years", "week", "today", "yesterday", "tomorrow",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "percent", "addition",
    "including", "according", "reuters", "ap", "afp", "quot", "lt", "gt", "amp", "href", "http", "https",
    "www", "com", "html",
))
