"""Tuned numbers and word lists of headline compression, each with its reason.

Tuned on lines 1-1,000 of ../shared/eval/scale/orangesum_train.jsonl.gz (the salience model was fitted on
lines 1,001-4,000 by benchmarks/fit_headline_salience.py); the dev file orangesum_valid.jsonl was kept for the
numbers benchmarks/headlines.py reports.
"""

from __future__ import annotations


def _word_set(words: str) -> frozenset[str]:
    """The words of a space-separated list (keeps the word lists below readable)."""
    return frozenset(words.split())


# compression reads only POS tags and dependencies: ~2x faster without NER and lemmas; the sentence recogniser
# only repeats the parser's sentence starts (400 OrangeSum leads: the same parses, 1.2 -> 0.9 CPU s)
PARSER_EXCLUDE = ("ner", "lemmatizer", "senter")
MAX_WORDS = 14  # read at a glance; real French titles average 11.7 words. Filling up to it scores best
MIN_CLAUSE_WORDS = 4  # a main clause shorter than this ("Il a dit") takes its next modifier whatever it is
LEAD_WINDOW = 5  # sentences a headline may come from; OrangeSum articles often open on a teaser
MIN_HEADLINE_WORDS = 3  # "C'est", "Un pas": shorter compressions are fragments, not headlines
UNUSABLE_PENALTY = 1000.0  # puts a fragment behind every other option
PRONOUN_PENALTY = 0.03  # expected F1 taken from a headline opening on a pronoun or auxiliary: who is missing
F1_SLACK = 0.01  # a modifier may lower the expected F1 by this much and still come back: real titles
#                  carry more detail than the model credits (0 and 0.02 both score ~0.1 ROUGE-1 lower)


# Word salience: the chance that a lead word is in the real title; a logistic model fitted on 3,000 OrangeSum
# training articles, lines 1,001-4,000 of orangesum_train (AUC 0.84 on content words; `fit_salience.py`
# refits them). The terms add up to the logit.
SALIENCE_BIAS = 4.69  # with the other terms: a lead word used once in a 500-word article is in ~3% of titles
SALIENCE_PER_LOG_COUNT = 1.68  # the article keeps coming back to what it is about
SALIENCE_NAME = 0.79  # capitalised inside a sentence: people, places, organisations make headlines
SALIENCE_PER_LOG_LEAD = 0.25  # repeated within the lead sentences: the news itself
SALIENCE_FIRST_PLACE = -4.06  # per share of the article read before the first mention: news comes first
SALIENCE_PER_LOG_LENGTH = -1.31  # a long article repeats every word more: its counts weigh less
SALIENCE_DATE_WORD = -1.40  # weekdays and months: titles leave the date out
FUNCTION_WORD_SALIENCE = 0.03  # a function word missing from FUNCTION_WORD_CHANCES ("qui", "cette")
TITLE_WORDS = 11.7  # mean length of a real French title (OrangeSum), the reference length expected


# Dependencies (UD) of the main clause: kept whenever their head is kept.
CORE_DEPS = frozenset({
    "nsubj", "nsubj:pass", "csubj", "expl", "expl:subj", "expl:pass", "expl:comp", "aux", "aux:pass",
    "aux:tense", "aux:caus", "cop", "mark", "case", "det", "fixed", "flat", "flat:name", "flat:foreign",
    "compound", "goeswith", "obj", "iobj", "xcomp", "ccomp", "nummod",
})


# Modifiers that may come back, with the order that breaks ties of salience: the agent and argument
# obliques say by whom and to what, adjectives and noun complements name things, adjuncts come last.
# Everything else never comes back: appos, acl:relcl, advcl, parataxis, dislocated, discourse, vocative, dep.
OPTIONAL_DEPS: dict[str, int] = {
    "amod": 0, "obl:agent": 0, "obl:arg": 1, "nmod": 1, "obl": 2, "obl:mod": 3, "conj": 3, "advmod": 4,
    "acl": 4,
}


# Negation kept with its verb: dropping it inverts the news.
NEGATION = frozenset({"ne", "n'", "n’", "pas", "plus", "jamais", "rien", "personne", "guère", "aucun", "aucune"})


# Parts of speech a parsed headline never ends on.
DANGLING_POS = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "AUX", "PART"})


# Words a headline never ends on (prepositions, articles, conjunctions, determiners, auxiliaries, relative
# pronouns); briefing's stopword list of the language is added to them.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "fr": _word_set(
        "à au aux avec chez contre dans de des depuis dès du durant en entre envers hormis jusqu jusque lors "
        "malgré outre par parmi pendant pour près sans selon sous sur vers via d l le la les un une ce cet "
        "cette ces mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs quel quelle quels quelles "
        "lequel laquelle lesquels lesquelles duquel desquels desquelles auquel auxquels auxquelles "
        "et ou mais donc or ni car que qu qui quoi dont où lorsque puisque quand si comme ne n se s "
        "est sont était été être a ont avait avaient avoir sera seront ai as avons avez aient ait"
    ),
    "en": _word_set(
        "a an the of to in on at by for from with about into onto over under after before during since "
        "until against among between through via and or but nor so yet that which who whom whose when "
        "where if as than is are was were be been being has have had will would shall should can could "
        "may might must do does did its his her their our my your this these those"
    ),
}


# The commonest function words of French leads, with the share of OrangeSum titles that repeat them when
# the lead sentence has them (3,000 training articles): "de" is in half the titles, "qui" in 3%.
FUNCTION_WORD_CHANCES: dict[str, dict[str, float]] = {
    "fr": {
        "de": 0.47, "la": 0.33, "le": 0.3, "un": 0.29, "à": 0.26, "les": 0.25, "l": 0.24, "des": 0.24,
        "en": 0.23, "d": 0.22, "une": 0.2, "pour": 0.18, "du": 0.15, "et": 0.14, "sur": 0.14, "dans": 0.13,
        "au": 0.11, "son": 0.11, "par": 0.1, "pas": 0.1, "sa": 0.1, "plus": 0.1,
    },
}


# Weekdays and months.
DATE_WORDS: dict[str, frozenset[str]] = {
    "fr": _word_set(
        "lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet août "
        "septembre octobre novembre décembre"
    ),
    "en": _word_set(
        "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
        "august september october november december"
    ),
}


# Connectives that tie a sentence to the one before ("Mais", "Or"): a headline stands alone.
CONNECTIVES: dict[str, frozenset[str]] = {
    "fr": _word_set("mais et or donc car puis pourtant ainsi alors enfin aussi cependant toutefois"),
    "en": _word_set("but and so yet then however also meanwhile"),
}


# Words that, opening a headline, show its subject is missing or only a pronoun ("Il a dit", "A affirmé").
SUBJECTLESS_OPENERS: dict[str, frozenset[str]] = {
    "fr": _word_set(
        "il elle ils elles on nous je j tu vous ce c cela ça ceci celui celle ceux celles "
        "a ai as avons avez ont avait avaient aura auront est sont était étaient sera seront serait"
    ),
    "en": _word_set("he she it they we i you this that these those is are was were has have had will would"),
}


# Words that open a fronted phrase in the rule fallback ("S'exprimant lors du forum, ...", "After the vote,").
FRONTING_WORDS: dict[str, frozenset[str]] = {
    "fr": _word_set(
        "à après au aux avant avec chez dans de depuis dès durant en face lors malgré outre par pendant "
        "pour selon sous sur vers alors lorsque quand si comme tandis puisque bien afin"
    ),
    "en": _word_set(
        "after before during in on at by for from with without since until while when as although though "
        "despite following according amid under over speaking"
    ),
}


# Relative pronouns: the rule fallback stops before them. Not "que" or "that": after a verb they open its
# object ("a estimé que..."), which a rule cannot tell apart.
RELATIVES: dict[str, frozenset[str]] = {
    "fr": frozenset({"qui", "dont", "où", "lequel", "laquelle", "lesquels", "lesquelles"}),
    "en": frozenset({"which", "who", "whom", "whose", "where"}),
}


# Articles: a comma segment that opens on one, right after a short subject, is an apposition (rule fallback).
ARTICLES: dict[str, frozenset[str]] = {
    "fr": _word_set("le la les l un une"),
    "en": _word_set("the a an"),
}


APPOSITION_MAX_WORDS = 8  # rule fallback: a comma segment this short right after the subject is an apposition
SUBJECT_MAX_WORDS = 6  # rule fallback: ...and a first segment this short may be that subject
