"""Tuned numbers of the language helpers (sentences, language identification, terms), each with its reason."""

from __future__ import annotations

# --- sentences (sentences.py) -----------------------------------------------------------
MAX_PROTECTED_QUOTE_CHARS = 300  # a quotation this short is one sentence of the article; a longer one is a speech
HARD_WRAP_MIN_LINE = 40  # lines of 40-100 characters in a row are prose wrapped by an editor, not headings
HARD_WRAP_MAX_LINE = 100
HARD_WRAP_SHARE = 0.8  # ...when this share of a block's lines (all but the last) have that width
# A "sentence" longer than this is a run without an end (a 200 KB line, a list without stops): it is cut at
# spaces into pieces this long, so no summary, lead or figure sentence drags it whole through translation and
# layout. News sentences stay under 600 characters.
SENTENCE_MAX_CHARS = 2_000

# --- language identification (language.py) ----------------------------------------------
LANGID_SAMPLE_CHARS = 2000  # py3langid is sure of a language well before 2,000 characters
LANG_MIN_CHARS = 20  # py3langid is unreliable below a short sentence; use the source's declared language then

# --- headlines (ingestion's derived titles, the stories' choice of headline) -----------
TITLE_MAX_CHARS = 110  # a headline longer than this is a lead sentence; derived titles are cut to it

# --- terms (terms.py) -------------------------------------------------------------------
CJK_LANGS = ("zh", "ja")  # written without spaces: sentences are compared on character bigrams
CJK_TOKENS_PER_WORD = 1.7  # a Chinese word averages ~1.7 characters, so length rules count words alike
# Tuned with the summarizer by coordinate search on the two halves of the OrangeSum dev file
# (benchmarks/summarize.py); ROUGE is flat within +-0.2 around this value, so it is a round number.
STEM_PREFIX = 7  # French and English inflections live past the 7th letter; 5-100 all score alike
TERM_TABLE_MAX = 200_000  # words remembered per language (~25 MB at most); the 1,500 dev articles use ~60k

# --- language codes (language.py) --------------------------------------------------------
# BCP 47 allows tags this long ("zh-cmn-Hans-CN-x-private" and the like); a longer "code" is not one, and is
# not even split
LANGUAGE_TAG_MAX_CHARS = 35
