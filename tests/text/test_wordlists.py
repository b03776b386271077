"""The shipped word lists: found by language code, never by a path built from input."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.text.wordlists import DATA_DIR, abbreviations, stopwords
from tests.conftest import path_as_language_code


def test_stopwords_and_abbreviations_of_the_shipped_languages() -> None:
    assert {"le", "la", "les"} <= stopwords("fr") and stopwords("FR-fr") == stopwords("fra") == stopwords("fr")
    assert "the" in stopwords("en") and "M." in abbreviations("fr") | {a + "." for a in abbreviations("fr")}
    assert stopwords("vi") == frozenset()  # a known language without a list


@pytest.mark.parametrize("content", [b"secret\nwords\n", b"\xff\xfe\x00bad bytes"])
def test_a_language_code_that_is_a_path_opens_no_file(plain_folder: Path, content: bytes) -> None:
    (plain_folder / "secret.txt").write_bytes(content)
    for kind in ("stopwords", "abbreviations"):
        code = path_as_language_code(plain_folder / "secret", kind)
        assert "-" not in code and "_" not in code
        assert (DATA_DIR / kind / f"{code}.txt").resolve() == (plain_folder / "secret.txt").resolve()
        assert stopwords(code) == frozenset()
        assert "secret" not in abbreviations(code)
