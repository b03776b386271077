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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO

from briefing.errors import ModelMissing, TranslationError
from briefing.log import get_logger
from briefing.translate.settings import (
    APERTIUM_BLOCK_LINES,
    APERTIUM_CHAINS,
    APERTIUM_MAX_SEGMENT_CHARS,
    APERTIUM_TIMEOUT_S,
)

log = get_logger(__name__)

NAME = "apertium"

# ISO 639-1 codes of the languages apertium names with three letters.
_ISO3 = {"en": "eng", "es": "spa", "fr": "fra", "ca": "cat", "pt": "por", "it": "ita", "de": "deu",
         "ro": "ron", "gl": "glg", "oc": "oci", "eu": "eus", "nl": "nld", "ar": "ara", "ru": "rus"}
_ISO1 = {three: two for two, three in _ISO3.items()}
_PAIR_MODE = re.compile(r"([a-z]{2,3})-([a-z]{2,3})")  # fr-es, spa-eng; not eco-fr-es, spa-eng_US or debug modes
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_PARAGRAPH = "\n\n"
MODE_DIRS = (Path("/usr/share/apertium/modes"), Path("/usr/local/share/apertium/modes"))
_MARKED = re.compile(r"(?<!\S)[*#@](?=\w)")


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


class ApertiumEngine:
    """Translates plain segments through a chain of apertium modes."""

    name = NAME

    def __init__(self, source: str, target: str) -> None:
        chain = find_chain(source, target)
        if chain is None:
            raise ModelMissing(
                f"apertium has no mode for {source}->{target}; install one with: {install_hint(source, target)}"
            )
        self.chain = chain
        self.version = "+".join(chain) + "@" + _chain_version(chain)

    max_tokens = APERTIUM_MAX_SEGMENT_CHARS  # apertium counts nothing; characters bound a runaway segment

    def token_count(self, text: str) -> int:
        """Characters: apertium has no token limit of its own."""
        return len(text)

    def translate(self, segments: Sequence[str]) -> list[str]:
        """One translation per segment, unknown-word marks removed; empty segments stay empty."""
        out = [""] * len(segments)
        todo = [(i, _clean(s)) for i, s in enumerate(segments)]
        todo = [(i, s) for i, s in todo if s]
        for start in range(0, len(todo), APERTIUM_BLOCK_LINES):
            block = todo[start:start + APERTIUM_BLOCK_LINES]
            for (index, text), translated in zip(block, self._aligned([t for _, t in block]), strict=True):
                out[index] = _unmark(translated, text)
        return out

    def close(self) -> None:
        """Nothing to release: each batch runs its own processes."""

    def _aligned(self, texts: list[str]) -> list[str]:
        """Translate many texts at once; halve the batch until the paragraph count comes back right."""
        # A trailing paragraph break too: apertium puts a full stop after a last line that has none.
        result = self._run(_PARAGRAPH.join(texts) + _PARAGRAPH).strip("\n")
        parts = result.split(_PARAGRAPH) if result else []
        if len(parts) == len(texts):
            return [" ".join(p.split()) for p in parts]
        if len(texts) == 1:
            return [" ".join(result.split())]
        log.debug("apertium returned %d paragraphs for %d; halving the batch", len(parts), len(texts))
        middle = len(texts) // 2
        return self._aligned(texts[:middle]) + self._aligned(texts[middle:])

    def _run(self, text: str) -> str:
        """Pipe text through every mode of the chain, one process per mode, all running at once."""
        with contextlib.ExitStack() as stack:
            errors = [stack.enter_context(tempfile.TemporaryFile()) for _ in self.chain]
            return self._pipe(text, errors)

    def _pipe(self, text: str, errors: Sequence[IO[bytes]]) -> str:
        procs: list[subprocess.Popen[bytes]] = []
        try:
            upstream: IO[bytes] | int = subprocess.PIPE
            for mode, error in zip(self.chain, errors, strict=True):
                proc = subprocess.Popen(["apertium", "-u", "-f", "txt", mode],
                                        stdin=upstream, stdout=subprocess.PIPE, stderr=error)
                if procs and procs[-1].stdout is not None:
                    procs[-1].stdout.close()  # the next process owns it now
                procs.append(proc)
                assert proc.stdout is not None
                upstream = proc.stdout
            writer = threading.Thread(target=_feed, args=(procs[0], text.encode("utf-8")), daemon=True)
            writer.start()
            output, _ = procs[-1].communicate(timeout=APERTIUM_TIMEOUT_S)
            writer.join(APERTIUM_TIMEOUT_S)
            for proc in procs:
                proc.wait(timeout=APERTIUM_TIMEOUT_S)
            for mode, proc, error in zip(self.chain, procs, errors, strict=True):
                if proc.returncode != 0:
                    error.seek(0)
                    detail = error.read().decode("utf-8", "replace").strip()[:300]
                    raise TranslationError(f"apertium {mode} stopped with exit code {proc.returncode}: {detail}")
        except (OSError, subprocess.SubprocessError) as exc:
            raise TranslationError(f"apertium {' | '.join(self.chain)} failed: {exc}") from None
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
        return output.decode("utf-8", "replace")


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


def _unmark(translated: str, source: str) -> str:
    """Drop unknown-word marks (* # @) that apertium added, keep those the source had (@handles, #tags)."""
    def keep_if_in_source(match: re.Match[str]) -> str:
        word = re.match(r"\S+", translated[match.start():])
        return match.group(0) if word and word.group(0) in source else ""
    return _MARKED.sub(keep_if_in_source, translated)


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
