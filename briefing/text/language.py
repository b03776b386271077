"""Language codes: their normal form, whether one names a language, and identification of a text's language."""

from __future__ import annotations

from briefing.log import get_logger
from briefing.text.settings import LANG_MIN_CHARS, LANGID_SAMPLE_CHARS

log = get_logger(__name__)

_UNKNOWN_LANGUAGES = frozenset({"", "und", "unknown", "mul", "zxx"})  # none, undetermined, several, no language


def language_key(lang: str) -> str:
    """The primary language subtag, lower-cased: "fr-FR", "FR" and "fr_CA" all give "fr"."""
    return lang.strip().lower().replace("_", "-").split("-")[0]


def known_language(lang: str) -> bool:
    """Whether `lang` names one language (not "", "und", "mul"...), whatever its case or region subtag."""
    return language_key(lang) not in _UNKNOWN_LANGUAGES


def detect_language(text: str, hint: str | None = None) -> str:
    """ISO 639-1 code of `text` by py3langid ("und" for text without letters); `hint` (a declared language)
    when the text is too short to tell."""
    if len(text) < LANG_MIN_CHARS and hint:
        return hint.lower()[:2]
    sample = text[:LANGID_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return "und"
    import py3langid

    code, _ = py3langid.classify(sample)
    log.debug("detected language %s", code)
    return str(code)
