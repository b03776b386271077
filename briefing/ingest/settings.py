"""Tuned numbers of stage 1, ingestion (sources, download, decoding, readers, cleaning, dates, duplicates),
each with the reason it has this value."""

from __future__ import annotations

MIN_TEXT_CHARS = 200  # shorter than two sentences of news is a widget or a stub, not an article
# ...counting a Han character (Chinese, Japanese kanji) as 4 and a kana or Hangul one as 3: English runs about
# 4 and 3 times as long as the same news in them (a three-sentence brief: 64 characters of Chinese, 100 of
# Korean, 250 of English), and such briefs were skipped as stubs
HAN_CHAR_WEIGHT = 4
KANA_HANGUL_CHAR_WEIGHT = 3
MIN_FILE_BYTES = 16  # below this a file cannot hold a sentence; say "too small", not "too short after cleaning"
HTTP_TIMEOUT_S = 20.0  # a news page that has not answered in 20 s is down; the run must go on
# ...and one that drips a byte every few seconds never trips that per-read timeout: the whole download of one
# URL must end within briefing.options.DEFAULT_FETCH_DEADLINE_S (--fetch-deadline)
FETCH_CHUNK_BYTES = 64 * 1024  # read a download in pieces, checking the deadline and the size limit between them
DATE_WEEKDAY_YEARS = 7  # a weekday + day + month repeats every 5-11 years: look back no further than one cycle
DATE_LEAD_PARAGRAPHS = 3  # dates written later in a story are about other events (history, plans)
TITLE_MIN_WORDS = 3  # "Voir plus", "Photo" and section labels are not headlines
CAPTION_MAX_CHARS = 260  # photo captions seen in seeds/ run 25-230 characters; real paragraphs run longer
CAPTION_REPEAT_COVERAGE = 0.8  # a short line whose words are 80 % inside one paragraph repeats it (a caption)
NEAR_DUPLICATE_PARAGRAPH = 0.8  # word-set Jaccard above which two paragraphs are one (an edited lead, a caption twice)
NEAR_DUPLICATE_ARTICLE = 0.8  # share of the shorter copy's 5-word phrases in the other: reposts, feed summaries
# a 5-word phrase in more articles than this is a site's footer or boilerplate, not one story reposted: it is left
# out of the duplicate comparison, so each phrase is looked up in at most this many articles (linear, not quadratic)
COMMON_SHINGLE_ARTICLES = 50
# an article with fewer phrases of its own (not common) than this, about 30 words, is compared on all its phrases:
# a story many outlets carry leaves each copy only its credit line or added sentence of its own (60 copies of one
# seed story, each with a sentence added, never merged); a story under a site's long footer has more of its own
DUPLICATE_OWN_MIN_PHRASES = 25
# UTF-8 text with at most one bad byte per 1,000 (a stray \xff from a broken copy) is read with those bytes
# replaced; a legacy code page fails UTF-8 on every accented letter, far more often than that
UTF8_MAX_BAD_SHARE = 0.001
# libxml2 parses a tag's attributes in quadratic time (100,000 on one tag: a minute); real pages put a few
# dozen at most on one element, so a tag with more is reduced to its bare name before parsing
MAX_TAG_ATTRIBUTES = 256
SKIPPED_SHOWN = 3  # a build's summary line names this many skipped sources; `briefing ingest` lists them all
SKIPPED_NAME_CHARS = 200  # ...each cut at this length (a path rarely is longer; a hostile one may be 4,096)
REPEAT_WINDOW = 60  # near-repeats sit within a screen of each other; a window keeps 20 MB files linear
TEASER_MIN_BEFORE = 400  # a "Voir plus" cut only ends the story when a real story (two paragraphs) precedes it

SHINGLE_WORDS = 5  # near duplicates share five-word phrases (shingles): shared phrases, not shared vocabulary
SOURCE_CACHE_FILE = "sources.sqlite"  # beside the translation cache: a rerun reads no unchanged file twice (cache.py)
