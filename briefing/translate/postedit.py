"""Editing around Apertium's French → English: the French pre-edited, the English rewritten by learned rules.

Before Apertium, `preedit` puts French reporting-clause inversions in plain order: fr-es glues an inverted
verb to its auxiliary (« …, a-t-il précisé » → Spanish "haprecisado"), which spa-eng cannot read; after a
comma or a closing quote the inversion only marks the clause, so "il a précisé" says the same. Questions
("Est-il vrai … ?") are left alone.

After it, a rule rewrites a span of whole tokens ("tax of growth" → "growth rate", "has declared" → "said",
"the Vietnam" → "Vietnam", "millardos of" → "billion"); context words are simply part of the span.
Rules come from `benchmarks/learn_postedit.py` (learnt from Apertium's English against human English on
the WMT news sets, each rule kept only when it helps data it was not learnt on) and ship as a TSV table,
`data/postedit_fr_en.tsv`.

How a sentence is rewritten (deterministic, a few dict look-ups per token):
1. Tokens are words (``\\w+``) or single punctuation marks; a URL, an e-mail address, a number and a
   placeholder such as ``Zxqa`` are single atomic tokens that no rule contains, so none is ever touched.
2. From left to right, at each token the longest rule whose source is exactly the text of the next
   1 … `max_tokens` tokens is applied, and the scan resumes after it (no rule sees another's output).
3. Case-aware: a rule learnt in lower case also fires on a capitalised first word ("The tax of …"),
   and its output then starts with a capital; an all-lower-case rule never fires on "TAX OF".
4. A rule may hold only when the French sentence has a given word ("estimate" → "budget" when the
   French says "budget"; "books" → "pounds" with "livres"); such rules are tried before the rule
   for the same source without a condition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

RULES_FILE = Path(__file__).with_name("data") / "postedit_fr_en.tsv"
_TABLE_HEADER = "pass\tsource\ttarget\twhen"

# Atomic tokens first: rules never contain them, so rewriting never touches them.
PROTECTED = (
    r"(?:https?://|www\.)\S+"  # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|Zxq[a-z]+"  # briefing's placeholders for protected spans
    r"|\w*\d[\w.,:/]*\w|\d"  # numbers and codes with digits: 2025, 3.5, 1h30, A6, 10:30
)
TOKEN = re.compile(rf"(?P<protected>{PROTECTED})|\w+|[^\w\s]")
_PROTECTED_ONLY = re.compile(rf"(?:{PROTECTED})")
_SPACES = re.compile(r"\s{2,}")


# After a comma, a closing quote or a dash (with optional space), the verb, "-t-" or "-", the pronoun.
_INCISE = re.compile(
    r"(?P<lead>[,»\"”)–—]\s*)(?P<verb>\w+(?:['’]\w+)?)-(?:t-)?(?P<pronoun>il|elle|on|ils|elles)\b(?!-)",
    re.IGNORECASE,
)


def _plain_order(match: re.Match[str]) -> str:
    lead, verb, pronoun = match.group("lead", "verb", "pronoun")
    return f"{lead}{pronoun} {verb}"


def preedit(text: str) -> str:
    """French with reporting-clause inversions put in plain order (see the module docstring)."""
    if "-" not in text:
        return text
    return _INCISE.sub(_plain_order, text)


_SPACE_BEFORE = re.compile(r"\s+(?=[,.;:!?%)\]…])")  # "progressed ?" -> "progressed?", "8 %" -> "8%"
_SPACE_AFTER = re.compile(r"(?<=[(\[])\s+")
_STRAIGHT_QUOTE = re.compile(r'\s*"\s*')


def english_spacing(text: str) -> str:
    """English typography for Apertium's French spacing: no space before , . ; : ! ? % ) or after (, and
    straight quotes that hug what they quote (`" We go ," he` -> `"We go," he`). Scores do not move
    (BLEU and chrF tokenise punctuation apart); readers see English."""
    text = _SPACE_AFTER.sub("", _SPACE_BEFORE.sub("", text))
    if text.count('"') % 2:  # an unpaired quote: nothing tells opening from closing
        return text
    pieces = _STRAIGHT_QUOTE.split(text)
    out = [pieces[0]]
    for number, piece in enumerate(pieces[1:]):
        opening = number % 2 == 0
        before = "" if opening and (not out[-1] or out[-1][-1:] in "([") else (" " if opening else "")
        after = "" if opening or not piece or piece[:1] in ",.;:!?)]…" else " "
        out.append(f'{before}"{after}{piece}')
    return "".join(out).strip()


def tokenize(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the tokens of ``text``."""
    return [match.span() for match in TOKEN.finditer(text)]


def is_rewritable(phrase: str) -> bool:
    """Whether ``phrase`` may be a rule's source or target: no digit, placeholder, URL or e-mail inside."""
    return not any(match.group("protected") for match in TOKEN.finditer(phrase))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def french_words(source: str) -> frozenset[str]:
    """The lower-cased words of a French sentence, which conditional rules look for."""
    return frozenset(word.lower() for word in _WORD.findall(source))


_WORD = re.compile(r"\w+")
Conditional = dict[str, tuple[tuple[str, str], ...]]  # source → ((French word, target), …), tried in order


@dataclass(slots=True)
class RewriteRules:
    """A table of phrase rewrites (source → target, some only when the French has a given word) and the
    longest source, in tokens."""

    rules: dict[str, str] = field(default_factory=dict)
    conditional: Conditional = field(default_factory=dict)
    max_tokens: int = 0

    @classmethod
    def of(cls, rows: Mapping[str, str] | Iterable[tuple[str, str]] | Iterable[tuple[str, str, str]]
           ) -> RewriteRules:
        """Rules from (source, target) or (source, target, French word) rows; a row touching a protected
        token is refused."""
        items: Iterable[tuple[str, ...]] = rows.items() if isinstance(rows, Mapping) else rows
        table = cls()
        for row in items:
            table.add(row[0], row[1], row[2] if len(row) > 2 else "")
        return table

    def add(self, source: str, target: str, when: str = "") -> None:
        """Add or replace one rule; ``when`` is the French word it needs ('' for none)."""
        if not source or not is_rewritable(source) or not is_rewritable(target):
            raise ValueError(f"not a rewritable phrase pair: {source!r} -> {target!r}")
        if when:
            others = tuple(option for option in self.conditional.get(source, ()) if option[0] != when)
            self.conditional[source] = ((when.lower(), target), *others)
        else:
            self.rules[source] = target
        self.max_tokens = max(self.max_tokens, len(tokenize(source)))

    def __len__(self) -> int:
        return len(self.rules) + sum(len(options) for options in self.conditional.values())

    def apply(self, text: str, source: str = "") -> str:
        """``text`` with every rule applied (see the module docstring); ``source`` is the French sentence."""
        if not self.rules and not self.conditional:
            return text
        rewritten = apply_rules(text, tokenize(text), self.rules, self.max_tokens, self.conditional,
                                french_words(source) if self.conditional else frozenset())
        # A deletion learnt in context must not empty a one-word line ("Fin" → "Final" → "").
        return rewritten if _WORD.search(rewritten) or not _WORD.search(text) else text


def _lookup(key: str, rules: Mapping[str, str], conditional: Conditional | None, words: frozenset[str]) -> str | None:
    if conditional:
        for word, target in conditional.get(key, ()):
            if word in words:
                return target
    return rules.get(key)


def apply_rules(text: str, spans: list[tuple[int, int]], rules: Mapping[str, str], max_tokens: int,
                conditional: Conditional | None = None, words: frozenset[str] = frozenset()) -> str:
    """One left-to-right, longest-first pass of the rules over the tokens ``spans`` of ``text``;
    ``words`` are the French sentence's words, for ``conditional`` rules."""
    pieces: list[str] = []
    done = 0  # offset in text up to which the output is written
    i = 0
    count = len(spans)
    capitalise_next = False
    while i < count:
        start = spans[i][0]
        found = None
        for size in range(min(max_tokens, count - i), 0, -1):
            key = text[start:spans[i + size - 1][1]]
            target = _lookup(key, rules, conditional, words)
            if target is None and key[:1].isupper():
                target = _lookup(key[:1].lower() + key[1:], rules, conditional, words)
                if target is not None:
                    target = _capitalised(target)
                    capitalise_next = not target
            if target is not None:
                found = (size, target)
                break
        if found is None:
            if capitalise_next:
                pieces.append(text[done:start])
                token_end = spans[i][1]
                pieces.append(_capitalised(text[start:token_end]))
                done = token_end
                capitalise_next = False
            i += 1
            continue
        size, target = found
        pieces.append(text[done:start])
        pieces.append(target)
        done = spans[i + size - 1][1]
        i += size
    pieces.append(text[done:])
    return _SPACES.sub(" ", "".join(pieces)).strip()


@dataclass(frozen=True, slots=True)
class PostEditor:
    """The rule tables of successive passes: pass 2's rules were learnt on pass 1's output, and so on."""

    passes: tuple[RewriteRules, ...]

    @property
    def size(self) -> int:
        """The number of rules in all passes."""
        return sum(len(table) for table in self.passes)

    def apply(self, text: str, source: str = "") -> str:
        """``text`` rewritten by each pass in turn; ``source`` is the French sentence."""
        for table in self.passes:
            text = table.apply(text, source)
        return text


def load_rules(path: Path = RULES_FILE) -> PostEditor:
    """The rule table shipped as TSV: header ``pass<TAB>source<TAB>target<TAB>when<TAB>note``, then one
    rule a line (``when``: the French word the rule needs, or empty)."""
    passes: dict[int, list[tuple[str, str, str]]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or (number == 1 and line.startswith(_TABLE_HEADER)):
            continue
        fields = line.split("\t")
        if len(fields) < 4 or not fields[0].isdigit():
            raise ValueError(f"{path}:{number}: expected pass<TAB>source<TAB>target<TAB>when")
        passes.setdefault(int(fields[0]), []).append((fields[1], fields[2], fields[3]))
    return PostEditor(tuple(RewriteRules.of(passes[key]) for key in sorted(passes)))


def write_rules(rows: Iterable[tuple[int, str, str, str, str]], path: Path) -> None:
    """Write the table: ``pass<TAB>source<TAB>target<TAB>when<TAB>note`` rows (the note says what the
    learner saw), sorted by pass, then source."""
    lines = [f"{_TABLE_HEADER}\tnote"]
    ordered = sorted(rows, key=lambda row: (row[0], row[1].lower(), row))
    lines += ["\t".join((str(step), source, target, when, note)) for step, source, target, when, note in ordered]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
