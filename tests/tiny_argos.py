"""Builds a tiny, real Argos package offline: a SentencePiece model trained on a few sentences and a
two-layer CTranslate2 Transformer with seeded random weights, zipped as a .argosmodel with metadata.json.

Its translations are nonsense, but every part is the real thing: argostranslate installs it,
CTranslate2 loads and runs it, SentencePiece tokenises for it. `loop=True` biases the output layer
towards one word and away from the end token, so the decoder loops: the guards must catch that.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import ctranslate2
import numpy as np
import sentencepiece
from ctranslate2.specs import TransformerSpec

TRAINING_TEXT = """\
Le Vietnam lance un programme pour les start-up en intelligence artificielle.
Le Centre national d'innovation travaille avec la JICA et le Japon.
Le marché des centres de données atteindra 1,14 milliard de dollars d'ici 2029.
La transformation numérique est une stratégie à long terme pour le pays.
Le secrétaire général Tô Lâm a souligné le besoin de redoubler d'efforts.
Vietnam launches a programme for artificial intelligence start-ups.
The national innovation centre works with JICA and Japan.
The data centre market will reach 1.14 billion dollars by 2029.
Digital transformation is a long-term strategy for the country.
General Secretary To Lam stressed the need to redouble efforts.
"""

DIM, HEADS, LAYERS, FFN = 32, 2, 2, 64


def _train_tokenizer(folder: Path) -> list[str]:
    corpus = folder / "corpus.txt"
    corpus.write_text(TRAINING_TEXT * 3, encoding="utf-8")
    sentencepiece.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(folder / "sentencepiece"), vocab_size=120,
        character_coverage=1.0, model_type="unigram", minloglevel=2, num_threads=1,
    )
    processor = sentencepiece.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _fill(spec: object, rng: np.random.Generator, prefix: str = "") -> None:
    """Give every unset weight of the spec a small random array of the shape its name implies."""
    for name, value in list(vars(spec).items()):
        if name.startswith("_"):
            continue  # configuration, not weights
        path = f"{prefix}.{name}" if prefix else name
        if isinstance(value, list):
            for index, item in enumerate(value):
                if hasattr(item, "__dict__"):
                    _fill(item, rng, f"{path}.{index}")
        elif hasattr(value, "__dict__") and not isinstance(value, np.generic):
            _fill(value, rng, path)
        elif value is None:
            setattr(spec, name, _shape_for(path, rng))


def _shape_for(path: str, rng: np.random.Generator) -> np.ndarray:
    if path.endswith("gamma"):
        return np.ones(DIM, dtype=np.float32)
    if path.endswith("beta"):
        return np.zeros(DIM, dtype=np.float32)
    raise ValueError(path)


def _linear(rng: np.random.Generator, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    return (rng.normal(0, 0.3, (rows, cols)).astype(np.float32), np.zeros(rows, dtype=np.float32))


def _set_attention(attention: object, rng: np.random.Generator, self_attention: bool) -> None:
    shapes = [(3 * DIM, DIM), (DIM, DIM)] if self_attention else [(DIM, DIM), (2 * DIM, DIM), (DIM, DIM)]
    for linear, (rows, cols) in zip(attention.linear, shapes, strict=True):  # type: ignore[attr-defined]
        linear.weight, linear.bias = _linear(rng, rows, cols)


def _set_ffn(ffn: object, rng: np.random.Generator) -> None:
    ffn.linear_0.weight, ffn.linear_0.bias = _linear(rng, FFN, DIM)  # type: ignore[attr-defined]
    ffn.linear_1.weight, ffn.linear_1.bias = _linear(rng, DIM, FFN)  # type: ignore[attr-defined]


def build_model(folder: Path, vocab: list[str], *, loop: bool, seed: int = 7) -> None:
    """A CTranslate2 Transformer saved in `folder` (model.bin and vocabularies)."""
    rng = np.random.default_rng(seed)
    spec = TransformerSpec.from_config(LAYERS, HEADS)
    size = len(vocab)
    spec.encoder.embeddings[0].weight = rng.normal(0, 1, (size, DIM)).astype(np.float32)
    spec.decoder.embeddings.weight = rng.normal(0, 1, (size, DIM)).astype(np.float32)
    for layer in spec.encoder.layer:
        _set_attention(layer.self_attention, rng, True)
        _set_ffn(layer.ffn, rng)
    for layer in spec.decoder.layer:
        _set_attention(layer.self_attention, rng, True)
        _set_attention(layer.attention, rng, False)
        _set_ffn(layer.ffn, rng)
    weight, bias = _linear(rng, size, DIM)
    eos = vocab.index("</s>")
    if loop:
        bias[vocab.index("▁Le") if "▁Le" in vocab else 5] = 50.0  # one word always wins...
        bias[eos] = -50.0  # ...and the sentence never ends
    else:
        bias[eos] = 2.0  # ends after a few words, like a sentence would
    spec.decoder.projection.weight, spec.decoder.projection.bias = weight, bias
    _fill(spec, rng)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.save(str(folder))


def build_package(out_dir: Path, *, source: str = "fr", target: str = "en", version: str = "0.1",
                  loop: bool = False) -> Path:
    """A .argosmodel file in `out_dir` for source→target; returns its path."""
    name = f"translate-{source}_{target}-{version.replace('.', '_')}"
    package = out_dir / "build" / name
    (package / "model").mkdir(parents=True, exist_ok=True)
    vocab = _train_tokenizer(package)
    build_model(package / "model", vocab, loop=loop)
    (package / "corpus.txt").unlink()
    (package / "sentencepiece.vocab").unlink(missing_ok=True)
    metadata = {"package_version": version, "argos_version": "1.9", "from_code": source, "from_name": source,
                "to_code": target, "to_name": target, "type": "translate"}
    (package / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    archive = out_dir / f"{name}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for file in sorted(package.rglob("*")):
            if file.is_file():
                zipped.write(file, f"{name}/{file.relative_to(package)}")
    assert ctranslate2.contains_model(str(package / "model"))
    return archive
