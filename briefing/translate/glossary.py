"""Glossaries: source term → target term, applied around any translation engine.

A glossary is TOML with one `term = "translation"` per line, optionally in a table named after the
language pair (`[fr-en]`); top-level keys apply to every pair. A default glossary for the project's
domain ships in `templates/glossary.toml`; a user glossary is applied on top of it (its terms win).

Terms match whole words. A term written in lower case also matches with a capital first letter
("start-up" matches "Start-up", and the translation is capitalised the same way); a term with capitals
("IA", "NIC") matches only as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import BadGlossary
from briefing.runtime.jsonl import quoted
from briefing.runtime.settings_file import SettingsFileProblem, read_toml
from briefing.runtime.shipped import TEMPLATES_DIR

DEFAULT_GLOSSARY_FILE = TEMPLATES_DIR / "glossary.toml"


@dataclass(frozen=True, slots=True)
class Glossary:
    """Terms of one language pair, longest first so that "transformation numérique" beats "numérique"."""

    terms: tuple[tuple[str, str], ...] = ()
    pattern: re.Pattern[str] | None = None  # any term as a whole word; None for an empty glossary

    @classmethod
    def from_terms(cls, terms: dict[str, str]) -> Glossary:
        """A glossary of `terms` (source → target) with its matching regex built once."""
        ordered = tuple(sorted(terms.items(), key=lambda item: (-len(item[0]), item[0])))
        if not ordered:
            return cls()
        alternatives = "|".join(_term_regex(source) for source, _ in ordered)
        return cls(ordered, re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w-])"))

    def gives_whole(self, text: str) -> bool:
        """Whether `text` is one of the terms, whole, as the translator would match it ("Banque mondiale")."""
        return self.pattern is not None and self.pattern.fullmatch(text.strip()) is not None

    def target_for(self, matched: str) -> str:
        """The translation of a matched term, capitalised like the match when the term was lower case."""
        normalised = re.sub(r"\s+", " ", matched).replace("'", "’")
        for source, target in self.terms:
            if source.replace("'", "’") == normalised:
                return target
        for source, target in self.terms:
            if source[:1].islower() and source.replace("'", "’") == normalised[:1].lower() + normalised[1:]:
                return target[:1].upper() + target[1:]
        return matched


def _term_regex(term: str) -> str:
    parts = []
    for index, char in enumerate(term):
        if char.isspace():
            parts.append(r"\s+")
        elif char in "'’":
            parts.append("['’]")
        elif index == 0 and char.islower():
            parts.append(f"[{re.escape(char)}{re.escape(char.upper())}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def load_glossary(path: Path | None, source: str, target: str) -> Glossary:
    """The glossary for source→target: the default one, then `path` on top (raises BadGlossary)."""
    merged: dict[str, str] = {}
    files = [DEFAULT_GLOSSARY_FILE] if DEFAULT_GLOSSARY_FILE.is_file() else []
    if path is not None:
        files.append(Path(path))
    for file in files:
        merged.update(_read_terms(file, source, target))
    return Glossary.from_terms(merged)


def _read_terms(path: Path, source: str, target: str) -> dict[str, str]:
    try:
        data = read_toml(path)
    except FileNotFoundError:
        raise BadGlossary(f"glossary {path}: file not found") from None
    except SettingsFileProblem as exc:
        raise BadGlossary(f'glossary {path}: {exc}; write one term = "translation" per line') from None
    terms: dict[str, str] = {}
    pair = f"{source}-{target}"
    for key, value in data.items():
        if isinstance(value, dict):
            if key != pair:
                continue
            items = list(value.items())
        else:
            items = [(key, value)]
        for term, translation in items:
            if isinstance(translation, dict):
                continue  # another pair's table nested under this one: not ours
            if not isinstance(translation, str) or not term.strip() or not translation.strip():
                raise BadGlossary(
                    f'glossary {path}: entry {quoted(term)} must be a non-empty term = "non-empty translation"'
                )
            terms[term.strip()] = translation.strip()
    return terms
