"""The glossary: the default and the user's terms, whole words only, and a bad or missing file named."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import translate
from briefing.cli import main
from briefing.errors import BadGlossary
from briefing.translate.glossary import load_glossary
from briefing.translate.protect import protect, restore
from tests.translate.conftest import needs_apertium


@needs_apertium
def test_user_glossary_is_applied_on_top_of_the_default(tmp_path: Path, cache_file: Path) -> None:
    glossary = tmp_path / "glossary.toml"
    glossary.write_text('"Centre national d’innovation" = "National Innovation Centre"\n'
                        '[fr-en]\n"IA" = "A.I."\n', encoding="utf-8")
    line = ["Le Centre national d’innovation soutient l’IA et les start-up."]
    with translate.open_translator("fr", "en", engine="apertium", glossary=glossary,
                                   cache_path=cache_file) as translator:
        (out,) = translator.translate_lines(line)
    assert "National Innovation Centre" in out
    assert "A.I." in out
    assert "start-up" in out


def test_glossary_matches_whole_words_and_capitalises_like_the_source() -> None:
    glossary = load_glossary(None, "fr", "en")
    protected = protect("Transformation numérique : l’IA, IAB et la transformation numérique.", "fr", "en", glossary)
    assert protected.spans == ("Digital transformation", "AI", "digital transformation")
    assert "IAB" in protected.text
    restored = restore(protected.text, protected.spans)
    assert restored == "Digital transformation : l’AI, IAB et la digital transformation."


@pytest.mark.parametrize("content, problem", [
    ("IA = \n", "not valid TOML"),
    ('IA = ""\n', "non-empty"),
    ("IA = 3\n", "non-empty"),
])
def test_bad_glossary_says_which_file_and_what_is_wrong(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadGlossary, match=problem) as caught:
        load_glossary(path, "fr", "en")
    assert str(path) in str(caught.value)


def test_missing_glossary_file_is_a_clean_cli_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["translate", "--source", "fr", "--glossary", str(tmp_path / "nope.toml")],
                           input="Bonjour\n")
    assert result.exit_code == 1
    assert "nope.toml: file not found" in result.stderr
    assert "Traceback" not in result.output
