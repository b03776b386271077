"""Stage 3, stories: the week's articles grouped into stories across outlets and languages, ranked, summarised.

Contract. In: the week's summarised articles (stage 2) and the period. Out: `Story`s in rank order (each
with its articles in reading order, main language, best real headline, one summary, figure sentences) and
the articles with their `story` set. Never merges articles of languages it cannot compare, never invents a
headline when a real one exists, never lets a story's rank depend on input order. The pipeline calls
`build_stories`; `briefing stories` calls the same pieces on JSONL records (`story_records`).

- `group.py`   grouping. Input: one `GroupInput` per article (its title and lead in its `space`, the
               language they are compared in: "en" for English or translated text in a week of several
               languages; the article's own language in a week of one, or when no engine could translate it).
               Output: stories as lists of input positions. Needs no number of stories, keeps singletons,
               keeps single articles out of stories they are not close to as a whole, keeps a week that is
               mostly one event whole, and never builds a dense n x n matrix: memory grows linearly with
               the number of articles (fixed-size similarity blocks, a k-neighbour graph); time about with
               its square, but small (about 2 CPU s for 5,000 articles, embedding excluded).
- `entities.py` a story's people, organisations and places: the names its articles share (each article's
               from `briefing.text.entities`, matched across languages), the most named first.
- `summary.py` one extractive summary per multi-article story, in the story's main language, from all its
               articles in that language, without repeating a fact, in reading order; length in sentences or
               words. Single-article stories keep `briefing.summarize` (the per-article summarizer).
- `stage.py`   the stage itself: grouping text (titles and leads, translated when the week mixes
               languages), grouping, one `Story` per group with its headline, summary and figure sentences,
               then ranking; and `briefing stories`.
- `settings.py` the tuned numbers, each with its reason.
- `rank.py`    importance: distinct publishers (independent sources), then articles, recency within the
               period, spread across languages; ties broken by a stable key.

Near-duplicate copies of a wire story were already merged by ingestion and count as one source.
"""

from briefing.stories.stage import StoriesResult, StoryOptions, build_stories, story_records, with_story_fields

__all__ = ["StoriesResult", "StoryOptions", "build_stories", "story_records", "with_story_fields"]
