"""Stage 2, summaries: each article's extractive summary in its own language, and its figure sentences.

Contract. In: `Article`s with their cleaned text and language (stage 1). Out: the same articles with
`summary` (n of their own sentences, in reading order, joined by one space) and `figure_sentences` (the
other sentences that state amounts or shares, for the key-figures box). Never translates, never drops
or reorders articles, never reads files; one article's summary never depends on another article.

- `rankers.py`    strategies in the registry `SUMMARIZERS` ("centroid" is the default, "lead" the baseline)
- `stage.py`      `summarize` (one text), `summarize_article` (the pipeline), `summarize_records` (JSONL)
- `figures.py`    figure sentences per article; the key figures of the stories shown (read by stage 6)
- `settings.py`   the tuned numbers, each with its reason
"""

from briefing.summarize.figures import with_figure_sentences
from briefing.summarize.rankers import SUMMARIZERS
from briefing.summarize.stage import summarize, summarize_article, summarize_records

__all__ = ["SUMMARIZERS", "summarize", "summarize_article", "summarize_records", "with_figure_sentences"]
