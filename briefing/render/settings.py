"""Tuned numbers of stage 6, rendering (views, email budget, PDF, plain text), each with its reason."""

from __future__ import annotations

# Every text from input is shown cut to a bound (render/display.py `bounded`); the JSON keeps it whole. Input
# controls these fields, and WeasyPrint's layout cost grows with a field's length: a 20,000-character publisher
# in a table cell never finished, a 100,000-letter title took minutes.
TITLE_DISPLAY_MAX_CHARS = 200  # news headlines run 40-120 characters; also the bound of any other one-line field
PUBLISHER_DISPLAY_MAX_CHARS = 80  # "Agence France-Presse", "Vietnam News Agency (VNA)": outlet names are short
NAME_DISPLAY_MAX_CHARS = 80  # a person's or organisation's name in the names line and the index: as a publisher
THEME_DISPLAY_MAX_CHARS = 80  # twice the shipped taxonomy's longest name ("Digital infrastructure & data centres")
KEYWORD_DISPLAY_MAX_CHARS = 40  # a keyword is a word or a short name
KEYWORDS_SHOWN = 8  # keywords shown beside a section's name
FIGURE_VALUE_DISPLAY_MAX_CHARS = 60  # "1.8 billion US dollars"; a 100,000-digit "number" is not a figure
# above the longest summary one can ask for (--words 1000 is about 6,500 characters of English)
SUMMARY_DISPLAY_MAX_CHARS = 8_000
# A run of this many characters with no space gets an invisible break opportunity (U+200B) after it:
# WeasyPrint's line breaking is quadratic in a word's length (8,000 letters took 4 s, 200 take nothing), and
# no word is this long (Chinese and Thai, written without spaces, break between words anyway).
LONG_RUN_BREAK_CHARS = 200
# A link longer than this is dropped, not cut (a cut link leads elsewhere): browsers and mail clients handle
# about 2,000 characters, and no article's address is longer.
URL_MAX_CHARS = 2_048
SUMMARY_FALLBACK_CHARS = 400  # an article without a summary shows this much of its text, never nothing
# Theme names are shown whole in the chart, wrapped onto lines this long in the PDF's label column (220 px of
# 11 px type) and the text digest's: the shipped taxonomy's longest name takes two lines.
CHART_LABEL_LINE_CHARS = 34
EMAIL_WIDTH_PX = 600  # the width Gmail, Outlook and phones all show without horizontal scrolling
EMAIL_MAX_BYTES = 100_000  # Gmail clips a message body above 102 KB; stay under it with a margin
TEXT_WIDTH = 76  # plain-text lines stay under RFC 5322's 78 characters, with room for "> " quoting
# a build writes its four files within seconds: a `.briefing-*.tmp` this old was left by a crashed run
STALE_TEMPORARY_S = 3600.0
PDF_VARIANT = "pdf/ua-1"  # tagged, titled, language-marked PDF screen readers can follow; output stays reproducible
# "Also this week" in the PDF and the text digest lists this many stories past those shown in full, by rank, then
# counts the rest by theme and points to the JSON file, which has them all. A listed story is one or two 8-point
# lines (30 to 44 to an A4 page), so this is 5 to 7 pages. The stories in full take 20 pages for 2,000 real
# French articles and 27 for 20,000 (bigger stories list more sources), the index 3 to 4: 400 made the
# 20,000-article week 44 pages, 200 makes it 37 (and 2,000 articles 30). Listing every story made it 158 pages
# nobody reads to the end.
PDF_LISTED_MAX = 200
STORY_SOURCES_EMAIL = 4  # sources listed under a story in the email before "+N more"
# ...and in the PDF, two to a line: a story of 300 outlets listed whole took 10 pages; past this many, the PDF
# lists the first article of each publisher up to it, then "+N more" (every article is in the JSON file).
STORY_SOURCES_PDF = 12
STORY_NAMES_SHOWN = 5  # a story's names line: its main people, organisations and places...
STORY_NAMES_CHARS = 100  # ...as many as fit in one line of the PDF (and about two of the email on a phone)
NAMED_KINDS = frozenset(("person", "organisation", "place"))  # the rule's untyped names ("other"): the JSON only
INDEX_KINDS = frozenset(("person", "organisation"))  # the PDF's closing index: who, not where
