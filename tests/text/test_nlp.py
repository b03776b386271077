"""The shared spaCy loader: one pipeline per language and process, only NER's components running."""

from __future__ import annotations

from briefing.text.nlp import has_pipeline, pipeline


def test_french_is_loaded_once_with_only_the_entity_components_running() -> None:
    nlp = pipeline("fr")
    assert nlp is not None and pipeline("fr-FR") is nlp
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert "parser" in nlp.component_names  # there for a caller that enables it (headline compression)


def test_a_language_without_a_model_has_no_pipeline() -> None:
    assert not has_pipeline("en") and pipeline("en") is None
    assert pipeline("vi") is None and pipeline("und") is None
