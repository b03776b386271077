"""Stage 4, translation: what the briefing shows, into the target language, offline.

Contract. In: stories (or articles) with their texts in their own language, an engine name ("auto", or one
of `ENGINES`), an optional glossary and a cache. Out: the same records with `title_en`, `summary_en` and
`figure_sentences_en` filled (records already in the target language copied; a record not shown in full
gets only its title), flagged "translation-suspect" where a guard kept the source, "untranslated" where no
engine could. Raises `ModelMissing` up front, naming the pair and the install command, when no language can
be translated; never downloads anything; one line out per line in for `briefing translate`.

- `engines.py`     the `Engine` protocol and the registry `ENGINES` ("auto" = the first that can do a pair)
- `argos.py`       Argos packages (CTranslate2 + SentencePiece): models installed, found, loaded
- `apertium.py`    Debian's Apertium modes, direct or through a pivot language
- `translator.py`  `Translator`: sentences → protect → cache → engine → guards → restore
- `protect.py`     placeholders for URLs, amounts and glossary terms; figures written the English way
- `glossary.py`    the shipped and user glossaries
- `cache.py`       the translation cache (`translations.sqlite`)
- `stage.py`       the stage: `translate_records`, `translate_by_language`
- `settings.py`    the tuned numbers, each with its reason
"""

from briefing.translate.engines import ENGINE_CHOICES, ENGINES
from briefing.translate.stage import (
    UNTRANSLATED,
    as_is,
    translate_articles,
    translate_by_language,
    translate_records,
)
from briefing.translate.translator import Translated, Translator, open_translator

__all__ = [
    "ENGINES", "ENGINE_CHOICES", "UNTRANSLATED", "Translated", "Translator", "as_is", "open_translator",
    "translate_articles", "translate_by_language", "translate_records",
]
