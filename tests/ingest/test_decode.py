"""Bytes to text: legacy code pages, UTF-16 and BOMs decoded right, stray bytes and control characters."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.ingest import ingest, read_bytes
from tests.ingest.conftest import STORY, TODAY, _ingest_cli


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16", "utf-8-sig", "utf-8"])
def test_encodings_decode_right(tmp_path: Path, encoding: str) -> None:
    text = STORY if encoding != "latin-1" else STORY.replace("’", "'").replace("« ", "« ")
    (tmp_path / "story.txt").write_bytes(text.encode(encoding))
    [article] = ingest([str(tmp_path)], today=TODAY).articles
    assert "\ufffd" not in article.text
    assert "d’euros" in article.text and "sécurité" in article.text and "« Nous rendrons" in article.text


def test_short_cp1252_text_is_not_mojibake() -> None:
    data = ("Élève à l’école, déjà été. " * 10).encode("cp1252")
    [article] = read_bytes(data, "short.txt", today=TODAY)
    assert article.text.startswith("Élève à l’école, déjà été.")


def test_nul_bytes_control_characters_and_nfc(tmp_path: Path) -> None:
    decomposed = "Nguye\u0302\u0303n Va\u0306n An a e\u0301te\u0301 e\u0301lu."  # Vietnamese and French marks
    dirty = STORY.replace("mardi", "mar\x00di\x07").replace("Les travaux", "\x1bLes travaux") + " " + decomposed
    [article] = read_bytes(dirty.encode("utf-8"), "dirty.txt", today=TODAY)
    assert "mardi soir" in article.text
    assert not any(ord(c) < 32 and c != "\n" for c in article.text)
    assert "Nguyễn Văn An a été élu." in article.text


def test_utf8_with_one_stray_byte_is_read_with_a_warning(runner: CliRunner, tmp_path: Path) -> None:
    vietnamese = ("Hà Nội đã khánh thành trung tâm trí tuệ nhân tạo quốc gia vào sáng thứ Ba, với sự tham dự "
                  "của nhiều doanh nghiệp công nghệ trong và ngoài nước. ") * 70
    data = vietnamese.encode("utf-8")
    assert len(data) > 12_000
    (tmp_path / "vn.txt").write_bytes(data[:6000] + b"\xff" + data[6000:])
    code, [record], stderr = _ingest_cli(runner, str(tmp_path / "vn.txt"))
    assert code == 0
    assert record["text"].count("\ufffd") == 1 and "Hà Nội" in record["text"]
    assert f"warning: {tmp_path / 'vn.txt'}: 1 byte(s) that are not UTF-8 were replaced by \ufffd" in stderr
    # a legacy code page is not mistaken for damaged UTF-8
    [latin] = read_bytes(STORY.encode("cp1252"), "a.txt", today=TODAY)
    assert "rénovation" in latin.text and "\ufffd" not in latin.text
