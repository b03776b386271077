"""Stage 5, themes: the week's stories gathered into named sections, from a taxonomy or discovered.

Contract. In: ranked stories with their English text (title and summary; for a story listed in one line,
the English text it was grouped on, else its English title). Out: every story with `theme` and
`theme_score` set, in `Section`s: the theme with most stories first, themes with under 5 % of the stories
merged into "Other", which is always last; each section's stories in rank order, with its keywords. Both
modes work on MiniLM vectors (`briefing.embed`); never changes a story's rank, text or grouping.

- `taxonomy.py`  the themes file (`load_themes`) and assignment to its themes (the default mode)
- `discover.py`  `--auto`: the week's own themes, their number chosen unless given
- `refine.py`    the numerics both share (EM over the batch, word counts)
- `labels.py`    distinctive keywords and readable labels
- `stage.py`     `group_stories` (the pipeline), `theme_records` (`briefing themes`)
- `settings.py`  the tuned numbers, each with its reason
"""

from briefing.themes.settings import OTHER_THEME
from briefing.themes.stage import group_stories, story_text, theme_records
from briefing.themes.taxonomy import DEFAULT_THEMES_FILE, load_themes

__all__ = ["DEFAULT_THEMES_FILE", "OTHER_THEME", "group_stories", "load_themes", "story_text", "theme_records"]
