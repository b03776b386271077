"""Translation engines: what an engine must offer (`Engine`), and the one registry of them (`ENGINES`).

An engine translates plain segments of one language pair in batches. The registry lists the engines in
order of preference: "auto" takes the first one that can translate the pair (an installed Argos model,
the better translator, else an Apertium mode chain). A new engine is one module with a class that
meets `Engine`, and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from briefing.errors import ModelMissing, TranslationError
from briefing.log import get_logger
from briefing.translate import apertium, argos

log = get_logger(__name__)


class Engine(Protocol):
    """What an engine gives the Translator: a name, a version for the cache, batched translation."""

    name: str
    version: str
    max_tokens: int  # the longest segment, in `token_count` units, the engine takes whole

    def token_count(self, text: str) -> int:
        """The size of `text` in the engine's own units (model tokens, or characters)."""
        ...

    def translate(self, segments: Sequence[str]) -> list[str]:
        """One output per segment, same order; empty stays empty."""
        ...

    def close(self) -> None:
        """Release processes or memory."""
        ...


@dataclass(frozen=True, slots=True)
class EngineKind:
    """One entry of the registry: how to open the engine, whether it can do a pair, how to get it."""

    open: Callable[[str, str], Engine]  # (source, target) -> an engine; raises ModelMissing
    can_translate: Callable[[str, str], bool]  # cheap: is a model or mode for the pair installed?
    install_hint: Callable[[str, str], str]  # what to run to get it, for error messages


def _argos_can_translate(source: str, target: str) -> bool:
    try:
        return argos.find_model(source, target) is not None
    except (ImportError, TranslationError) as exc:
        log.debug("argos not usable: %s", exc)
        return False


def _argos_hint(source: str, target: str) -> str:
    return (f"an Argos model with `briefing models install {source} {target}` "
            "(or `--file PATH.argosmodel` offline)")


def _apertium_hint(source: str, target: str) -> str:
    return f"apertium with `{apertium.install_hint(source, target)}`"


# In order of preference: "auto" takes the first engine that can translate the pair.
ENGINES: dict[str, EngineKind] = {
    "argos": EngineKind(argos.ArgosEngine, _argos_can_translate, _argos_hint),
    "apertium": EngineKind(apertium.ApertiumEngine, lambda s, t: apertium.find_chain(s, t) is not None,
                           _apertium_hint),
}
AUTO = "auto"
ENGINE_CHOICES = (AUTO, *ENGINES)  # what --engine accepts


def pick_engine(source: str, target: str, engine: str) -> Engine:
    """The engine asked for; for "auto", the first in `ENGINES` that can translate the pair.

    Raises TranslationError for an unknown name, ModelMissing (naming the pair and how to install an
    engine for it) when none can.
    """
    if engine not in ENGINE_CHOICES:
        raise TranslationError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINE_CHOICES)}")
    if engine != AUTO:
        return ENGINES[engine].open(source, target)
    for kind in ENGINES.values():
        if kind.can_translate(source, target):
            return kind.open(source, target)
    hints = ", or ".join(kind.install_hint(source, target) for kind in ENGINES.values())
    raise ModelMissing(f"no translation engine for {source}->{target}: install {hints}")
