"""Source names to files: folders, globs and missing paths, links out of a folder, odd file names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from briefing.ingest import ingest
from briefing.ingest.sources import expand_sources
from tests.ingest.conftest import STORY, TODAY, _ingest_cli


def test_globs_folders_and_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("not read: hidden files are the tools' own", encoding="utf-8")
    result = ingest([str(tmp_path), str(tmp_path / "**" / "*.txt"), str(tmp_path / "nope"), "missing/*.txt"],
                    today=TODAY)
    assert len(result.articles) == 1  # found by the folder walk and the glob: read once
    assert not result.merged
    assert {(Path(s.source).name, s.reason) for s in result.skipped} == {
        ("nope", "no such file or folder"), ("*.txt", "no file matches this pattern")}


def test_folder_links_back_up_are_not_entered_by_a_folder_or_a_glob(tmp_path: Path) -> None:
    """Two links back up made Python's recursive glob run for hours (the walk doubles at each level)."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "sub" / "up").symlink_to("..")
    (tmp_path / "sub" / "up2").symlink_to(tmp_path)
    for source in (str(tmp_path), f"{tmp_path}/**/*.txt", f"{tmp_path}/**/a.txt", f"{tmp_path}/s*/**"):
        found = [Path(name).relative_to(tmp_path).as_posix() for name, _, _ in expand_sources([source])]
        expected = ["sub/a.txt"] if "a.txt" in source or "/s*/" in source else ["b.txt", "sub/a.txt"]
        assert found == expected, source


def test_a_glob_names_what_pythons_glob_names(tmp_path: Path) -> None:
    """Hidden names only where the pattern writes the dot; a part before another names a folder."""
    for name in (".top/t.txt", ".top/e/e.txt", "a/b/.hid/z.txt", "a/.dot.txt", "a/c/x.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(STORY, encoding="utf-8")
    (tmp_path / "top.txt").write_text(STORY, encoding="utf-8")
    expected = {"**/*.txt": ["a/c/x.txt", "top.txt"], ".t*/**/*.txt": [".top/e/e.txt", ".top/t.txt"],
                "a/**/.hid/*.txt": ["a/b/.hid/z.txt"], "**/.*": ["a/.dot.txt"], "**/": [], "**/.": [],
                "*/**": ["a/c/x.txt"],  # "*" names a folder there: top.txt is not under one
                "**/.*/**": [".top/e/e.txt", ".top/t.txt", "a/b/.hid/z.txt"]}  # not .dot.txt: a file, not a folder
    for pattern, files in expected.items():
        found = [Path(name).relative_to(tmp_path).as_posix()
                 for name, path, _ in expand_sources([f"{tmp_path}/{pattern}"]) if path is not None]
        assert found == files, pattern


def test_a_folder_nested_deeper_than_python_recurses_is_read(tmp_path: Path) -> None:
    """Path.rglob recursed once per level: 1,500 levels (a 3,000-character path) ended in a RecursionError."""
    deepest = tmp_path
    try:
        for _ in range(1_500):  # one level at a time: mkdir(parents=True) recurses too
            (deepest / "d").mkdir()
            deepest = deepest / "d"
        (deepest / "a.txt").write_text(STORY, encoding="utf-8")
        for source in (str(tmp_path), f"{tmp_path}/**/a.txt"):
            [article] = ingest([source], today=TODAY).articles
            assert article.path == str(deepest / "a.txt")
    finally:  # bottom up, from wherever the loop got: pytest's clean-up of old temporary folders recurses
        (deepest / "a.txt").unlink(missing_ok=True)
        while deepest != tmp_path:
            deepest.rmdir()
            deepest = deepest.parent


def test_a_link_leaving_the_source_folder_is_skipped_with_a_reason(runner: CliRunner, tmp_path: Path) -> None:
    news, outside = tmp_path / "news", tmp_path / "private"
    news.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text(STORY.replace("piscine", "banque"), encoding="utf-8")
    (news / "story.txt").write_text(STORY, encoding="utf-8")
    (news / "x.txt").symlink_to("/etc/passwd")
    (news / "y.txt").symlink_to(outside / "secret.txt")
    (news / "z.txt").symlink_to(news / "story.txt")  # inside the folder: the same file, read once
    code, records, stderr = _ingest_cli(runner, str(news))
    assert code == 1
    assert [r["path"] for r in records] == [str(news / "story.txt")]
    assert f"skipped {news / 'x.txt'}: a link to /etc/passwd, outside {news}; not followed" in stderr.splitlines()
    assert f"skipped {news / 'y.txt'}: a link to {outside / 'secret.txt'}, outside {news}; not followed" in stderr
    # the same through a glob
    code, records, stderr = _ingest_cli(runner, f"{news}/*.txt")
    assert [r["path"] for r in records] == [str(news / "story.txt")]
    assert "a link to /etc/passwd" in stderr


def test_odd_file_names_are_quoted_and_jsonl_stays_valid_utf8(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9.txt"), "wb") as fh:  # a latin-1 name, not valid UTF-8
        fh.write(STORY.encode())
    with open(os.path.join(folder, b"fake\nerror: all lost.txt"), "wb") as fh:  # a newline in the name
        fh.write(b"\x89PNG not an article")
    command = [sys.executable, "-c", "from briefing.cli import main; main()", "ingest", str(tmp_path), "--jsonl",
               "--today", TODAY.isoformat()]
    done = subprocess.run(command, capture_output=True, check=False)
    assert done.returncode == 1, done.stderr
    [line] = done.stdout.decode("utf-8").splitlines()  # strict: raises on any byte that is not UTF-8
    assert json.loads(line)["path"] == json.dumps(str(tmp_path / os.fsdecode(b"caf\xe9.txt")))
    stderr = done.stderr.decode("utf-8")
    assert "\nerror: all lost" not in stderr
    assert f'skipped {json.dumps(str(tmp_path / "fake"))[:-1]}\\nerror: all lost.txt"' in stderr


def test_a_source_name_longer_than_the_system_allows_is_skipped_not_a_traceback(runner: CliRunner,
                                                                                tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    long_name = str(tmp_path / ("n" * 5_000))
    code, records, stderr = _ingest_cli(runner, long_name, str(tmp_path / "a.txt"))
    assert code == 1
    assert len(records) == 1
    assert f"skipped {long_name}: cannot be read (File name too long)" in stderr.splitlines()


def test_a_build_of_many_long_missing_sources_says_so_in_one_bounded_line(runner: CliRunner, tmp_path: Path) -> None:
    """Every source was named whole: 2,003 of them, three of 5,000 characters, made a 16,000-character line."""
    from briefing.cli import main

    sources = [str(tmp_path / ("n" * 5_000))] * 3 + [str(tmp_path / f"missing{i}") for i in range(2_000)]
    result = runner.invoke(main, ["build", *sources, "--out", str(tmp_path / "out"), "--no-translate"])
    assert result.exit_code != 0
    [error] = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert error.startswith(f"Error: no usable article found in {tmp_path}/nnn")
    assert "and 2,000 more (2003 skipped (" in error
    assert len(error) < 1_600
    assert "Traceback" not in result.output


def test_an_empty_source_name_is_skipped_not_read_as_the_working_folder(runner: CliRunner, tmp_path: Path,
                                                                        monkeypatch: Any) -> None:
    """`sources = [""]` read the working folder (Path("") is "."), whatever lay there."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text(STORY, encoding="utf-8")
    code, records, stderr = _ingest_cli(runner, "", "  ")
    assert records == [] and code != 0
    assert 'skipped "": an empty source name (it would read the working folder)' in stderr.splitlines()


def test_a_source_name_holding_a_nul_character_is_skipped(runner: CliRunner, tmp_path: Path) -> None:
    """(A ValueError traceback from stat(), which the first check of too-long names let through.)"""
    code, records, stderr = _ingest_cli(runner, str(tmp_path) + "\x00x")
    assert code != 0 and records == [] and "Traceback" not in stderr
    assert f'skipped "{tmp_path}\\u0000x": no such file or folder' in stderr.splitlines()
