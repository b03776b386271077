"""Translation: the real apertium chain, a tiny real Argos package built offline, the cache, the guards."""

from __future__ import annotations

import functools
import http.server
import json
import logging
import shutil
import socket
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from briefing import apertium_engine, translate
from briefing.cli import main
from briefing.errors import BadGlossary, BadModelFile, ModelMissing
from briefing.glossary import load_glossary
from briefing.protect import protect, restore
from briefing.settings import ARGOS_MAX_INPUT_TOKENS
from briefing.translation_cache import TranslationCache
from tests.conftest import make_article
from tests.tiny_argos import build_package

needs_apertium = pytest.mark.skipif(
    apertium_engine.find_chain("fr", "en") is None,
    reason="apertium fr->en is not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)",
)

SEED_LINES = [
    "Le secrétaire général Tô Lâm a rencontré la JICA et Viettel IDC à Hanoi.",
    "",
    "Le NIC prévoit une économie de l’IA de 130 milliards de dollars d’ici 2040, selon la résolution 57-NQ/TW.",
    "Source : https://mst.gov.vn/day-manh-hop-tac-197251025164051267.htm",
    "Le NIC a lancé le programme VietLeap AI Accelerator.",
]


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny real Argos packages: fr->en that ends its sentences, de->en whose decoder loops."""
    folder = tmp_path_factory.mktemp("argos-build")
    return {
        "fr-en": build_package(folder / "fr", source="fr", target="en"),
        "de-en": build_package(folder / "de", source="de", target="en", loop=True),
    }


@pytest.fixture
def argos_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """argostranslate's package folder (and every folder it touches) inside tmp_path."""
    packages_dir = tmp_path / "argos-packages"
    packages_dir.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages_dir))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    import argostranslate.settings as argos_settings  # reads the variables above on first import

    monkeypatch.setattr(argos_settings, "package_data_dir", packages_dir)
    monkeypatch.setattr(argos_settings, "package_dirs", [packages_dir])
    monkeypatch.setattr(argos_settings, "local_package_index", tmp_path / "argos-index.json")
    yield packages_dir


@pytest.fixture
def warnings_seen(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog fed by the 'briefing' logger even after the CLI has stopped it propagating."""
    logger = logging.getLogger("briefing")
    logger.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)


@pytest.fixture
def cache_file(tmp_path: Path) -> Path:
    """A translation cache path of this test's own."""
    return tmp_path / "cache" / "translations.sqlite"


# --- apertium --------------------------------------------------------------------------------


@needs_apertium
def test_apertium_keeps_names_figures_codes_and_urls(cache_file: Path) -> None:
    with translate.open_translator("fr", "en", engine="apertium", cache_path=cache_file) as translator:
        first, empty, second, source, named = translator.translate_lines(SEED_LINES)
    assert translator.name == "apertium"
    assert empty == ""
    for name in ("Tô Lâm", "JICA", "Viettel IDC", "Hanoi"):
        assert name in first
    for kept in ("NIC", "130 billion dollars", "57-NQ/TW", "2040", "AI"):
        assert kept in second
    assert "https://mst.gov.vn/day-manh-hop-tac-197251025164051267.htm" in source
    assert "milliard" not in second and "*" not in second
    assert "VietLeap AI Accelerator" in named  # English "AI" in a name is not French "ai" (= "have")


@needs_apertium
def test_apertium_writes_figures_the_english_way(cache_file: Path) -> None:
    lines = ["Plus de 1 200 délégués et une croissance de 3,5 % ; un marché de 1,14 milliard de dollars."]
    with translate.open_translator("fr", "en", engine="apertium", cache_path=cache_file) as translator:
        (out,) = translator.translate_lines(lines)
    assert "1,200" in out and "3.5%" in out and "1.14 billion dollars" in out


@needs_apertium
def test_apertium_keeps_one_line_per_line_even_for_odd_lines(cache_file: Path) -> None:
    lines = ["la voiture", "rouge est belle", "", "   ", "tab\tet\x0bvertical\u2028séparateur",
             "«»", "***", "[x] ^y$ \\z"]
    with translate.open_translator("fr", "en", engine="apertium", cache_path=cache_file) as translator:
        out = translator.translate_lines(lines)
    assert len(out) == len(lines)
    assert out[0] == "The car"  # "rouge" did not slip up from the next line, as it does in a plain pipe
    assert out[1].lower().startswith("red")
    assert out[2] == "" and out[3] == ""
    assert all(line.strip() for i, line in enumerate(out) if i not in (2, 3))
    assert "\n" not in "".join(out)


@needs_apertium
def test_apertium_drops_unknown_word_marks_but_not_the_sources_own() -> None:
    engine = apertium_engine.ApertiumEngine("fr", "en")
    out = engine.translate(["Le Zorglubez a écrit à @VNA avec #IA2025.", "Il est *très* content."])
    assert "Zorglubez" in out[0] and "*Zorglubez" not in out[0]
    assert "@VNA" in out[0] and "#IA2025" in out[0]
    assert "*" in out[1]


def test_apertium_mode_chain_pivots_through_spanish() -> None:
    if apertium_engine.find_chain("fr", "en") is None:
        pytest.skip("apertium fr->en is not installed")
    assert apertium_engine.find_chain("fr", "en") == ("fr-es", "spa-eng")
    assert apertium_engine.find_chain("xx", "en") is None


# --- glossary and protection ---------------------------------------------------------------------


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


def test_restore_refuses_a_lost_or_doubled_placeholder() -> None:
    protected = protect("Le NIC lève 2 milliards d’euros pour l’IA.", "fr", "en", load_glossary(None, "fr", "en"))
    assert protected.spans == ("2 billion", "AI")
    first, second = (word for word in protected.text.split() if word.startswith("Zxq") or "Zxq" in word)
    assert restore(protected.text.replace(second, ""), protected.spans) is None
    assert restore(protected.text + " " + first, protected.spans) is None


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


# --- guards and long sentences ---------------------------------------------------------------------


@pytest.mark.parametrize("source, output, caught", [
    ("Le Vietnam lance un programme.", "Vietnam launches a programme.", False),
    ("Non, non, non, non !", "No, no, no, no!", False),  # the source repeats itself too
    ("Le Vietnam lance un programme.", "the the the the the the", True),
    ("Le Vietnam lance un programme.", "a programme a programme a programme a programme", True),
    ("Hanoi", "Hanoi, the capital of Vietnam, a city of eight million people on the Red River", True),
    ("Le Vietnam lance un programme.", "", True),
])
def test_guard_catches_loops_runaway_length_and_empty_output(source: str, output: str, caught: bool) -> None:
    assert (translate.guard(source, output) is not None) is caught


def test_split_long_cuts_at_clause_breaks_and_never_drops_text() -> None:
    sentence = "; ".join(f"le programme numéro {i}, soutenu par la JICA, avance" for i in range(120))
    pieces = translate.split_long(sentence, len, 300)
    assert all(len(p) <= 300 for p in pieces)
    assert " ".join(pieces).replace(";", "").split() == sentence.replace(";", "").split()
    unbroken = "x" * 5000
    assert "".join(translate.split_long(unbroken, len, 1000)) == unbroken


# --- argos (tiny real package) ---------------------------------------------------------------------


def test_install_from_file_and_list(argos_home: Path, packages: dict[str, Path], runner: CliRunner) -> None:
    result = runner.invoke(main, ["models", "install", "--file", str(packages["fr-en"])])
    assert result.exit_code == 0, result.output
    assert result.stdout == "installed fr->en 0.1 (translate-fr_en)\n"
    assert [(m.source, m.target, m.version) for m in translate.installed_models()] == [("fr", "en", "0.1")]
    listed = runner.invoke(main, ["models", "list"])
    assert listed.stdout.startswith("fr->en  0.1  installed  translate-fr_en")
    assert (argos_home / "translate-fr_en-0_1" / "model" / "model.bin").is_file()


def test_a_file_that_is_not_a_package_is_refused(argos_home: Path, tmp_path: Path, runner: CliRunner) -> None:
    fake = tmp_path / "fr_en.argosmodel"
    fake.write_bytes(b"\x89PNG not a zip")
    with pytest.raises(BadModelFile, match="not an Argos model"):
        translate.install_model_file(fake)
    result = runner.invoke(main, ["models", "install", "--file", str(fake)])
    assert result.exit_code == 1
    assert "fr_en.argosmodel: not an Argos model" in result.stderr
    assert translate.installed_models() == []


def _repacked(original: Path, out: Path, *, rename: Any = None, replace: dict[str, bytes] | None = None) -> Path:
    """A copy of a real package with member names passed through `rename` and some contents replaced."""
    import zipfile

    with zipfile.ZipFile(original) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            tail = name.split("/", 1)[1]
            data = (replace or {}).get(tail, source.read(name))
            target.writestr(rename(name) if rename else name, data)
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
    listed = runner.invoke(main, ["models", "list"])
    assert listed.exit_code == 0 and "no Argos model installed" in listed.stdout
    # the real package still installs afterwards
    assert runner.invoke(main, ["models", "install", "--file", str(packages["fr-en"])]).exit_code == 0


def test_missing_pair_fails_up_front_naming_the_install_command(argos_home: Path, runner: CliRunner) -> None:
    with pytest.raises(ModelMissing, match=r"xx->en.*briefing models install xx en"):
        translate.open_translator("xx", "en", use_cache=False)
    with pytest.raises(ModelMissing, match=r"no Argos model for fr->en.*briefing models install fr en"):
        translate.open_translator("fr", "en", engine="argos", use_cache=False)
    result = runner.invoke(main, ["translate", "--source", "xx", "--no-cache"], input="bonjour\n")
    assert result.exit_code == 1
    assert "no translation engine for xx->en" in result.stderr


def test_auto_prefers_an_installed_argos_model(argos_home: Path, packages: dict[str, Path]) -> None:
    translate.install_model_file(packages["fr-en"])
    with translate.open_translator("fr", "en", use_cache=False) as translator:
        assert translator.name == "argos"


def test_argos_batches_every_sentence_in_one_call(argos_home: Path, packages: dict[str, Path],
                                                  cache_file: Path) -> None:
    translate.install_model_file(packages["fr-en"])
    lines = [f"Le programme {i} soutient les start-up. La JICA participe au forum {i}." for i in range(40)]
    lines[7] = ""
    with translate.open_translator("fr", "en", engine="argos", use_cache=False) as translator:
        batched = translator.translate_lines(lines)
        assert translator.engine.calls == 1  # type: ignore[attr-defined]
        one_by_one = [translator.translate_lines([line])[0] for line in lines]
    assert batched == one_by_one
    assert len(batched) == 40 and batched[7] == ""


def test_argos_loop_is_caught_and_the_source_kept(argos_home: Path, packages: dict[str, Path]) -> None:
    translate.install_model_file(packages["de-en"])
    lines = ["Das Programm beginnt heute.", "Hanoi"]
    with translate.open_translator("de", "en", engine="argos", use_cache=False) as translator:
        assert translator.translate_lines(lines) == lines
        assert translator.stats.suspect == 2


def test_argos_chunks_a_5000_character_sentence(argos_home: Path, packages: dict[str, Path]) -> None:
    translate.install_model_file(packages["fr-en"])
    sentence = ", ".join(f"le programme {i} soutient les start-up" for i in range(150)) + "."
    assert len(sentence) > 5000
    with translate.open_translator("fr", "en", engine="argos", use_cache=False) as translator:
        engine = translator.engine
        pieces = translate.split_long(sentence, engine.token_count, ARGOS_MAX_INPUT_TOKENS)  # type: ignore[attr-defined]
        assert engine.token_count(sentence) > 1024  # type: ignore[attr-defined]
        assert len(pieces) > 2 and all(engine.token_count(p) <= ARGOS_MAX_INPUT_TOKENS for p in pieces)  # type: ignore[attr-defined]
        (out,) = translator.translate_lines([sentence])
        assert out
        assert translator.stats.translated == len(pieces)


# --- cache -------------------------------------------------------------------------------------------


def test_rerun_translates_nothing(argos_home: Path, packages: dict[str, Path], cache_file: Path) -> None:
    translate.install_model_file(packages["fr-en"])
    lines = ["Le programme soutient les start-up.", "La JICA participe.", "", "Le programme soutient les start-up."]
    with translate.open_translator("fr", "en", engine="argos", cache_path=cache_file) as first:
        out = first.translate_lines(lines)
        assert (first.stats.translated, first.stats.cached) == (2, 0)
    with translate.open_translator("fr", "en", engine="argos", cache_path=cache_file) as second:
        assert second.translate_lines(lines) == out
        assert (second.stats.translated, second.stats.cached) == (0, 2)
    with translate.open_translator("fr", "en", engine="argos", use_cache=False) as uncached:
        assert uncached.translate_lines(lines) == out
        assert uncached.stats.translated == 2


def test_no_cache_writes_no_file(argos_home: Path, packages: dict[str, Path], cache_file: Path,
                                 runner: CliRunner) -> None:
    translate.install_model_file(packages["fr-en"])
    result = runner.invoke(main, ["translate", "--source", "fr", "--engine", "argos", "--no-cache",
                                  "--cache", str(cache_file)], input="Le programme.\n")
    assert result.exit_code == 0
    assert not cache_file.exists()


def test_a_corrupt_cache_is_rebuilt_with_a_warning(argos_home: Path, packages: dict[str, Path],
                                                   cache_file: Path, warnings_seen: pytest.LogCaptureFixture) -> None:
    translate.install_model_file(packages["fr-en"])
    cache_file.parent.mkdir(parents=True)
    cache_file.write_bytes(b"this is not a database" * 100)
    with translate.open_translator("fr", "en", engine="argos", cache_path=cache_file) as translator:
        assert translator.translate_lines(["La JICA participe."])[0]
    assert "damaged" in warnings_seen.text and "rebuilt" in warnings_seen.text
    with sqlite3.connect(cache_file) as db:
        assert db.execute("SELECT count(*) FROM translations").fetchone() == (1,)


def _filled_cache(path: Path, count: int) -> dict[str, str]:
    """A real cache file holding `count` translations (several pages of them); returns them."""
    pairs = {f"Phrase numéro {i} du rapport annuel.": f"Sentence number {i:05d} of the yearly report."
             for i in range(count)}
    cache = TranslationCache(path, engine="apertium", version="1", source="fr", target="en")
    cache.put_many(pairs.items())
    cache.close()
    return pairs


def test_a_cache_damaged_deeper_than_its_header_is_rebuilt_once(
        cache_file: Path, warnings_seen: pytest.LogCaptureFixture) -> None:
    pairs = _filled_cache(cache_file, 3000)
    data = bytearray(cache_file.read_bytes())
    assert len(data) > 64 * 1024
    middle = len(data) // 2 // 4096 * 4096  # a whole b-tree page, far past the 100-byte header
    data[middle:middle + 4096] = bytes(range(256)) * 16
    cache_file.write_bytes(bytes(data))
    cache = TranslationCache(cache_file, engine="apertium", version="1", source="fr", target="en")
    found = cache.get_many(list(pairs))
    assert all(pairs[sentence] == output for sentence, output in found.items())  # never garbage
    cache.put_many([("Une phrase.", "A sentence.")])
    cache.close()
    assert "is damaged" in warnings_seen.text and "rebuilt" in warnings_seen.text
    warnings_seen.clear()
    again = TranslationCache(cache_file, engine="apertium", version="1", source="fr", target="en")
    assert again.get_many(["Une phrase."]) == {"Une phrase.": "A sentence."}
    again.close()
    assert warnings_seen.text == ""  # rebuilt for good: no warning on every run


@pytest.mark.parametrize("how", ["bytes", "sql"])
def test_a_changed_translation_in_the_cache_is_never_served(
        cache_file: Path, warnings_seen: pytest.LogCaptureFixture, how: str) -> None:
    pairs = _filled_cache(cache_file, 50)
    if how == "bytes":  # a flipped data page: same lengths, so only the content is wrong
        data = cache_file.read_bytes()
        assert data.count(b"Sentence number 00007 of") == 1
        cache_file.write_bytes(data.replace(b"Sentence number 00007 of", b"Garbage!number 00007 of"))
    else:  # a sound file whose row no longer holds what was stored (another program, a bad merge)
        with sqlite3.connect(cache_file) as db:
            db.execute("UPDATE translations SET output = 'Garbage!' WHERE output LIKE '%00007%'")
    cache = TranslationCache(cache_file, engine="apertium", version="1", source="fr", target="en")
    found = cache.get_many(list(pairs))
    cache.close()
    assert all(pairs[sentence] == output for sentence, output in found.items())
    assert not any("Garbage" in output for output in found.values())
    assert "is damaged" in warnings_seen.text and "rebuilt" in warnings_seen.text


@needs_apertium
@pytest.mark.slow
def test_two_runs_at_once_share_the_cache_safely(tmp_path: Path, cache_file: Path) -> None:
    lines = "\n".join(f"Le forum numéro {i} réunit la JICA et le NIC." for i in range(60)) + "\n"
    executable = shutil.which("briefing")
    if executable is None:
        pytest.skip("the briefing command is not on the PATH (pip install -e .)")
    command = [executable, "translate", "--source", "fr", "--engine", "apertium",
               "--cache", str(cache_file)]
    runs = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=tmp_path) for _ in range(2)]
    results = [run.communicate(lines, timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert results[0][0] == results[1][0]
    assert len(results[0][0].splitlines()) == 60
    with sqlite3.connect(cache_file) as db:
        assert db.execute("SELECT count(*) FROM translations").fetchone() == (60,)


# --- articles and the CLI ------------------------------------------------------------------------------


@needs_apertium
def test_translate_articles_fills_english_fields_and_flags(argos_home: Path, packages: dict[str, Path],
                                                           cache_file: Path) -> None:
    french = make_article(summary="Le Vietnam lance un programme. Il soutient les start-up en IA.",
                          figure_sentences=("Le marché atteindra 1,14 milliard de dollars d’ici 2029.",))
    english = make_article(id="a2", lang="en", title="Vietnam launches", summary="It helps start-ups.",
                           figure_sentences=("It costs $3 billion.",))
    vietnamese = make_article(id="a3", lang="vi", title="Việt Nam", summary="Chương trình.")
    unknown = make_article(id="a5", lang="", title="???", summary="")
    out, engine = translate.translate_articles([french, english, vietnamese, unknown], engine="auto",
                                               cache_path=cache_file)
    assert engine == "apertium"
    assert out[0].title_en.startswith("The Vietnam") and "start-up" in out[0].title_en
    assert "AI" in out[0].summary_en and ". " in out[0].summary_en
    assert out[0].flags == ()
    (figure,) = out[0].figure_sentences_en
    assert "1.14 billion dollars" in figure and "2029" in figure and "milliard" not in figure
    assert (out[1].title_en, out[1].summary_en, out[1].flags) == ("Vietnam launches", "It helps start-ups.", ())
    assert out[1].figure_sentences_en == ("It costs $3 billion.",)
    assert (out[2].title_en, out[2].flags) == ("Việt Nam", ("untranslated",))
    assert (out[3].title_en, out[3].flags) == ("???", ("untranslated",))

    translate.install_model_file(packages["de-en"])
    german = make_article(id="a4", lang="de", title="Das Programm beginnt.", summary="Heute.")
    (looped,), engine = translate.translate_articles([german], use_cache=False)
    assert engine == "argos"
    assert looped.flags == ("translation-suspect",)
    assert looped.title_en == "Das Programm beginnt."


def test_translate_articles_without_any_engine_fails_up_front(argos_home: Path) -> None:
    with pytest.raises(ModelMissing, match="vi->en"):
        translate.translate_articles([make_article(lang="vi")], use_cache=False)


@needs_apertium
def test_cli_translate_one_line_out_per_line_in(runner: CliRunner, cache_file: Path) -> None:
    text = "Le NIC lance un programme.\n\nTô Lâm et la JICA\u2028à Hanoi.\n"
    result = runner.invoke(main, ["translate", "--source", "fr", "--engine", "apertium", "--cache", str(cache_file)],
                           input=text)
    assert result.exit_code == 0, result.output
    lines = result.stdout.split("\n")
    assert lines[-1] == "" and len(lines) - 1 == 3
    assert lines[0] == "The NIC launches a program."
    assert lines[1] == ""
    assert "Tô Lâm" in lines[2] and "Hanoi" in lines[2]


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
