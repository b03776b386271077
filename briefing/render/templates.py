"""The Jinja templates: where they are looked up (the user's `--templates DIR` first, file by file, then the
shipped ones), the environment they render in, and template faults as one-line errors naming file and line.

HTML templates are autoescaped, so article text is never markup; every printed value loses invisible
characters (bidi overrides, controls) whichever field it comes from."""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from briefing.errors import TemplateProblem
from briefing.records import Article, Briefing, Period, Section, Story
from briefing.render.display import display_text, language_name
from briefing.render.views import Shown, template_context
from briefing.runtime.shipped import TEMPLATES_DIR

PDF_TEMPLATE = "briefing.html"
EMAIL_TEMPLATE = "email.html"
TEXT_TEMPLATE = "briefing.txt"
TEMPLATE_NAMES = (PDF_TEMPLATE, EMAIL_TEMPLATE, TEXT_TEMPLATE)


def template_dirs(templates_dir: Path | None) -> tuple[Path, ...]:
    """The folders templates are looked up in: the user's first (file by file), then the shipped ones.

    Raises TemplateProblem when the user's folder does not exist or holds none of the templates.
    """
    if templates_dir is None:
        return (TEMPLATES_DIR.resolve(),)
    folder = Path(templates_dir)
    if not folder.is_dir():
        raise TemplateProblem(f"templates folder {folder} not found: give a folder holding "
                              f"{', '.join(TEMPLATE_NAMES)} (copy them from {TEMPLATES_DIR})")
    if not any((folder / name).is_file() for name in TEMPLATE_NAMES):
        raise TemplateProblem(f"templates folder {folder} holds none of {', '.join(TEMPLATE_NAMES)}: "
                              f"copy the ones you want to change from {TEMPLATES_DIR}")
    return (folder.resolve(), TEMPLATES_DIR.resolve())


def _printable(value: Any) -> Any:
    if isinstance(value, markupsafe.Markup):  # already escaped (e.g. by `join`): dropping characters keeps it safe
        return markupsafe.Markup(display_text(value))
    return display_text(value) if isinstance(value, str) else value


def template_environment(dirs: Sequence[Path]) -> jinja2.Environment:
    """A Jinja environment over `dirs`: HTML autoescaped, invisible characters dropped, undefined names errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=jinja2.select_autoescape(["html", "htm", "svg", "xml"], default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_printable,  # every printed value, whichever field it comes from
    )
    env.filters["language"] = language_name
    return env


def _template_location(exc: BaseException, dirs: Sequence[Path]) -> str | None:
    """ "FILE, line N" of the innermost template frame in `exc`'s traceback, if any."""
    roots = [str(d) for d in dirs]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if any(frame.filename.startswith(root) for root in roots):
            return f"{frame.filename}, line {frame.lineno}"
    return None


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any], dirs: Sequence[Path]) -> str:
    """Template `name` rendered with `context`; any template fault becomes a TemplateProblem naming file and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        source = exc.filename or exc.name or name
        raise TemplateProblem(f"{source}, line {exc.lineno}: {exc.message} (fix the template syntax)") from None
    except jinja2.TemplateNotFound as exc:
        including = _template_location(exc, dirs)
        place = f" (included from {including})" if including else ""
        folders = " or ".join(str(d) for d in dirs)
        raise TemplateProblem(f"template {exc.name!r} not found in {folders}{place}") from None
    except Exception as exc:  # a template's own expression failed: report where, not a traceback
        location = _template_location(exc, dirs)
        if location is None:
            raise
        raise TemplateProblem(f"{location}: {type(exc).__name__}: {exc}") from None


def check_templates(templates_dir: Path | None) -> None:
    """Render every template once with a one-article sample, so a broken one fails before a long build.

    Raises TemplateProblem naming the file and line (syntax errors, missing includes, unknown names).
    """
    sample = Article(id="check", path="check", title="Titre", text="Texte.", lang="fr", summary="Résumé.",
                     url="https://example.org/", publisher="Agence", date=dt.date(2000, 1, 1))
    stories = tuple(  # one top story, one in a section, one listed in a line: every part of every template
        Story(id=f"s{rank}", articles=(sample, sample), lang="fr", title="Titre", summary="Résumé.", title_en="Title",
              summary_en="Summary of 3 billion USD.", rank=rank, theme="Check")
        for rank in (1, 2, 3)
    )
    briefing = Briefing(title="Check", period=Period(None, None), sections=(Section("Check", stories, ("k",)),),
                        generated=dt.datetime(2000, 1, 1), languages=("fr",), publishers=(), translated=True,
                        engine=None)
    dirs = template_dirs(templates_dir)
    env = template_environment(dirs)
    context = template_context(briefing, bilingual=True, shown=Shown(top=1, full=2, listed=1))
    for name in TEMPLATE_NAMES:
        render_template(env, name, context, dirs)
