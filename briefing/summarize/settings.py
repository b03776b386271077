"""Tuned numbers of stage 2, summaries (candidates, rankers, figure sentences), each with its reason."""

from __future__ import annotations

# Candidates (sentences a summary may use)
MIN_SENTENCE_WORDS = 4  # "Non.", "Pourquoi ?", "Objectif ?": rhetorical beats, picked only when nothing else is left
# Default ranker ("centroid"). Tuned by coordinate search on the two halves of the OrangeSum dev file
# (benchmarks/summarize.py); ROUGE is flat within +-0.2 around these values, so they are round numbers
# (the stem length they were tuned with is briefing.text.settings.STEM_PREFIX).
CENTROID_WEIGHT = 1.5  # what the whole article is about weighs most
TITLE_WEIGHT = 2.0  # the editor's title names the story (cosine to a short title is small, so weight is high)
POSITION_WEIGHT = 0.6  # news puts the essentials first, but the lead sentence is often a hook, not the story
POSITION_DECAY = 0.9  # the prior fades slowly: the key fact is often in the 2nd-4th sentence
REDUNDANCY_PENALTY = 1.0  # MMR: a sentence that repeats one already picked loses its share of overlap
LONG_SENTENCE_WORDS = 40  # sentences longer than this are scored down in proportion (summaries run ~35 words)
SHORT_SENTENCE_WORDS = 8  # shorter ones too: a 4-word caption has a high cosine to the centroid but says little
QUOTE_OPENERS = "«\"“"  # a sentence that opens with a quotation is someone's words, not the news itself
QUOTED_FACTOR = 0.6  # ...and abstracts rarely quote: +0.3 ROUGE-1/2 on both halves of the dev file (0.4-0.8 alike)

# Figure sentences (figures.py): sentences stating amounts or shares, translated besides the summary so the
# key-figures box draws on the whole article ("130 billion USD AI economy by 2040" sits in seed 000's eighth
# sentence, not its summary). Three per article cover its headline numbers at a few more sentences of
# translation each.
FIGURE_SENTENCES_MAX = 3
KEY_FIGURES_MAX = 8  # one "numbers of the week" box that fits beside the chart on a single page
KEY_FIGURE_CONTEXT_CHARS = 160  # about two printed lines: enough to say what the number measures
# `briefing summarize --cluster`: records read and sent to the workers at once (~10 MB of news text), so the
# workers stay busy while memory holds one batch of a file of any length
RECORDS_BATCH = 2_000
