"""Stage 6, rendering, as one run: the PDF, the email HTML, the plain text and the JSON built in memory,
then published together (each to a temporary file in the same folder, then all renamed), so a crash never
leaves a half-written or mixed briefing behind."""

from __future__ import annotations

import re
from pathlib import Path

from briefing.errors import RenderError
from briefing.log import get_logger
from briefing.options import DEFAULT_MAX_STORIES, DEFAULT_TOP_STORIES, PAPER_SIZES
from briefing.records import GENERATOR, OWN_OUTPUT_SIGN_OFF, Briefing, Outputs, own_output
from briefing.render.email import email_html
from briefing.render.json_file import briefing_json
from briefing.render.pdf import write_pdf_bytes
from briefing.render.settings import PDF_LISTED_MAX, STALE_TEMPORARY_S
from briefing.render.templates import PDF_TEMPLATE, TEXT_TEMPLATE, render_template, template_dirs, template_environment
from briefing.render.views import Shown, file_stem, story_views, template_context, week_figures
from briefing.runtime.files import publish_together, remove_stale_temporaries

log = get_logger(__name__)

_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)


def marked_html(html: str) -> str:
    """The email HTML with briefing's mark (`<meta name="generator">`) in its head, even from a user's template
    that lacks it: ingestion then never reads it back as an article, wherever it is copied."""
    if own_output(html) is not None:
        return html
    meta = f'<meta name="generator" content="{GENERATOR}">'
    head = _HEAD.search(html[:16_000])
    return html[: head.end()] + meta + html[head.end() :] if head else meta + html


def marked_text(text: str) -> str:
    """The text digest ending with briefing's mark (OWN_OUTPUT_SIGN_OFF), even from a user's template."""
    return text if own_output(text) is not None else f"{text.rstrip()}\n\n{OWN_OUTPUT_SIGN_OFF}\n"


def render(
    briefing: Briefing,
    out_dir: Path,
    *,
    templates_dir: Path | None = None,
    paper: str = "A4",
    bilingual: bool = False,
    top: int = DEFAULT_TOP_STORIES,
    max_stories: int = DEFAULT_MAX_STORIES,
) -> Outputs:
    """Write briefing-<label>.pdf, .html, .txt and .json to `out_dir` and return their paths.

    The top `top` stories come first, then the theme sections with the next stories in full, up to
    `max_stories` in all, then the next PDF_LISTED_MAX stories in one line, then the rest counted by theme (the
    JSON has every story). The email keeps under EMAIL_MAX_BYTES (see
    `email_html`). Every file is built in memory first, then the four are published together (all
    written, then all renamed): a template fault (TemplateProblem), a layout failure or a full disk
    (RenderError) leaves the previous set untouched. Temporary files an interrupted run left behind are
    removed.
    """
    if paper not in PAPER_SIZES:
        raise RenderError(f"paper size {paper!r} is not one of {', '.join(PAPER_SIZES)}")
    dirs = template_dirs(templates_dir)
    env = template_environment(dirs)
    shown = Shown(top=min(top, max_stories), full=max_stories, listed=PDF_LISTED_MAX)
    context = template_context(briefing, paper=paper, bilingual=bilingual, shown=shown)

    pdf_html = render_template(env, PDF_TEMPLATE, context, dirs)
    html, emailed = email_html(env, context, dirs, briefing, shown, bilingual=bilingual)
    email_bytes = marked_html(html).encode("utf-8")
    # the text is the email's plain part: it shows what the HTML shows, so the whole message keeps its budget
    text = marked_text(render_template(env, TEXT_TEMPLATE, {**context, **story_views(briefing, emailed, bilingual)},
                                       dirs))
    pdf = write_pdf_bytes(pdf_html, dirs)

    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = file_stem(briefing)
        outputs = Outputs(*(out_dir / f"{stem}.{ext}" for ext in ("pdf", "html", "txt", "json")))
        for leftover in remove_stale_temporaries(out_dir, "briefing-", STALE_TEMPORARY_S):
            log.info("removed %s, left by an interrupted run", leftover.name)
        publish_together([
            (outputs.pdf, pdf),
            (outputs.html, email_bytes),
            (outputs.txt, text.encode("utf-8")),
            (outputs.json, briefing_json(briefing, week_figures(briefing, shown)).encode("utf-8")),
        ])
    except OSError as exc:
        raise RenderError(f"could not write the briefing to {out_dir}: {exc.strerror or exc}") from None
    log.info("wrote %s", ", ".join(p.name for p in outputs.all()))
    return outputs
