"""The email: the HTML digest with its CSS inlined (css-inline, remote loading off) and kept under Gmail's
clipping limit whatever the week's size."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import css_inline
import jinja2

from briefing.errors import TemplateProblem
from briefing.log import get_logger
from briefing.records import Briefing
from briefing.render.settings import EMAIL_MAX_BYTES, SUMMARY_DISPLAY_MAX_CHARS
from briefing.render.templates import EMAIL_TEMPLATE, render_template
from briefing.render.views import Shown, story_views

log = get_logger(__name__)


def inline_email(html: str) -> str:
    """The email HTML with its <style> rules moved into style attributes; @media rules kept for dark mode; and
    no CSS that would load anything when the mail is opened (`_local_css`)."""
    inliner = css_inline.CSSInliner(
        load_remote_stylesheets=False, keep_at_rules=True, minify_css=True, keep_link_tags=False,
    )
    try:
        inlined = inliner.inline(html)
    except css_inline.InlineError as exc:
        raise TemplateProblem(f"{EMAIL_TEMPLATE}: its CSS could not be inlined ({exc})") from None
    return _STYLE_ATTRIBUTE.sub(_local_css, _STYLE_BLOCK.sub(_local_css, inlined))


_STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.IGNORECASE | re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r'(\sstyle=")([^"]*)(")', re.IGNORECASE)
_IMPORT = re.compile(r"@import\b[^;]*;?", re.IGNORECASE)
_URL = re.compile(r"(?:url|(?:-webkit-)?image-set)\(\s*(?:&quot;|[\"'])?\s*(?!data:|#)[^)]*\)", re.IGNORECASE)
_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", re.DOTALL)


def _local_css(match: re.Match[str]) -> str:
    """A style block or attribute without @import rules and with every url() and image-set() but data: and
    #fragment ones made `none`: a user's email.css with `@import url(http://...)` or a remote background image
    made the email load it (a tracking pixel, or a leak that the mail was read). CSS escapes could spell them
    (`\\75 rl(`, `@\\69mport`): CSS that still loads something once its escapes are read is dropped whole.
    The shipped CSS has none of these."""
    opening, css, closing = match.groups()
    local = _URL.sub("none", _IMPORT.sub("", css))
    if "\\" in local:
        decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), local)
        if _URL.search(decoded) or _IMPORT.search(decoded):
            return opening + closing
    return opening + local + closing


def email_html(env: jinja2.Environment, context: dict[str, Any], dirs: Sequence[Path], briefing: Briefing,
               shown: Shown, *, bilingual: bool) -> tuple[str, Shown]:
    """The inlined email, under EMAIL_MAX_BYTES whatever the week and whatever its stories hold, and what it
    shows (the text part shows the same).

    Everything fits in a small week. Past the budget, the first of these that fits is sent: the one-line list
    cut; then fewer stories in full (the lowest-ranked go first); then the top story alone with its summaries
    cut short; then no story in full. The email then says how many more stories the PDF and the JSON file have
    (the email never lists more than the PDF does). Each cut is
    found by bisection over a count, a dozen renders at most. Every field is bounded for display already, so
    with the shipped templates the last resort always fits; a template that is too big on its own is sent
    as it is, with a warning.
    """
    def size_of(candidate: Shown) -> tuple[int, str]:
        html = inline_email(render_template(env, EMAIL_TEMPLATE, {
            **context, **story_views(briefing, candidate, bilingual)}, dirs))
        return len(html.encode("utf-8")), html

    def fits(candidate: Shown) -> bool:
        return size_of(candidate)[0] <= EMAIL_MAX_BYTES

    size, html = size_of(shown)
    if size <= EMAIL_MAX_BYTES:
        return html, shown
    stories = len(briefing.stories)
    most_lines = max(0, stories - shown.full) if shown.listed is None else shown.listed
    lines = _largest(lambda n: fits(Shown(shown.top, shown.full, n)), 0, most_lines)
    full = None if lines is not None else _largest(lambda n: fits(Shown(min(shown.top, n), n, 0)), 1, shown.full)
    chars = None if lines is not None or full is not None else _largest(
        lambda n: fits(Shown(1, 1, 0, summary_chars=n)), 0, SUMMARY_DISPLAY_MAX_CHARS)
    if lines is not None:
        candidate = Shown(shown.top, shown.full, lines)
    elif full is not None:
        candidate = Shown(min(shown.top, full), full, 0)
    elif chars is not None:
        candidate = Shown(1, 1, 0, summary_chars=chars)
    else:
        candidate = Shown(0, 0, 0)
    size, html = size_of(candidate)
    if size > EMAIL_MAX_BYTES:
        log.warning("the email is %d KB without any story in full, over the %d KB budget: its template is too big "
                    "on its own", size // 1000, EMAIL_MAX_BYTES // 1000)
    cut = f", its summary cut to {chars} characters" if chars is not None else ""
    log.info("the email shows %d of %d stories in full%s and lists %d more (%d KB); the JSON has them all",
             min(candidate.full, stories), stories, cut, candidate.listed or 0, size // 1000)
    return html, candidate


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
