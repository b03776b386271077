"""The apertium engine: Debian's rule-based translators, a direct mode or a pivot chain.

`apertium -l` lists the installed modes (fr-es, spa-eng, …). A pair uses the chain in
`settings.APERTIUM_CHAINS`, else a direct mode, else a two-step pivot through a language both sides
share. Many segments go through one pipeline of processes: each segment is its own paragraph (a
blank line apart), which apertium treats as a sentence boundary, so no word moves across segments.
If the number of paragraphs that comes back is not the number sent, the batch is halved until it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, TypeVar

from briefing.errors import ModelMissing, TranslationError
from briefing.log import get_logger
from briefing.translate.postedit import RULES_FILE, PostEditor, english_spacing, load_rules, preedit
from briefing.translate.settings import (
    APERTIUM_BLOCK_LINES,
    APERTIUM_CHAINS,
    APERTIUM_MAX_SEGMENT_CHARS,
    APERTIUM_TIMEOUT_S,
    ES_EN_CATALAN,
    FR_EN_CATALAN,
)
from briefing.translate.unknown import (
    FRENCH_DICTIONARY,
    SPANISH_DICTIONARY,
    Fallbacks,
    fill_unknown,
    own_marked,
    strip_marks,
    strip_own,
)

log = get_logger(__name__)
_Out = TypeVar("_Out")  # what `_by_block` gives per line: a translation, or the output of each step

NAME = "apertium"

# ISO 639-1 codes of the languages apertium names with three letters.
_ISO3 = {"en": "eng", "es": "spa", "fr": "fra", "ca": "cat", "pt": "por", "it": "ita", "de": "deu",
         "ro": "ron", "gl": "glg", "oc": "oci", "eu": "eus", "nl": "nld", "ar": "ara", "ru": "rus"}
_ISO1 = {three: two for two, three in _ISO3.items()}
_PAIR_MODE = re.compile(r"([a-z]{2,3})-([a-z]{2,3})")  # fr-es, spa-eng; not eco-fr-es, spa-eng_US or debug modes
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_PARAGRAPH = "\n\n"
MODE_DIRS = (Path("/usr/share/apertium/modes"), Path("/usr/local/share/apertium/modes"))


def _codes(lang: str) -> tuple[str, ...]:
    return (lang, _ISO3[lang]) if lang in _ISO3 else (lang,)


@cache
def installed_modes() -> frozenset[str]:
    """Modes `apertium -l` lists (empty when apertium is not installed)."""
    if shutil.which("apertium") is None:
        return frozenset()
    try:
        listing = subprocess.run(["apertium", "-l"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in listing.stdout.splitlines() if line.strip())


def _direct(source: str, target: str, modes: frozenset[str]) -> str | None:
    for s in _codes(source):
        for t in _codes(target):
            if f"{s}-{t}" in modes:
                return f"{s}-{t}"
    return None


def find_chain(source: str, target: str) -> tuple[str, ...] | None:
    """The modes that take source to target, in order; None when apertium cannot."""
    modes = installed_modes()
    preferred = APERTIUM_CHAINS.get((source, target))
    if preferred and all(mode in modes for mode in preferred):
        return preferred
    direct = _direct(source, target, modes)
    if direct:
        return (direct,)
    pivots = sorted({m.split("-", 1)[1] for m in modes if "-" in m and not m.startswith("eco-")})
    for pivot in pivots:
        first = _direct(source, pivot, modes)
        second = _direct(pivot, target, modes)
        if first and second:
            return (first, second)
    return None


@dataclass(frozen=True, slots=True)
class Pair:
    """A language pair apertium translates, through one mode or a pivot chain of two."""

    source: str
    target: str
    chain: tuple[str, ...]


def usable_pairs() -> list[Pair]:
    """Every pair the installed modes translate, each with the chain `find_chain` picks (pivots included)."""
    langs: set[str] = set()
    for mode in installed_modes():
        match = _PAIR_MODE.fullmatch(mode)
        if match:
            langs.update(_ISO1.get(code, code) for code in match.groups())
    return [Pair(s, t, chain) for s in sorted(langs) for t in sorted(langs) if s != t and (chain := find_chain(s, t))]


def install_hint(source: str, target: str) -> str:
    """What to run to get apertium for a pair."""
    if (source, target) == ("fr", "en"):
        return "apt-get install apertium apertium-fr-es apertium-eng-spa"
    return f"apt-get install apertium and the apertium-{source}-* packages for {source}->{target}"


@dataclass(frozen=True, slots=True)
class Steps:
    """Which editing steps run around the plain chain, for a pair that has them (French -> English);
    benchmarks/translate.py switches them one by one to measure each."""

    preedit: bool = True  # French reporting-clause inversions in plain order
    unknown: bool = True  # English for the words the chain leaves untranslated
    rewrite: bool = True  # the learned phrase rewrites


@dataclass(slots=True)
class _Edits:
    """The editing of one pair: the rule table (loaded once) and the unknown-word answers found so far."""

    steps: Steps
    rules: PostEditor | None
    fallbacks: Fallbacks = field(default_factory=Fallbacks)

    @property
    def version(self) -> str:
        """What the cache must know of the edits: the steps, the rule table and the fallbacks installed."""
        digest = hashlib.sha256(repr(self.steps).encode())
        if self.rules is not None:
            digest.update(RULES_FILE.read_bytes())
        for chain in (FR_EN_CATALAN, ES_EN_CATALAN):
            digest.update(_chain_version(chain).encode() if set(chain) <= installed_modes() else b"-")
        for dictionary in (FRENCH_DICTIONARY, SPANISH_DICTIONARY):
            digest.update(str(dictionary.with_suffix(".index").is_file()).encode())
        return "edits-" + digest.hexdigest()[:12]


# Pairs with editing around the chain: the rules were learnt for French -> English through Spanish.
EDITED_PAIRS = frozenset({("fr", "en")})


class ApertiumEngine:
    """Translates plain segments through a chain of apertium modes; French -> English with the editing
    of postedit.py and unknown.py around the chain."""

    name = NAME

    def __init__(self, source: str, target: str, *, steps: Steps | None = None) -> None:
        chain = find_chain(source, target)
        if chain is None:
            raise ModelMissing(
                f"apertium has no mode for {source}->{target}; install one with: {install_hint(source, target)}"
            )
        self.chain = chain
        self.edits: _Edits | None = None
        if (source, target) in EDITED_PAIRS and len(chain) == 2:
            steps = steps or Steps()
            self.edits = _Edits(steps, _rules() if steps.rewrite else None)
        self.version = "+".join(chain) + "@" + _chain_version(chain) + (
            f"+{self.edits.version}" if self.edits is not None else "")

    max_tokens = APERTIUM_MAX_SEGMENT_CHARS  # apertium counts nothing; characters bound a runaway segment

    def token_count(self, text: str) -> int:
        """Characters: apertium has no token limit of its own."""
        return len(text)

    def translate(self, segments: Sequence[str]) -> list[str]:
        """One translation per segment, unknown-word marks removed; empty segments stay empty."""
        return _by_block(segments, self._translate_block, "")

    def close(self) -> None:
        """Nothing to release: each batch runs its own processes."""

    def _translate_block(self, texts: list[str]) -> list[str]:
        edits = self.edits
        if edits is None:
            return [strip_marks(final[-1], text) for final, text in zip(self._aligned(texts, False), texts,
                                                                        strict=True)]
        sources = [preedit(text) for text in texts] if edits.steps.preedit else texts
        staged = self._aligned(sources, edits.steps.unknown)
        if edits.steps.unknown:
            english = fill_unknown(staged, sources, edits.fallbacks, word_route)
        else:
            english = [strip_marks(stages[-1], source) for stages, source in zip(staged, sources, strict=True)]
        if edits.rules is None:
            return english
        return [english_spacing(edits.rules.apply(line, text)) for line, text in zip(english, texts, strict=True)]

    def _aligned(self, texts: list[str], marks: bool) -> list[tuple[str, ...]]:
        return _aligned_chain(texts, self.chain, marks=marks)


def word_route(words: Sequence[str], chain: Sequence[str]) -> list[str] | None:
    """Single words through another chain (marks kept), or None when its modes are not installed (the
    unknown-word fallback's Catalan routes)."""
    if not set(chain) <= installed_modes():
        return None
    return [stages[-1] for stages in translate_staged(words, chain, marks=True)]


def translate_staged(lines: Sequence[str], chain: Sequence[str], *, marks: bool) -> list[tuple[str, ...]]:
    """Per line, the output of every step of `chain` (with `marks`) or of the last one; empty stays empty.

    Used by the engine and by benchmarks/learn_postedit.py, which learns from exactly what the engine sees.
    """
    return _by_block(lines, lambda block: _aligned_chain(block, tuple(chain), marks=marks),
                     ("",) * (len(chain) if marks else 1))


def _by_block(lines: Sequence[str], run: Callable[[list[str]], list[_Out]], empty: _Out) -> list[_Out]:
    """`run` over the cleaned non-empty lines, APERTIUM_BLOCK_LINES at a time, each result back in its line's
    place; a line with nothing to translate gets `empty`."""
    out = [empty] * len(lines)
    todo = [(i, _clean(line)) for i, line in enumerate(lines)]
    todo = [(i, text) for i, text in todo if text]
    for start in range(0, len(todo), APERTIUM_BLOCK_LINES):
        block = todo[start:start + APERTIUM_BLOCK_LINES]
        for (index, _), result in zip(block, run([text for _, text in block]), strict=True):
            out[index] = result
    return out


def _aligned_chain(texts: list[str], chain: tuple[str, ...], *, marks: bool) -> list[tuple[str, ...]]:
    """Per text, the output of every step of `chain` (with `marks`) or of the last one; the batch is halved
    until the paragraph counts come back right."""
    # A trailing paragraph break too: apertium puts a full stop after a last line that has none.
    stages = [_paragraphs(output) for output in run_chain(_PARAGRAPH.join(texts) + _PARAGRAPH, chain, marks=marks)]
    if all(len(parts) == len(texts) for parts in stages):
        return list(zip(*stages, strict=True))
    if len(texts) == 1:
        return [tuple(" ".join(parts) for parts in stages)]
    log.debug("apertium returned %s paragraphs for %d; halving the batch", [len(p) for p in stages], len(texts))
    middle = len(texts) // 2
    return _aligned_chain(texts[:middle], chain, marks=marks) + _aligned_chain(texts[middle:], chain, marks=marks)


def _paragraphs(text: str) -> list[str]:
    text = text.strip("\n")
    return [" ".join(part.split()) for part in text.split(_PARAGRAPH)] if text else []


def run_chain(text: str, chain: Sequence[str], *, marks: bool = False) -> list[str]:
    """Pipe `text` through every mode of `chain`, one process per mode, all running at once.

    Without `marks` the modes run with `-u`, joined by OS pipes, and only the last output comes back. With
    `marks` a relay thread between two steps keeps each step's marked output (`*word`: unknown to that
    step's dictionary) and passes the text on with the marks stripped, so the final words are those of the
    unmarked chain; every step's output comes back. Raises TranslationError naming the mode that failed.
    """
    flags = ["-f", "txt"] if marks else ["-u", "-f", "txt"]
    procs: list[subprocess.Popen[bytes]] = []
    relays: list[threading.Thread] = []
    kept: list[list[bytes]] = [[] for _ in chain[:-1]] if marks else []
    with contextlib.ExitStack() as stack:
        errors = [stack.enter_context(tempfile.TemporaryFile()) for _ in chain]
        try:
            upstream: IO[bytes] | int = subprocess.PIPE
            for step, (mode, error) in enumerate(zip(chain, errors, strict=True)):
                proc = subprocess.Popen(["apertium", *flags, mode], stdin=upstream, stdout=subprocess.PIPE,
                                        stderr=error)
                if procs and marks:
                    relay = threading.Thread(target=_relay, args=(procs[-1], proc, kept[step - 1], text), daemon=True)
                    relay.start()
                    relays.append(relay)
                elif procs and procs[-1].stdout is not None:
                    procs[-1].stdout.close()  # the next process owns it now
                procs.append(proc)
                assert proc.stdout is not None
                upstream = subprocess.PIPE if marks else proc.stdout
            writer = threading.Thread(target=_feed, args=(procs[0], text.encode("utf-8")), daemon=True)
            writer.start()
            watchdog = threading.Timer(APERTIUM_TIMEOUT_S, _kill_all, args=(procs,))
            watchdog.start()
            try:
                assert procs[-1].stdout is not None
                output = procs[-1].stdout.read()  # not communicate(): it would close a relay's stdin
            finally:
                watchdog.cancel()
            writer.join(APERTIUM_TIMEOUT_S)
            for relay in relays:
                relay.join(APERTIUM_TIMEOUT_S)
            for mode, proc, error in zip(chain, procs, errors, strict=True):
                if proc.wait(timeout=APERTIUM_TIMEOUT_S) != 0:
                    error.seek(0)
                    detail = error.read().decode("utf-8", "replace").strip()[:300]
                    raise TranslationError(f"apertium {mode} stopped with exit code {proc.returncode}: {detail}")
        except (OSError, subprocess.SubprocessError) as exc:
            raise TranslationError(f"apertium {' | '.join(chain)} failed: {exc}") from None
        finally:
            _kill_all(procs)
    return [b"".join(chunks).decode("utf-8", "replace") for chunks in kept] + [output.decode("utf-8", "replace")]


def _kill_all(procs: Sequence[subprocess.Popen[bytes]]) -> None:
    """Stop every process of a chain still running (after a timeout or an error)."""
    for proc in procs:
        if proc.poll() is None:
            proc.kill()


def _relay(upstream: subprocess.Popen[bytes], downstream: subprocess.Popen[bytes], kept: list[bytes],
           source: str) -> None:
    """Copy one step's output into the next step line by line, apertium's marks stripped (`source`'s own
    @handles and #tags kept), keeping the marked text."""
    assert upstream.stdout is not None and downstream.stdin is not None
    own = own_marked(source)
    try:
        for line in upstream.stdout:
            kept.append(line)
            downstream.stdin.write(strip_own(line.decode("utf-8", "replace"), own).encode("utf-8"))
    except BrokenPipeError:
        pass  # the next process died; its exit code says why
    finally:
        downstream.stdin.close()


def _feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
    assert proc.stdin is not None
    try:
        proc.stdin.write(data)
    except BrokenPipeError:
        pass  # the process died; its exit code says why
    finally:
        proc.stdin.close()


def _clean(segment: str) -> str:
    """One line of text apertium can take: control characters and line breaks become spaces."""
    return " ".join(_CONTROL.sub(" ", segment).split())


@cache
def _rules() -> PostEditor:
    """The French -> English rule table, read once per process."""
    return load_rules()


def _chain_version(chain: tuple[str, ...]) -> str:
    """A fingerprint of the mode files and the bytes of the data files they name, so an upgrade (or any
    change to those files) invalidates cached output."""
    digest = hashlib.sha256()
    for mode in chain:
        for folder in MODE_DIRS:
            mode_file = folder / f"{mode}.mode"
            if mode_file.is_file():
                pipeline = mode_file.read_text(encoding="utf-8", errors="replace")
                digest.update(pipeline.encode("utf-8"))
                for data_file in sorted(set(re.findall(r"'(/[^']+)'", pipeline))):
                    try:  # by their bytes (a few MB, hashed in milliseconds), never by size and time
                        with Path(data_file).open("rb") as handle:
                            content = hashlib.file_digest(handle, "sha256").hexdigest()
                    except OSError:
                        continue
                    digest.update(f"{data_file}:{content}".encode())
                break
    return digest.hexdigest()[:16]
