"""Stage 4, stories: the week's articles grouped into stories across outlets and languages, ranked, summarised.

Contract (the pipeline calls `build_stories`; `briefing stories` calls the same pieces on JSONL records):

- `group.py`   grouping. Input: one `GroupInput` per article (its English title and lead: translated for
               articles not in English, else the original; `space` says which texts may be compared: "en"
               for English or translated text, the article's own language when no engine could translate it).
               Output: stories as lists of input positions. Needs no number of stories, keeps singletons,
               and never builds a dense n x n matrix: cost grows about linearly with the number of articles.
- `summary.py` one extractive summary per multi-article story, in the story's main language, from all its
               articles in that language, without repeating a fact, in reading order; length in sentences or
               words. Single-article stories keep `briefing.summarize` (the per-article summarizer).
- `rank.py`    importance: distinct publishers (independent sources), then articles, recency within the
               period, spread across languages; ties broken by a stable key.

Near-duplicate copies of a wire story were already merged by ingestion and count as one source.
"""

from briefing.stories.stage import StoriesResult, StoryOptions, build_stories, story_records, with_story_fields

__all__ = ["StoriesResult", "StoryOptions", "build_stories", "story_records", "with_story_fields"]
