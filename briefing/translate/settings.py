"""Tuned numbers of stage 4, translation (translator, guards, engines), each with its reason."""

from __future__ import annotations

import os
from pathlib import Path

TRANSLATION_CACHE_FILE = "translations.sqlite"  # under $XDG_CACHE_HOME/briefing: reruns reuse it, `rm` is safe
TRANSLATE_BLOCK = 5000  # sentences per pass through split/cache/engine (~1 MB): memory stays flat on huge inputs
# Segments a worker translates at once at most (--jobs, --cluster; a block is cut in one chunk per worker): an
# apertium chain costs ~0.7 CPU s to start and 2,500 news sentences ~13 CPU s, so start-up stays near 5 %
TRANSLATE_WORKER_SEGMENTS = 2500
# Guards: output a translation that loops or balloons is not shown; the source is kept and flagged.
GUARD_LENGTH_RATIO = 3.0  # newstest2013: English runs 0.55-1.33x the French characters (98 %), 2.1x at most
GUARD_LENGTH_SLACK = 30  # short lines ("Hanoi", "NIC") may legitimately grow by a few words
GUARD_MAX_REPEATS = 4  # the same 1-4 word group 4 times in a row is a decoder loop, not prose
# argos (CTranslate2 + SentencePiece)
ARGOS_MAX_INPUT_TOKENS = 400  # far under CTranslate2's 1024 cut: only run-ons and lists are split, at clause breaks
# A package file is unpacked to be checked, then installed: its members may add up to this much (the largest
# Argos packages unpack to under 1 GB), and to at most this many times the file (weights barely compress: real
# packages unpack to 1-2x), so a small file cannot fill the disk (1.5 MB of zeros once unpacked to 1.5 GB)
ARGOS_MAX_UNPACKED_BYTES = 4 << 30
ARGOS_MAX_UNPACK_RATIO = 20
ARGOS_MAX_MEMBERS = 1_000  # ...and hold at most this many files (a package has a dozen; a million fills the inodes)
ARGOS_MAX_METADATA_BYTES = 1 << 20  # metadata.json names a language pair and a version: a few hundred bytes
ARGOS_BATCH_SIZE = 32  # argostranslate's own default; CTranslate2 sorts by length inside, so padding stays low
ARGOS_BEAM_SIZE = 4  # argostranslate's default: the same decoding its own `argos-translate` does for a model
ARGOS_MAX_DECODING = 512  # above ARGOS_MAX_INPUT_TOKENS x the guard ratio; a loop stops here and is caught
ARGOS_INTER_THREADS = 1  # one batch at a time: the pipeline feeds one stream of batches
ARGOS_INTRA_THREADS = min(4, os.cpu_count() or 1)  # all cores up to 4: CTranslate2's default (0) takes every core
# apertium (rule-based, Debian packages)
APERTIUM_MAX_SEGMENT_CHARS = 2000  # apertium has no limit, but a runaway 50 kB "sentence" should not stall a batch
APERTIUM_BLOCK_LINES = 5000  # lines per pipeline: starting fr-es | spa-eng costs ~0.7 CPU-s, 3,000 lines ~16 CPU-s
APERTIUM_TIMEOUT_S = 600.0  # 3,000 news sentences take ~25 s through the two-step fr->es->en chain
# Preferred mode chains; other pairs use a direct mode, else a pivot found in `apertium -l`.
APERTIUM_CHAINS: dict[tuple[str, str], tuple[str, ...]] = {
    ("fr", "en"): ("fr-es", "spa-eng"),  # no fr-en package in Debian; Spanish is the best-covered pivot
}
# Around apertium's French -> English (postedit.py, unknown.py; benchmarks/translate.py measures each step).
# Words fr-es does not know (5.7 % of the words of a general-domain test set) and Spanish words spa-eng leaves
# get English from the Catalan chains on those words alone, then FreeDict, then spelling rules.
FR_EN_CATALAN = ("fra-cat", "cat-eng")  # Debian: apertium-fra-cat, apertium-eng-cat
ES_EN_CATALAN = ("spa-cat", "cat-eng")  # Debian: apertium-spa-cat, apertium-eng-cat
DICTIONARY_DIR = Path("/usr/share/dictd")  # Debian: dict-freedict-fra-eng, dict-freedict-spa-eng (files read directly)
# English names on the Names lines and in the index (stage.py `_named_in_english`). A name is translated alone,
# without context, so only where the result can be checked: a place when apertium's English is a place English
# news writes (text/data/names/places.txt: "Japon" -> "Japan"; "Le Mans" gave "Tame", "Tours" "Torres"); an
# organisation named by what it is, its first word one of these, when its other capitalised words survive
# ("Conseil de Paris" -> "Council of Paris"; "Agence France-Presse" gave "Agency France-Hastens", "Fondation
# Charles de Gaulle" "Foundation Chat of Gaulle": kept as written). "cour", "office", "chambre" and "parti" gave
# "Yard of the accounts", "National job of the forests", "Camera of trade", "Party Socialist": not here. Any
# name the glossary gives whole is translated as it says ("Banque mondiale" -> "World Bank").
ENGLISH_NAME_HEADS = frozenset((
    "agence", "académie", "assemblée", "association", "autorité", "banque", "bureau", "centre", "comité",
    "commission", "conseil", "direction", "fonds", "fédération", "gouvernement", "institut", "ministère",
    "organisation", "union",
))
