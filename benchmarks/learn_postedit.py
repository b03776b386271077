"""Learn the post-editing rules of briefing's Apertium French -> English engine from Apertium's English and
human English, and write the table the package ships (briefing/translate/data/postedit_fr_en.tsv):

    python benchmarks/learn_postedit.py [-v] [--out FILE]     (about 40 minutes on 2 cores)

It reads the WMT news sets of ../shared/eval/translation/ (never newstest2013, the development test that
benchmarks/translate.py measures on). Method, in the order `main` runs it:
1. Translate: every training line is pre-edited (briefing.translate.postedit.preedit), put through
   ``fr-es | spa-eng`` with marks (cached in $XDG_CACHE_HOME/briefing/learn-postedit/), and its unknown
   words filled (briefing.translate.unknown): the rules learn from exactly what they will be applied to.
2. Extract candidates, per fold: Apertium's tokens and the reference's tokens are aligned (longest
   common blocks, lower-cased); every pair of spans that the alignment keeps together, up to
   `MAX_SOURCE_TOKENS` tokens, with at least one differing token, is a candidate rewrite: "tax of
   growth" → "growth rate", "has declared" → "said", "the Vietnam" → "Vietnam". A candidate must be
   found in `MIN_PAIR_SENTENCES` sentences. A pair also becomes a conditional candidate for a French
   content word present in most of the sentences it came from ("estimate" → "budget" when the French
   has "budget"), so an ambiguous rewrite can be learnt where it is right and nowhere else.
3. Select greedily, per fold: each candidate is scored by what it does to the fold's corpus chrF + BLEU
   when applied, with the rules chosen so far, to every sentence whose Apertium English contains its
   source (not only where it was extracted). The best goes in while it gains; stale scores are
   recomputed lazily (only sentences a new rule changed can change a score).
4. Validate across folds: a rule learnt on one fold is kept only if removing it from the fold's rule
   set lowers chrF + BLEU on the other fold (it must fire there and help there).
5. Merge the two folds' kept rules, prune once more on both folds together, and write the table.
"""

from __future__ import annotations

import argparse
import difflib
import heapq
import logging
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from postedit_corpus import FOLDS, OUT_OF_DOMAIN, StageCache, load, prepared_sources
from postedit_scoring import STATS_SIZE, Reference, add, bleu, chrf, sentence_stats

from briefing.translate.apertium import word_route
from briefing.translate.postedit import (
    RULES_FILE,
    Conditional,
    RewriteRules,
    apply_rules,
    french_words,
    is_rewritable,
    tokenize,
    write_rules,
)
from briefing.translate.unknown import Fallbacks, fill_unknown

log = logging.getLogger("learn_postedit")

MAX_SOURCE_TOKENS = 4  # longer spans are almost never repeated word for word across sentences
MAX_TARGET_TOKENS = 5  # a rewrite may lengthen a phrase by one token ("has says" → "he said")
MIN_PAIR_SENTENCES = 2  # a pair must recur; validation on the other fold weeds out the accidents
MIN_FIRES = 2  # a rule must change at least this many sentences of the fold that learns it
MIN_GAIN = 0.002  # chrF + BLEU points on a ~6,000-line fold: about half a sentence's worth of change
# chrF counts twice: its bar (+1.5) is the harder one, and a rule that only shortens a sentence helps
# BLEU's precision more than chrF's recall-weighted score.
CHRF_WEIGHT = 2.0
TRIGGER_SHARE = 0.6  # a French word conditions a pair when it is in 60 % of the sentences the pair came from
TRIGGER_MAX_SHARE = 0.03  # … and in at most 3 % of the fold's sentences: a content word, not "le" or "de"
PASSES = 2  # a second table learnt on the first one's output catches what the first made visible
MIN_SHARE = 0.02  # pairs extracted in under 2 % of the sentences holding the source rarely pay off
SAMPLE_ABOVE = 400  # a source in more sentences is first tried on an evenly spread sample of this many


Key = tuple[str, str]  # a rule: (source, French word it needs or "")


@dataclass(frozen=True, slots=True)
class Settings:
    """The learner's knobs, built once from the command line."""

    min_pairs: int = MIN_PAIR_SENTENCES
    min_fires: int = MIN_FIRES
    min_gain: float = MIN_GAIN
    chrf_weight: float = CHRF_WEIGHT


@dataclass(slots=True)
class Sentence:
    """One training line: Apertium's English (tokenised), the reference, and their alignment stats."""

    mt: str
    spans: list[tuple[int, int]]
    reference: str
    ref: Reference
    french: frozenset[str]


@dataclass(slots=True)
class Fold:
    """Sentences and the current rewrites of each, with the corpus statistics kept up to date."""

    sentences: list[Sentence]
    settings: Settings = field(default_factory=Settings)
    rules: dict[str, str] = field(default_factory=dict)
    conditional: Conditional = field(default_factory=dict)
    max_tokens: int = 0
    outputs: list[str] = field(default_factory=list)
    stats: list[list[int]] = field(default_factory=list)
    total: list[int] = field(default_factory=lambda: [0] * STATS_SIZE)
    index: dict[Key, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.outputs = [s.mt for s in self.sentences]
        self.stats = [sentence_stats(s.mt, s.ref) for s in self.sentences]
        for stats in self.stats:
            add(self.total, stats)

    def build_index(self, keys: Iterable[Key]) -> None:
        """For each rule (source, French word), the sentences where the source (or its capitalised form)
        spans whole tokens and the French has the word."""
        keys = list(keys)
        wanted = {source for source, _ in keys}
        longest = max((len(tokenize(s)) for s in wanted), default=0)
        index: dict[str, set[int]] = defaultdict(set)
        for number, sentence in enumerate(self.sentences):
            text, spans = sentence.mt, sentence.spans
            for i in range(len(spans)):
                for j in range(i, min(i + longest, len(spans))):
                    key = text[spans[i][0]:spans[j][1]]
                    if key in wanted:
                        index[key].add(number)
                    lowered = key[:1].lower() + key[1:]
                    if lowered != key and lowered in wanted:
                        index[lowered].add(number)
        self.index = {}
        for source, when in keys:
            numbers = index.get(source, set())
            if when:
                numbers = {n for n in numbers if when in self.sentences[n].french}
            self.index[(source, when)] = sorted(numbers)

    def score(self, total: Sequence[int] | None = None) -> float:
        """The objective: corpus CHRF_WEIGHT × chrF + BLEU of the current outputs (or of ``total``)."""
        stats = self.total if total is None else total
        return self.settings.chrf_weight * chrf(stats) + bleu(stats)

    def trial(self, where: Iterable[int], key: Key, target: str | None
              ) -> tuple[float, list[tuple[int, str, list[int]]]]:
        """What adding rule ``key`` → ``target`` (or, with None, removing it) would change in the
        sentences ``where``: the gain in the objective and the new outputs."""
        before = self._get(key)
        self._set(key, target)
        longest = max(self.max_tokens, len(tokenize(key[0])))
        try:
            return self._changes(where, longest)
        finally:
            self._set(key, before)

    def _get(self, key: Key) -> str | None:
        source, when = key
        if not when:
            return self.rules.get(source)
        return next((target for word, target in self.conditional.get(source, ()) if word == when), None)

    def _set(self, key: Key, target: str | None) -> None:
        source, when = key
        if not when:
            if target is None:
                self.rules.pop(source, None)
            else:
                self.rules[source] = target
            return
        others = tuple(option for option in self.conditional.get(source, ()) if option[0] != when)
        options = others if target is None else ((when, target), *others)
        if options:
            self.conditional[source] = options
        else:
            self.conditional.pop(source, None)

    def _changes(self, where: Iterable[int], longest: int) -> tuple[float, list[tuple[int, str, list[int]]]]:
        delta = list(self.total)
        changes = []
        for number in where:
            sentence = self.sentences[number]
            output = apply_rules(sentence.mt, sentence.spans, self.rules, longest, self.conditional, sentence.french)
            if output != self.outputs[number]:
                stats = sentence_stats(output, sentence.ref)
                add(delta, self.stats[number], -1)
                add(delta, stats)
                changes.append((number, output, stats))
        return self.score(delta) - self.score(), changes

    def reset(self, rules: dict[Key, str]) -> None:
        """Make ``rules`` the rule set and recompute every output."""
        self.rules, self.conditional = {}, {}
        for key, target in rules.items():
            self._set(key, target)
        self.max_tokens = max((len(tokenize(source)) for source, _ in rules), default=0)
        _, changes = self._changes(range(len(self.sentences)), self.max_tokens)
        self.commit(changes)

    def add_rule(self, key: Key, target: str, changes: list[tuple[int, str, list[int]]]) -> None:
        """Take rule ``key`` → ``target`` into the rule set, with the outputs `trial` computed for it."""
        self._set(key, target)
        self.max_tokens = max(self.max_tokens, len(tokenize(key[0])))
        self.commit(changes)

    def commit(self, changes: list[tuple[int, str, list[int]]]) -> None:
        """Store new outputs and their statistics."""
        for number, output, stats in changes:
            add(self.total, self.stats[number], -1)
            add(self.total, stats)
            self.outputs[number] = output
            self.stats[number] = stats


# --- 1. translate ---------------------------------------------------------------------------------

def translated(names: Sequence[str], cache: StageCache, fallbacks: Fallbacks) -> list[Sentence]:
    """The sentences of the named sets, with Apertium's English as the pipeline gives it before rules."""
    sentences = []
    for name in names:
        corpus = load(name)
        sources = prepared_sources(corpus)
        english = fill_unknown(cache.staged(sources), sources, fallbacks, word_route)
        for mt, reference, french in zip(english, corpus.references, corpus.sources, strict=True):
            if mt and reference:
                sentences.append(Sentence(mt, tokenize(mt), reference, Reference.of(reference), french_words(french)))
    return sentences


# --- 2. extract candidates ----------------------------------------------------------------------

def _lower_share(texts: Iterable[str]) -> Counter[str]:
    """How often each word is written in lower case minus in capitals, away from a sentence start."""
    share: Counter[str] = Counter()
    for text in texts:
        words = [text[a:b] for a, b in tokenize(text)][1:]
        for word in words:
            share[word.lower()] += 1 if word.islower() else -1
    return share


def _sentence_case(phrase: str, at_start: bool, share: Counter[str]) -> str:
    """A phrase taken from the start of a sentence, with its first letter lowered when that is its usual case."""
    first = phrase.split(" ", 1)[0]
    if not at_start or not first.istitle():
        return phrase
    return phrase[:1].lower() + phrase[1:] if share[first.lower()] > 0 else phrase


def _units(mt: list[str], ref: list[str]) -> list[tuple[int, int, int, int, bool]]:
    """The alignment of two token lists as units: single equal tokens, and differing blocks (MT span,
    reference span). Tokens are compared in lower case, except that Apertium's stray capitals
    ("BECAUSE OF" for "En raison de") differ from the reference's lower case."""
    units: list[tuple[int, int, int, int, bool]] = []
    matcher = difflib.SequenceMatcher(None, [t.lower() for t in mt], [t.lower() for t in ref], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            units += [(i, i + 1, j, j + 1, not _stray_capitals(mt[i], ref[j]))
                      for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
        else:
            units.append((i1, i2, j1, j2, False))
    return units


def _stray_capitals(mt: str, ref: str) -> bool:
    return len(mt) > 1 and mt.isupper() and not ref.isupper()


Candidate = tuple[str, str, str]  # (source, target, French word it needs or "")


def extract_candidates(sentences: Sequence[Sentence], min_pairs: int) -> Counter[Candidate]:
    """Candidate rewrites and the number of sentences each was extracted from: plain (source, target)
    pairs, and the same pairs conditioned on a French content word found with most of their examples."""
    mt_share = _lower_share(s.mt for s in sentences)
    ref_share = _lower_share(s.reference for s in sentences)
    found: Counter[Candidate] = Counter()
    where: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number, sentence in enumerate(sentences):
        for pair in _pairs(sentence, mt_share, ref_share):
            found[(*pair, "")] += 1
            where[pair].append(number)
    document_frequency: Counter[str] = Counter()
    for sentence in sentences:
        document_frequency.update(sentence.french)
    most = TRIGGER_MAX_SHARE * len(sentences)
    for (source, target, _), count in list(found.items()):
        if count < min_pairs:
            continue
        words: Counter[str] = Counter()
        for number in where[(source, target)]:
            words.update(sentences[number].french)
        for word, seen in words.items():
            if seen >= min_pairs and seen >= TRIGGER_SHARE * count and document_frequency[word] <= most:
                found[(source, target, word)] = seen
    return found


def _pairs(sentence: Sentence, mt_share: Counter[str], ref_share: Counter[str]) -> set[tuple[str, str]]:
    """The (source, target) pairs one sentence's alignment keeps together (see the module docstring)."""
    mt, ref = sentence.mt, sentence.reference
    mt_spans, ref_spans = sentence.spans, tokenize(ref)
    units = _units([mt[a:b] for a, b in mt_spans], [ref[a:b] for a, b in ref_spans])
    pairs: set[tuple[str, str]] = set()
    for first in range(len(units)):
        for last in range(first, len(units)):
            i1, j1 = units[first][0], units[first][2]
            i2, j2 = units[last][1], units[last][3]
            if i2 - i1 > MAX_SOURCE_TOKENS or j2 - j1 > MAX_TARGET_TOKENS:
                break
            if i2 == i1 or all(unit[4] for unit in units[first:last + 1]):
                continue
            source = mt[mt_spans[i1][0]:mt_spans[i2 - 1][1]]
            target = ref[ref_spans[j1][0]:ref_spans[j2 - 1][1]] if j2 > j1 else ""
            if source == target or not is_rewritable(source) or not is_rewritable(target):
                continue
            pairs.add((_sentence_case(source, i1 == 0, mt_share), _sentence_case(target, j1 == 0, ref_share)))
    return pairs


# --- 3. select greedily --------------------------------------------------------------------------

@dataclass(order=True, slots=True)
class _Entry:
    priority: float
    order: int
    key: Key = field(compare=False)
    target: str = field(compare=False)
    step: int = field(compare=False)


def select(fold: Fold, candidates: Counter[Candidate]) -> list[tuple[Key, str, float, int]]:
    """Greedy forward selection on ``fold``: (rule, target, gain, sentences changed) in the order taken."""
    settings = fold.settings
    chosen_from = [c for c, n in candidates.items() if n >= settings.min_pairs]
    fold.build_index((source, when) for source, _, when in chosen_from)
    changed_at = [0] * len(fold.sentences)
    heap: list[_Entry] = []
    started = time.monotonic()
    for order, (source, target, when) in enumerate(chosen_from):
        key = (source, when)
        where = fold.index.get(key, [])
        if len(where) < settings.min_fires or candidates[(source, target, when)] < MIN_SHARE * len(where):
            continue
        if len(where) > SAMPLE_ABOVE:
            sample = where[::len(where) // SAMPLE_ABOVE + 1]
            if fold.trial(sample, key, target)[0] <= 0:
                continue  # "the" → "" and its like: hopeless, and each costs thousands of sentences
        gain, changes = fold.trial(where, key, target)
        if gain > settings.min_gain and len(changes) >= settings.min_fires:
            heap.append(_Entry(-gain, order, key, target, 0))
    heapq.heapify(heap)
    log.info("%d candidates scored in %.0f s; %d gain on their own", len(chosen_from), time.monotonic() - started,
             len(heap))
    chosen: list[tuple[Key, str, float, int]] = []
    taken: set[Key] = set()
    step = 0
    while heap:
        entry = heapq.heappop(heap)
        if entry.key in taken:
            continue  # one target per rule: the first taken won
        where = fold.index[entry.key]
        gain, changes = fold.trial(where, entry.key, entry.target)
        fresh = all(changed_at[n] <= entry.step for n in where)
        if gain <= settings.min_gain or len(changes) < settings.min_fires:
            continue
        if not fresh and heap and -heap[0].priority > gain:
            heapq.heappush(heap, _Entry(-gain, entry.order, entry.key, entry.target, step))
            continue
        step += 1
        fold.add_rule(entry.key, entry.target, changes)
        taken.add(entry.key)
        for number, _, _ in changes:
            changed_at[number] = step
        chosen.append((entry.key, entry.target, gain, len(changes)))
    log.info("%d rules taken (%d conditional); fold objective %.2f", len(chosen), sum(1 for c in chosen if c[0][1]),
             fold.score())
    return chosen


# --- 4. validate across folds --------------------------------------------------------------------

def leave_one_out(fold: Fold, rules: dict[Key, str]) -> dict[Key, tuple[float, int]]:
    """Per rule: how much the objective on ``fold`` drops without it (the others kept), and the sentences
    it changes there."""
    fold.build_index(rules)
    fold.reset(rules)
    result = {}
    for key in rules:
        loss, changed = fold.trial(fold.index.get(key, []), key, None)
        result[key] = (-loss, len(changed))
    return result


def validated(rules: dict[Key, str], other: Fold, rounds: int = 3) -> dict[Key, tuple[float, int]]:
    """The rules that help ``other``: each must change a sentence there and removing it must cost."""
    kept = dict(rules)
    effects: dict[Key, tuple[float, int]] = {}
    for _ in range(rounds):
        effects = leave_one_out(other, kept)
        losing = [key for key, (gain, fires) in effects.items() if gain <= 0 or fires == 0]
        if not losing:
            break
        for key in losing:
            del kept[key]
    return {key: effects[key] for key in kept if key in effects}


# --- 5. merge and write ---------------------------------------------------------------------------

Row = tuple[str, str, str, str]  # source, target, French word or "", note


def learn(folds: Sequence[list[Sentence]], settings: Settings) -> list[Row]:
    """The rule table rows learnt on each fold and validated on the other."""
    learnt: list[dict[Key, tuple[str, float, int]]] = []
    for number, sentences in enumerate(folds):
        log.info("fold %d: %d sentences", number + 1, len(sentences))
        candidates = extract_candidates(sentences, settings.min_pairs)
        log.info("fold %d: %d candidates, %d seen in %d+ sentences (%d conditional)", number + 1, len(candidates),
                 sum(1 for n in candidates.values() if n >= settings.min_pairs), settings.min_pairs,
                 sum(1 for c, n in candidates.items() if n >= settings.min_pairs and c[2]))
        chosen = select(Fold(sentences, settings), candidates)
        learnt.append({key: (target, gain, fires) for key, target, gain, fires in chosen})
    merged: dict[Key, tuple[str, str]] = {}
    for number, rules in enumerate(learnt):
        other = Fold(folds[1 - number], settings)
        kept = validated({key: target for key, (target, _, _) in rules.items()}, other)
        log.info("fold %d: %d of %d rules also help fold %d", number + 1, len(kept), len(rules), 2 - number)
        for key, (other_gain, other_fires) in kept.items():
            target, gain, fires = rules[key]
            note = (f"learnt on fold {number + 1} (+{gain:.3f}, {fires} lines), "
                    f"fold {2 - number} (+{other_gain:.3f}, {other_fires} lines)")
            merged.setdefault(key, (target, note))
    both = Fold([s for sentences in folds for s in sentences], settings)
    final = validated({key: target for key, (target, _) in merged.items()}, both)
    log.info("%d rules after merging; %d help both folds together", len(merged), len(final))
    return [(key[0], merged[key][0], key[1], merged[key][1]) for key in final]


def rewritten(sentences: Sequence[Sentence], table: RewriteRules) -> list[Sentence]:
    """The sentences with ``table`` applied to Apertium's English: what the next pass learns from."""
    out = []
    for sentence in sentences:
        mt = apply_rules(sentence.mt, sentence.spans, table.rules, table.max_tokens, table.conditional,
                         sentence.french)
        out.append(Sentence(mt, tokenize(mt), sentence.reference, sentence.ref, sentence.french) if mt else sentence)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: learn the rule table and write it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=RULES_FILE, help="where to write the rule table (TSV)")
    parser.add_argument("--with-tico", action="store_true", help=f"add {OUT_OF_DOMAIN} (medical) to the first fold")
    parser.add_argument("--min-pairs", type=int, default=MIN_PAIR_SENTENCES,
                        help="sentences a candidate pair must be extracted from (per fold)")
    parser.add_argument("--chrf-weight", type=float, default=CHRF_WEIGHT, help="weight of chrF against BLEU")
    parser.add_argument("--passes", type=int, default=PASSES, help="rule tables learnt one on the other's output")
    parser.add_argument("--verbose", "-v", action="store_true", help="log progress")
    args = parser.parse_args(argv)
    settings = Settings(min_pairs=args.min_pairs, min_fires=min(MIN_FIRES, args.min_pairs),
                        chrf_weight=args.chrf_weight)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(message)s")
    cache = StageCache()
    fallbacks = Fallbacks()
    names = [list(FOLDS[0]) + ([OUT_OF_DOMAIN] if args.with_tico else []), list(FOLDS[1])]
    folds = [translated(fold_names, cache, fallbacks) for fold_names in names]
    rows: list[tuple[int, str, str, str, str]] = []
    for step in range(1, args.passes + 1):
        learnt = learn(folds, settings)
        rows += [(step, *row) for row in learnt]
        if step < args.passes:
            table = RewriteRules.of((source, target, when) for source, target, when, _ in learnt)
            folds = [rewritten(sentences, table) for sentences in folds]
    write_rules(rows, args.out)
    print(f"{len(rows)} rules in {args.passes} pass(es) written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
