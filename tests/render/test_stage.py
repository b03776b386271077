"""Stage 6 as a whole: the four files written together, named by the period's label, the same for the same
input, and the previous set left intact when a render or a write fails."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pypdf
import pytest

from briefing import __version__
from briefing.errors import RenderError, TemplateProblem
from briefing.records import Briefing, own_output
from briefing.render import render
from tests.conftest import make_article
from tests.render.conftest import briefing_of, flat, page_texts, user_templates


def test_render_writes_the_four_files_named_by_label(sample: Briefing, tmp_path: Path) -> None:
    outputs = render(sample, tmp_path / "new" / "out")
    assert [p.name for p in outputs.all()] == [
        "briefing-2025-W40.pdf", "briefing-2025-W40.html", "briefing-2025-W40.txt", "briefing-2025-W40.json",
    ]
    assert all(p.stat().st_size > 0 for p in outputs.all())
    assert sorted(p.name for p in outputs.pdf.parent.iterdir()) == sorted(p.name for p in outputs.all())


@pytest.mark.parametrize(("paper", "size"), [("A4", (595, 842)), ("Letter", (612, 792))])
def test_paper_size(sample: Briefing, tmp_path: Path, paper: str, size: tuple[int, int]) -> None:
    reader = pypdf.PdfReader(render(sample, tmp_path, paper=paper).pdf)
    box = reader.pages[-1].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_unknown_paper_size_is_refused(sample: Briefing, tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="paper size 'A5' is not one of A4, Letter"):
        render(sample, tmp_path, paper="A5")


def test_untranslated_briefing_says_so_and_tags_the_language(tmp_path: Path) -> None:
    article = make_article(summary="Le Vietnam lance un programme.", title_en="", summary_en="")
    briefing = briefing_of({"Technologie": [article]}, translated=False, engine=None)
    outputs = render(briefing, tmp_path)
    reader = pypdf.PdfReader(outputs.pdf)
    assert "Not translated: titles and summaries are shown in their original language." in flat(
        page_texts(reader)[0]
    )
    assert reader.root_object["/Lang"] == "fr"
    assert "Le Vietnam lance un programme pour les start-up en IA" in page_texts(reader)[1]
    assert "Not translated" in outputs.html.read_text()
    assert "NOT TRANSLATED" in outputs.txt.read_text()


def test_same_input_gives_the_same_files(sample: Briefing, tmp_path: Path) -> None:
    first = render(sample, tmp_path / "one")
    second = render(sample, tmp_path / "two")
    assert page_texts(pypdf.PdfReader(first.pdf)) == page_texts(pypdf.PdfReader(second.pdf))
    assert first.pdf.read_bytes() == second.pdf.read_bytes()
    for a, b in zip(first.all()[1:], second.all()[1:], strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_a_failed_render_leaves_the_previous_files_intact(sample: Briefing, tmp_path: Path) -> None:
    outputs = render(sample, tmp_path / "out")
    before = {p: p.read_bytes() for p in outputs.all()}
    folder = user_templates(tmp_path, "briefing.txt", "{% for %}")
    with pytest.raises(TemplateProblem):
        render(sample, tmp_path / "out", templates_dir=folder)
    assert {p: p.read_bytes() for p in outputs.all()} == before
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(before_p.name for before_p in before)


# `briefing build` in a process whose files may not grow past argv[1] bytes (RLIMIT_FSIZE: a write beyond it
# fails with EFBIG, as on a full disk); py3langid unpacks its model to a temporary file first, so it is loaded
# before the limit is set.
_LIMITED_BUILD = """
import resource, signal, sys
import py3langid
py3langid.classify("bonjour")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing the process
limit = int(sys.argv.pop(1))
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from briefing.cli import main
main()
"""


def _build_in_subprocess(sources: Path, out: Path, max_file_bytes: int) -> Any:
    """`briefing build` of `sources` in its own process, with at most `max_file_bytes` per file written."""
    import subprocess

    command = [sys.executable, "-c", _LIMITED_BUILD, str(max_file_bytes), "build", str(sources), "--out", str(out),
               "--no-translate", "--today", "2025-10-06", "--creation-date", "2025-10-06T08:00:00"]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_a_failed_write_leaves_the_previous_briefing_whole_and_no_temporary_file(tmp_path: Path) -> None:
    sources, out = tmp_path / "news", tmp_path / "out"
    sources.mkdir()
    sentence = "Le ministère annonce un nouveau programme de soutien aux start-up d'Hanoï, selon le communiqué. "
    record = {"title": "Le Vietnam lance un programme", "date": "2025-10-02", "lang": "fr", "text": sentence * 4}
    (sources / "a.json").write_text(json.dumps([record]), encoding="utf-8")
    from click.testing import CliRunner

    from briefing.cli import main

    first = CliRunner().invoke(main, ["build", str(sources), "--out", str(out), "--no-translate", "--today",
                                      "2025-10-06", "--creation-date", "2025-10-06T08:00:00"])
    assert first.exit_code == 0, first.output
    previous = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(previous) == [f"briefing-2025-10-02.{ext}" for ext in ("html", "json", "pdf", "txt")]
    # a stale temporary file from a run that crashed an hour ago
    stale = out / ".briefing-2025-10-02.pdf.k3j9x2.tmp"
    stale.write_bytes(b"half a PDF")
    old = previous["briefing-2025-10-02.pdf"]
    import os
    import time

    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    # the same article grown to 400 KB: its JSON record no longer fits, the PDF, email and text do
    record["text"] = sentence * 4000
    (sources / "a.json").write_text(json.dumps([record]), encoding="utf-8")
    limit = 300_000
    assert len(old) < limit
    failed = _build_in_subprocess(sources, out, max_file_bytes=limit)
    assert failed.returncode == 1, failed.stderr
    assert f"could not write the briefing to {out}" in failed.stderr and "Traceback" not in failed.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == previous  # the old set, whole; no .tmp left


def test_every_output_carries_briefings_mark_even_from_a_users_templates(sample: Briefing, tmp_path: Path) -> None:
    mine = user_templates(tmp_path, "email.html", "<html><head><title>{{ title }}</title></head><body>{{ period }}"
                                                  "</body></html>")
    (mine / "briefing.txt").write_text("{{ title }}\n", encoding="utf-8")
    for templates in (None, mine):
        outputs = render(sample, tmp_path / str(templates is None), templates_dir=templates)
        marks = [own_output(path.read_text(encoding="utf-8")) for path in (outputs.html, outputs.txt, outputs.json)]
        assert marks == ["a briefing's email digest", "a briefing's text digest", "a briefing's JSON record"]
    assert outputs.txt.read_text(encoding="utf-8") == f"Mekong Weekly\n\nMade by briefing {__version__}.\n"
    assert json.loads(outputs.json.read_text(encoding="utf-8"))["generator"] == f"briefing {__version__}"
