"""The email: the HTML digest with its CSS inlined (css-inline, remote loading off) and kept under Gmail's
clipping limit whatever the week's size."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import css_inline
import jinja2

from briefing.errors import TemplateProblem
from briefing.log import get_logger
from briefing.records import Briefing
from briefing.render.settings import EMAIL_MAX_BYTES
from briefing.render.templates import EMAIL_TEMPLATE, render_template
from briefing.render.views import Shown, story_views

log = get_logger(__name__)

def inline_email(html: str) -> str:
    """The email HTML with its <style> rules moved into style attributes; @media rules kept for dark mode."""
    inliner = css_inline.CSSInliner(
        load_remote_stylesheets=False, keep_at_rules=True, minify_css=True, keep_link_tags=False,
    )
    try:
        return inliner.inline(html)
    except css_inline.InlineError as exc:
        raise TemplateProblem(f"{EMAIL_TEMPLATE}: its CSS could not be inlined ({exc})") from None


def email_html(env: jinja2.Environment, context: dict[str, Any], dirs: Sequence[Path], briefing: Briefing,
               shown: Shown, *, bilingual: bool) -> str:
    """The inlined email, under EMAIL_MAX_BYTES whatever the week's size.

    Everything fits in a small week. Past the budget the one-line list is cut first, then, only if the email
    is still too big without it, the stories shown in full, the lowest-ranked first; the email then says how
    many more stories the PDF has. Each cut is found by bisection over a count, a dozen renders at most.
    """
    def size_of(candidate: Shown) -> tuple[int, str]:
        html = inline_email(render_template(env, EMAIL_TEMPLATE, {
            **context, **story_views(briefing, candidate, bilingual)}, dirs))
        return len(html.encode("utf-8")), html

    budget = EMAIL_MAX_BYTES
    size, html = size_of(shown)
    if size <= budget:
        return html
    stories = len(briefing.stories)
    lines = max(0, stories - shown.full)
    fits = _largest(lambda n: size_of(Shown(shown.top, shown.full, n))[0] <= budget, 0, lines)
    if fits is None:  # even without the list: fewer stories in full
        low = min(shown.top, shown.full)
        full = _largest(lambda n: size_of(Shown(min(shown.top, n), n, 0))[0] <= budget, 1, shown.full)
        candidate = Shown(min(shown.top, full or low), full or low, 0)
    else:
        candidate = Shown(shown.top, shown.full, fits)
    size, html = size_of(candidate)
    log.info("the email shows %d of %d stories in full and lists %d more (%d KB); the PDF has them all",
             min(candidate.full, stories), stories, candidate.listed or 0, size // 1000)
    return html


def _largest(fits: Callable[[int], bool], low: int, high: int) -> int | None:
    """The largest n in [low, high] with fits(n), for a `fits` that holds up to some n and fails above it."""
    if high < low or not fits(low):
        return None
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low
