"""Stage 6, rendering: the briefing as a PDF, an email HTML, a plain-text digest and a JSON record.

Contract. In: a `Briefing` (every story of the period, ranked, translated and themed in sections), an
output folder, optional user templates and the display options (paper, bilingual, top, max stories).
Out: `briefing-<label>.pdf/.html/.txt/.json`, published together, and their paths (`Outputs`). The top
stories come first, then the theme sections with the next stories in full, then the rest in one line; the
email stays under EMAIL_MAX_BYTES whatever the week. Never fetches anything from the network or outside the
template folders, never lets article text become markup, never changes what a story says; the JSON keeps
every value whole where the pages cut it for display.

- `views.py`      what the templates see (`StoryView`, `BriefView`, sections, chart) and `template_context`
- `display.py`    dates, safe links, and `bounded`: every text from input cut to a length the layout handles
- `templates.py`  template lookup (`--templates DIR` over the shipped ones), the Jinja environment, faults
- `pdf.py`        WeasyPrint with a fetcher limited to the template folders
- `email.py`      CSS inlining and the email size budget
- `json_file.py`  the JSON record
- `stage.py`      `render`: all four built, then published together
- `settings.py`   the tuned numbers, each with its reason
"""

from briefing.render.display import period_text
from briefing.render.stage import render
from briefing.render.templates import check_templates

__all__ = ["check_templates", "period_text", "render"]
