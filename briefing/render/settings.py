"""Tuned numbers of stage 6, rendering (views, email budget, PDF, plain text), each with its reason."""

from __future__ import annotations

# Titles are shown cut to this: news headlines run 40-120 characters, and WeasyPrint's line breaking is
# quadratic in a word's length (a 100,000-letter feed title took minutes); the JSON keeps the full title.
TITLE_DISPLAY_MAX_CHARS = 200
SUMMARY_FALLBACK_CHARS = 400  # an article without a summary shows this much of its text, never nothing
CHART_LABEL_CHARS = 28  # longer theme names are cut in the chart so the bars keep a readable width
EMAIL_WIDTH_PX = 600  # the width Gmail, Outlook and phones all show without horizontal scrolling
EMAIL_MAX_BYTES = 100_000  # Gmail clips a message body above 102 KB; stay under it with a margin
TEXT_WIDTH = 76  # plain-text lines stay under RFC 5322's 78 characters, with room for "> " quoting
# a build writes its four files within seconds: a `.briefing-*.tmp` this old was left by a crashed run
STALE_TEMPORARY_S = 3600.0
PDF_VARIANT = "pdf/ua-1"  # tagged, titled, language-marked PDF screen readers can follow; output stays reproducible
STORY_SOURCES_EMAIL = 4  # sources listed under a story in the email before "+N more" (the PDF lists all)
STORY_NAMES_SHOWN = 5  # a story's names line: its main people, organisations and places...
STORY_NAMES_CHARS = 100  # ...as many as fit in one line of the PDF (and about two of the email on a phone)
NAMED_KINDS = frozenset(("person", "organisation", "place"))  # the rule's untyped names ("other"): the JSON only
INDEX_KINDS = frozenset(("person", "organisation"))  # the PDF's closing index: who, not where
