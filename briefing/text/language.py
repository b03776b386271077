"""Language codes: the one normal form of a code from input, whether one names a language, its English name,
and identification of a text's language.

A language code comes from input in many places (a record's "lang", an HTML `lang` attribute, a feed's
`<language>`, `--lang`); it is never trusted: `language_key` maps it to a code in the shipped table
(`data/languages.tsv`: every ISO 639-1 code with its ISO 639-2/639-3 forms, and the ISO 639-3 codes the
detector can return) or to "und" (unknown). Nothing else about a code is ever used: not as a path, not as markup.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from briefing.log import get_logger
from briefing.text.settings import LANG_MIN_CHARS, LANGID_SAMPLE_CHARS, LANGUAGE_TAG_MAX_CHARS

log = get_logger(__name__)

UNKNOWN = "und"  # ISO 639-2's "undetermined": the code of every language briefing does not know
LANGUAGES_FILE = Path(__file__).resolve().parent / "data" / "languages.tsv"


@cache
def _table() -> tuple[dict[str, str], dict[str, str]]:
    """(every known code and alias → its normal code, normal code → English name), from LANGUAGES_FILE."""
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    for line in LANGUAGES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, aliases, name = line.split("\t")
        names[code] = name
        for alias in (code, *aliases.split()):
            codes[alias] = code
    return codes, names


def language_key(lang: object) -> str:
    """The normal code of a language code from input, or "und" when it names no language briefing knows.

    The primary subtag counts, whatever its case or region: "fr-FR", "FR", "fr_CA", "fra" and "fre" all give
    "fr"; "yue" stays "yue". Anything else ("", "xx", "mul", a path, a number) gives "und".
    """
    if not isinstance(lang, str) or len(lang) > LANGUAGE_TAG_MAX_CHARS:
        return UNKNOWN
    primary = lang.strip().lower().replace("_", "-").split("-")[0]
    return _table()[0].get(primary, UNKNOWN)


def known_language(lang: object) -> bool:
    """Whether `lang` names one language briefing knows (not "", "und", "mul", "xx"...), whatever its case or
    region subtag."""
    return language_key(lang) != UNKNOWN


def language_name(code: object) -> str:
    """The English name of a language code ("fr" → "French"); "unknown language" for a code briefing does not know."""
    key = language_key(code)
    return _table()[1][key] if key != UNKNOWN else "unknown language"


def detect_language(text: str, hint: str | None = None) -> str:
    """The language code of `text` by py3langid ("und" for text without letters); `hint` (a declared language)
    when the text is too short to tell and briefing knows the hint."""
    declared = language_key(hint)
    if len(text) < LANG_MIN_CHARS and declared != UNKNOWN:
        return declared
    sample = text[:LANGID_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return UNKNOWN
    import py3langid

    code, _ = py3langid.classify(sample)
    log.debug("detected language %s", code)
    return language_key(str(code))
