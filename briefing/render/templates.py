"""The Jinja templates: where they are looked up (the user's `--templates DIR` first, file by file, then the
shipped ones), the environment they render in, and template faults as one-line errors naming file and line.

HTML templates are autoescaped, so article text is never markup; every printed value loses invisible
characters (bidi overrides, controls) whichever field it comes from. A template is code from outside the
program: it renders in Jinja's immutable sandbox (no attribute starting with `_`, no way to `os` or to
change the records), and template files are read only from inside their folders (a link leaving one is
refused, naming it)."""

from __future__ import annotations

import datetime as dt
import functools
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
import markupsafe
from jinja2.loaders import split_template_path

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


class FolderLoader(jinja2.BaseLoader):
    """Templates from `dirs` in order, each read only from inside its folder: a name whose real path (links
    followed) leaves the folder raises TemplateProblem naming the file, never reads what it points to."""

    def __init__(self, dirs: Sequence[Path]) -> None:
        self.dirs = tuple(Path(d).resolve() for d in dirs)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        """The template's text, its file name and an up-to-date check (jinja2.BaseLoader's contract)."""
        pieces = split_template_path(template)  # refuses "..", as FileSystemLoader does
        for folder in self.dirs:
            shown = folder.joinpath(*pieces)
            real = shown.resolve()
            if not real.is_file():
                continue
            if not real.is_relative_to(folder):
                raise TemplateProblem(f"template {shown} is a link to {real}, outside the templates folder "
                                      f"{folder}: put the file itself in the folder")
            data = real.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise TemplateProblem(f"template {shown} is not UTF-8 text: save it as UTF-8") from None
            return text, str(shown), functools.partial(_unchanged, real, data)
        raise jinja2.TemplateNotFound(template)


def _unchanged(path: Path, data: bytes) -> bool:
    """Whether `path` still holds `data` (a compiled template is reused on its bytes, not on a file time)."""
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def template_environment(dirs: Sequence[Path]) -> jinja2.Environment:
    """A sandboxed Jinja environment over `dirs`: HTML autoescaped, invisible characters dropped, undefined
    names errors, files only from inside the folders."""
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=FolderLoader(dirs),
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
    except TemplateProblem:
        raise
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
