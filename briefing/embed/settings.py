"""Tuned numbers of the sentence embeddings (MiniLM through ONNX Runtime), each with its reason.

Stage 3 (story grouping) and stage 5 (themes) embed texts; they share one model, one cache and these numbers.
"""

from __future__ import annotations

import os

EMBED_THREADS = min(2, os.cpu_count() or 1)  # texts encoded at once; each is too small to split across cores
EMBED_MEMORY_TEXTS = 20_000  # vectors a run keeps in memory (~30 MB): themes reuse those grouping computed
# Layers whose feed-forward output stays in float in the int8 model (convert._sensitive_matmuls): with 3 the
# least cosine to sentence-transformers on the dev texts is 0.993 (AG News) / 0.991 (OrangeSum), at 0.83x the
# CPU of keeping all six; with 2 it is 0.992 / 0.991 for 0.80x.
EMBED_FLOAT_LAYERS = 3
EMBED_MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length (sentence_bert_config.json): longer texts are cut
EMBED_DIM = 384  # all-MiniLM-L6-v2's vector size
EMBEDDING_CACHE_FILE = "embeddings.sqlite"  # beside the translation cache: reruns embed nothing, `rm` is safe
