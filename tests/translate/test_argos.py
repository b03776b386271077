"""Argos with a tiny real package built offline: installing from a file or an index served on 127.0.0.1,
hostile packages refused, batching, loops and very long sentences."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from briefing import translate
from briefing.cli import main
from briefing.errors import BadModelFile
from briefing.text import split_sentences
from briefing.translate import argos
from briefing.translate.settings import ARGOS_MAX_INPUT_TOKENS
from briefing.translate.translator import split_long


def test_install_from_file_and_list(argos_home: Path, packages: dict[str, Path], runner: CliRunner) -> None:
    result = runner.invoke(main, ["models", "install", "--file", str(packages["fr-en"])])
    assert result.exit_code == 0, result.output
    assert result.stdout == "installed fr->en 0.1 (translate-fr_en)\n"
    assert [(m.source, m.target, m.version) for m in argos.installed_models()] == [("fr", "en", "0.1")]
    listed = runner.invoke(main, ["models", "list"])
    assert listed.stdout.startswith("fr->en  0.1  installed  translate-fr_en")
    assert (argos_home / "translate-fr_en-0_1" / "model" / "model.bin").is_file()


def test_a_file_that_is_not_a_package_is_refused(argos_home: Path, tmp_path: Path, runner: CliRunner) -> None:
    fake = tmp_path / "fr_en.argosmodel"
    fake.write_bytes(b"\x89PNG not a zip")
    with pytest.raises(BadModelFile, match="not an Argos model"):
        argos.install_model_file(fake)
    result = runner.invoke(main, ["models", "install", "--file", str(fake)])
    assert result.exit_code == 1
    assert "fr_en.argosmodel: not an Argos model" in result.stderr
    assert argos.installed_models() == []


def _metadata(**fields: Any) -> bytes:
    """A package's metadata.json: the tiny package's pair and version, with `fields` on top."""
    return json.dumps({"from_code": "fr", "to_code": "en", "package_version": "0.1", **fields}).encode()


def _repacked(original: Path, out: Path, *, rename: Any = None, replace: dict[str, bytes] | None = None,
              extra: int = 0, bzip2: str = "") -> Path:
    """A copy of a real package (deflated) with member names passed through `rename`, some contents replaced,
    `extra` empty files added, and the member `bzip2` (its path in the package) packed with bzip2."""
    import zipfile

    with zipfile.ZipFile(original) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            top, tail = name.split("/", 1)
            data = (replace or {}).get(tail, source.read(name))
            packing = zipfile.ZIP_BZIP2 if tail == bzip2 else zipfile.ZIP_DEFLATED
            target.writestr(rename(name) if rename else name, data, compress_type=packing)
        for number in range(extra):
            target.writestr(f"{top}/empty/{number}", b"")
    return out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rename": lambda n: "../" + n.split("/", 1)[1]}, "holds the path '../"),
        ({"rename": lambda n: "/abs/" + n}, "which leaves its folder"),
        ({"replace": {"model/model.bin": b"garbage" * 1000}}, "its model cannot be loaded"),
        ({"replace": {"sentencepiece.model": b"garbage"}}, "its model cannot be loaded"),
        ({"replace": {"metadata.json": b'{"from_code": ["fr"], "to_code": "en"}'}},
         "must name from_code and to_code as language codes"),
        # 64 MB of zeros deflate to 64 KB: unpacking to check it wrote them all before
        ({"replace": {"model/model.bin": bytes(64 << 20)}}, "the archive would unpack to 64 MB, far more than a model"),
        ({"replace": {"metadata.json": b'{"from_code": "fr", "to_code": "en", "x": "' + b" " * (1 << 20) + b'"}'}},
         "metadata.json is larger than 1 MB"),
        ({"extra": 1_001}, "files, far more than a model"),  # each would be made on disk before the load failed
        # bzip2 and LZMA members are unpacked whole before their declared size is checked: 1.5 KB took 4 GB
        ({"bzip2": "model/model.bin"}, "is encrypted or packed in a way Argos packages never are"),
        # fields argostranslate reads as lists or text: installed, they made every later listing a traceback
        ({"replace": {"metadata.json": _metadata(source_languages=7)}}, "has source_languages of the wrong type"),
        ({"replace": {"metadata.json": _metadata(target_prefix=["x"])}}, "has target_prefix of the wrong type"),
        ({"replace": {"metadata.json": _metadata(package_version="9" * 100_000)}}, "package_version as a version"),
        ({"replace": {"metadata.json": _metadata(package_version="1\x1b[31m\r\nfake")}}, "package_version"),
        ({"replace": {"metadata.json": _metadata(package_version=True)}}, "package_version as a version"),
        ({"replace": {"metadata.json": _metadata(from_code="fr\n")}}, "must name from_code and to_code"),
        ({"replace": {"metadata.json": _metadata(type="sbd")}}, "must be a translation package"),
        ({"replace": {"metadata.json": b"[" * 100_000 + b"]" * 100_000}}, "not valid UTF-8 JSON (nested too deep)"),
        ({"replace": {"metadata.json": json.dumps({"from_code": "fr", "to_code": "en"}).encode("utf-16")}},
         "metadata.json is not valid UTF-8 JSON"),
    ],
)
def test_a_hostile_or_broken_package_is_refused_before_installing(
        argos_home: Path, packages: dict[str, Path], tmp_path: Path, runner: CliRunner, change: dict[str, Any],
        message: str) -> None:
    bad = _repacked(packages["fr-en"], tmp_path / "bad.argosmodel", **change)
    result = runner.invoke(main, ["models", "install", "--file", str(bad)])
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert list(argos_home.iterdir()) == [] and not (argos_home.parent / "metadata.json").exists()
    assert not list(argos_home.parent.glob(".briefing-install-*"))
    listed = runner.invoke(main, ["models", "list"])
    assert listed.exit_code == 0 and "no Argos model installed" in listed.stdout
    # the real package still installs afterwards
    assert runner.invoke(main, ["models", "install", "--file", str(packages["fr-en"])]).exit_code == 0


def test_an_unreadable_package_folder_is_skipped_with_one_warning_and_the_others_still_work(
        argos_home: Path, packages: dict[str, Path], runner: CliRunner) -> None:
    """A folder argostranslate cannot load (no metadata.json; a field of the wrong type; a 5,000-digit version)
    made `models list`, `translate` and `build` end in a traceback, every run, until found by hand."""
    argos.install_model_file(packages["fr-en"])
    (argos_home / "empty").mkdir()
    for name, metadata in (("typed", _metadata(from_code="de", source_languages=7)),
                           ("version", _metadata(from_code="de", package_version="9" * 5_000))):
        (argos_home / name).mkdir()
        (argos_home / name / "metadata.json").write_bytes(metadata)
    listed = runner.invoke(main, ["models", "list"])
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.startswith("fr->en  0.1  installed  translate-fr_en")
    warnings = [line for line in listed.stderr.splitlines() if "ignoring the Argos package folder" in line]
    assert len(warnings) == 3 and all("remove it, or install the package again" in line for line in warnings)
    assert max(len(line) for line in warnings) < 400
    out = runner.invoke(main, ["translate", "--source", "fr", "--engine", "argos", "--no-cache"], input="Bonjour.\n")
    assert out.exit_code == 0 and out.stdout.strip() and "Traceback" not in out.output


def test_a_package_installs_under_its_own_pair_and_version_never_over_another(
        argos_home: Path, packages: dict[str, Path], tmp_path: Path) -> None:
    """The folder name came from the archive: a de->en package whose folder says translate-fr_en-0_1 replaced
    the fr->en one, files merged. It is now named from the checked metadata; installing again replaces."""
    import zipfile

    fr_top = zipfile.ZipFile(packages["fr-en"]).namelist()[0].split("/", 1)[0]
    disguised = _repacked(packages["de-en"], tmp_path / "de.argosmodel",
                          rename=lambda name: f"{fr_top}/{name.split('/', 1)[1]}")
    argos.install_model_file(packages["fr-en"])
    argos.install_model_file(disguised)
    argos.install_model_file(packages["fr-en"])  # again: the same pair and version is replaced, not doubled
    assert [(m.source, m.target, m.version) for m in argos.installed_models()] == [("de", "en", "0.1"),
                                                                                  ("fr", "en", "0.1")]
    assert sorted(p.name for p in argos_home.iterdir()) == ["translate-de_en-0_1", "translate-fr_en-0_1"]
    assert not list(argos_home.parent.glob(".briefing-install-*"))


def test_a_broken_package_for_an_installed_pair_leaves_the_installed_one_working(
        argos_home: Path, packages: dict[str, Path], tmp_path: Path, runner: CliRunner) -> None:
    """The same pair and version again, with a model that does not load: refused, and the package installed
    before is still there, whole, and translates."""
    argos.install_model_file(packages["fr-en"])
    before = sorted(p.relative_to(argos_home) for p in argos_home.rglob("*"))
    broken = _repacked(packages["fr-en"], tmp_path / "broken.argosmodel", replace={"model/model.bin": b"x" * 4096})
    result = runner.invoke(main, ["models", "install", "--file", str(broken)])
    assert result.exit_code == 1 and "its model cannot be loaded" in result.stderr
    assert sorted(p.relative_to(argos_home) for p in argos_home.rglob("*")) == before
    assert not list(argos_home.parent.glob(".briefing-install-*"))
    out = runner.invoke(main, ["translate", "--source", "fr", "--engine", "argos", "--no-cache"], input="Bonjour.\n")
    assert out.exit_code == 0 and out.stdout.strip(), out.output


def test_a_package_whose_compressed_data_is_corrupt_is_one_line_and_installs_nothing(
        argos_home: Path, packages: dict[str, Path], tmp_path: Path, runner: CliRunner) -> None:
    """Bytes flipped inside model.bin's deflated data: the archive's directory reads fine, and unpacking raised
    zlib.error, a traceback."""
    import zipfile

    bad = _repacked(packages["fr-en"], tmp_path / "corrupt.argosmodel", replace={"model/model.bin": b"ab" * 50_000})
    with zipfile.ZipFile(bad) as archive:
        member = next(m for m in archive.infolist() if m.filename.endswith("model/model.bin"))
    data = bytearray(bad.read_bytes())
    start = member.header_offset + 30 + len(member.filename.encode()) + len(member.extra)
    data[start:start + 3] = bytes(b ^ 0x5A for b in data[start:start + 3])
    bad.write_bytes(bytes(data))
    result = runner.invoke(main, ["models", "install", "--file", str(bad)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "corrupt.argosmodel: the archive is damaged" in result.stderr
    assert list(argos_home.iterdir()) == [] and not list(argos_home.parent.glob(".briefing-install-*"))


def test_a_packages_folder_that_cannot_be_written_is_one_line(
        argos_home: Path, packages: dict[str, Path], runner: CliRunner) -> None:
    argos_home.rmdir()
    argos_home.write_text("not a folder")
    result = runner.invoke(main, ["models", "install", "--file", str(packages["fr-en"])])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"cannot install into {argos_home}" in result.stderr
    listed = runner.invoke(main, ["models", "list"])
    assert listed.exit_code == 1 and "cannot read the installed Argos packages" in listed.stderr


def test_argos_batches_every_sentence_in_one_call(argos_home: Path, packages: dict[str, Path],
                                                  cache_file: Path) -> None:
    argos.install_model_file(packages["fr-en"])
    lines = [f"Le programme {i} soutient les start-up. La JICA participe au forum {i}." for i in range(40)]
    lines[7] = ""
    with translate.open_translator("fr", "en", engine="argos", use_cache=False) as translator:
        batched = translator.translate_lines(lines)
        assert translator.engine.calls == 1  # type: ignore[attr-defined]
        one_by_one = [translator.translate_lines([line])[0] for line in lines]
    assert batched == one_by_one
    assert len(batched) == 40 and batched[7] == ""


def test_argos_loop_is_caught_and_the_source_kept(argos_home: Path, packages: dict[str, Path]) -> None:
    argos.install_model_file(packages["de-en"])
    lines = ["Das Programm beginnt heute.", "Hanoi"]
    with translate.open_translator("de", "en", engine="argos", use_cache=False) as translator:
        assert translator.translate_lines(lines) == lines
        assert translator.stats.suspect == 2


def test_argos_chunks_a_5000_character_sentence(argos_home: Path, packages: dict[str, Path]) -> None:
    argos.install_model_file(packages["fr-en"])
    sentence = ", ".join(f"le programme {i} soutient les start-up" for i in range(150)) + "."
    assert len(sentence) > 5000
    with translate.open_translator("fr", "en", engine="argos", use_cache=False) as translator:
        engine = translator.engine
        # what the translator sends: the sentence splitter's pieces (SENTENCE_MAX_CHARS), each cut to the token limit
        pieces = [piece for part in split_sentences(sentence, "fr")
                  for piece in split_long(part, engine.token_count, ARGOS_MAX_INPUT_TOKENS)]  # type: ignore[attr-defined]
        assert engine.token_count(sentence) > 1024  # type: ignore[attr-defined]
        assert len(pieces) > 2 and all(engine.token_count(p) <= ARGOS_MAX_INPUT_TOKENS for p in pieces)  # type: ignore[attr-defined]
        (out,) = translator.translate_lines([sentence])
        assert out
        assert translator.stats.translated == len(pieces)


# --- installing from an index -----------------------------------------------------------------


@pytest.fixture
def argos_index(argos_home: Path, packages: dict[str, Path], tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving an Argos index that lists the tiny fr->en package."""
    import argostranslate.settings as argos_settings

    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(packages["fr-en"], served / packages["fr-en"].name)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    index = [{"package_version": "0.1", "argos_version": "1.9", "from_code": "fr", "to_code": "en",
              "from_name": "French", "to_name": "English", "type": "translate",
              "links": [base + packages["fr-en"].name]}]
    (served / "index.json").write_text(json.dumps(index), encoding="utf-8")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.setattr(argos_settings, "remote_package_index", base + "index.json")
    monkeypatch.setattr(argos_settings, "downloads_dir", tmp_path / "downloads")
    (tmp_path / "downloads").mkdir()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def test_models_install_from_an_index(argos_index: str, runner: CliRunner) -> None:
    listed = runner.invoke(main, ["models", "list", "--available"])
    assert listed.exit_code == 0, listed.output
    assert "fr->en  0.1  available  translate-fr_en" in listed.stdout
    result = runner.invoke(main, ["models", "install", "fr", "en"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "installed fr->en 0.1 (translate-fr_en)\n"
    missing = runner.invoke(main, ["models", "install", "fr", "xx"])
    assert missing.exit_code == 1
    assert "the Argos index has no fr->xx model" in missing.stderr


def test_models_install_offline_says_how_to_install_from_a_file(argos_home: Path, runner: CliRunner,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import argostranslate.settings as argos_settings

    with socket.socket() as closed:  # a port nobody listens on: the download fails for real
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.setattr(argos_settings, "remote_package_index", f"http://127.0.0.1:{port}/index.json")
    result = runner.invoke(main, ["models", "install", "fr", "en"])
    assert result.exit_code == 1
    assert "could not download the Argos package index" in result.stderr
    assert "briefing models install --file PATH.argosmodel" in result.stderr
