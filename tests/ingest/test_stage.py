"""Stage 1 as users meet it: the real `briefing ingest` on seeds/, bad input of every kind skipped with its
reason while the run goes on, exit codes, the size limit, the contract, and random bytes that must never crash
the run."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.errors import IngestError
from briefing.ingest import ingest, read_bytes
from briefing.records import Article
from tests.conftest import SEEDS
from tests.ingest.conftest import STORY, TODAY, _ingest_cli

CONTRACT_KEYS = {"id", "path", "title", "date", "url", "publisher", "lang", "text"}


# --- seeds/ through the real command ----------------------------------------------------------


@pytest.fixture(scope="module")
def seeds(seeds_dir_module: Path) -> dict[str, dict[str, Any]]:
    """`briefing ingest seeds/ --jsonl`, by file-name prefix (000 … 004)."""
    code, records, stderr = _ingest_cli(CliRunner(), str(seeds_dir_module))
    assert code == 0, stderr
    return {Path(r["path"]).name[:3]: r for r in records}


@pytest.fixture(scope="module")
def seeds_dir_module() -> Path:
    return SEEDS


def test_seeds_all_read_with_the_contract_keys(seeds: dict[str, dict[str, Any]]) -> None:
    assert sorted(seeds) == ["000", "001", "002", "003", "004"]
    for record in seeds.values():
        assert set(record) >= CONTRACT_KEYS
        assert record["lang"] == "fr"
        assert len(record["id"]) == 12


@pytest.mark.parametrize(("seed", "date"), [
    ("000", "2025-10-04"),  # the `date` header wins over "jeudi 2 octobre" in the text
    ("001", "2025-10-25"),  # nothing in the text: the mst.gov.vn URL code …-197251025164051267.htm
    ("002", "2025-01-15"),  # "mercredi 15 janvier" without a year: 15 January was a Wednesday in 2025
    ("003", "2025-08-28"),  # "Le 28 août" with 2025 in the same sentence
    ("004", "2025-09-15"),  # "le 15 septembre 2025", and the URL code agrees
])
def test_seed_dates(seeds: dict[str, dict[str, Any]], seed: str, date: str) -> None:
    assert seeds[seed]["date"] == date


@pytest.mark.parametrize(("seed", "url", "publisher"), [
    ("000", None, "VNA"),  # "– VNA/VI" sign-off
    ("001", "https://mst.gov.vn/day-manh-hop-tac-voi-cac-doi-tac-cong-nghe-chien-luoc-197251025164051267.htm",
     "mst.gov.vn"),
    ("002", None, "VNA"),  # "Hanoi (VNA) –" dateline
    ("003", "https://www.vietnamplus.vn/3-sang-kien-giup-cong-dong-doanh-nghiep-ict-viet-nam-nhat-ban-phat-trien"
     "-post1058589.vnp", "vietnamplus.vn"),
    ("004", "https://mst.gov.vn/ai-ha-tang-tri-tue-cua-ky-nguyen-moi-suc-manh-khong-gioi-han-va-thach-thuc-kho-du"
     "-bao-197250915155804305.htm", "mst.gov.vn"),
])
def test_seed_urls_and_publishers(seeds: dict[str, dict[str, Any]], seed: str, url: str | None,
                                  publisher: str) -> None:
    assert seeds[seed]["url"] == url
    assert seeds[seed]["publisher"] == publisher


BOILERPLATE = [
    "Comment (0)", "![", "](http", "Photo : VNA", "Photo: VNA", "Voir plus", "Source :", "date 2025-10-04",
    "VNA/VI", "(VNA)",
    # teasers listed after "source" / "Voir plus" in 002: other stories
    "Au Lac Grand Prize", "ASML", "Seoul Semiconductor",
    # captions set apart in 001 and 004
    "Aperçu du Business Leadership Forum", "ont pris une photo souvenir", "Présentation de l’atelier.",
    "Session 2 : Stratégie",
]


def test_seed_texts_have_no_boilerplate(seeds: dict[str, dict[str, Any]]) -> None:
    for seed, record in seeds.items():
        for junk in BOILERPLATE:
            assert junk not in record["text"], (seed, junk)
        assert "\n\n\n" not in record["text"]
        paragraphs = record["text"].split("\n\n")
        assert len(paragraphs) == len(set(paragraphs)), f"{seed}: a paragraph is repeated"


def test_seed_texts_keep_real_paragraphs_and_quotes(seeds: dict[str, dict[str, Any]]) -> None:
    # the duplicated caption of 002 is gone, its lead paragraph stays once
    assert seeds["002"]["text"].count("placer le Vietnam parmi les trois premiers pays") == 1
    assert "s’exprime lors du sixième forum" not in seeds["002"]["text"]
    assert "Le chef du Parti a demandé au ministère" in seeds["002"]["text"]
    assert "« Pour assurer le renforcement de la compétitivité" in seeds["000"]["text"]
    assert seeds["000"]["text"].startswith("Le Centre national d’innovation (NIC)")
    assert "« C’est une opportunité pour le Vietnam" in seeds["001"]["text"]
    assert "Initiative « Alliance pour conquérir le marché mondial »" in seeds["003"]["text"]
    assert "Les interventions lors de l’atelier ont mis en lumière" in seeds["004"]["text"]
    for record in seeds.values():
        assert len(record["text"]) > 3000


def test_seed_titles(seeds: dict[str, dict[str, Any]]) -> None:
    headline = "Le leader appelle à hisser le pays dans le trio de tête d’Asie du Sud-Est pour la technologie numérique"
    assert seeds["002"]["title"] == headline
    assert seeds["002"]["title_derived"] is False
    assert not seeds["002"]["text"].startswith(headline)
    # 001 starts at a section heading of the page, not at its headline: the title comes from the lead,
    # compressed (no fronted "S'exprimant lors du forum,"), never cut
    assert seeds["001"]["title"] != "Promouvoir la coopération internationale"
    assert "exprimant" not in seeds["001"]["title"]
    for seed in ("000", "001", "003", "004"):
        assert seeds[seed]["title_derived"] is True
        title = seeds[seed]["title"]
        assert 3 <= len(title.split()) <= 14 and "…" not in title, title
        assert title.split()[-1].lower() not in {"de", "du", "des", "la", "le", "les", "à", "et", "pour"}, title


def test_rerun_gives_the_same_ids(runner: CliRunner, seeds: dict[str, dict[str, Any]], seeds_dir: Path,
                                  tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(seeds_dir, copy)
    code, records, _ = _ingest_cli(runner, str(copy))
    assert code == 0
    assert sorted(r["id"] for r in records) == sorted(r["id"] for r in seeds.values())


# --- bad input --------------------------------------------------------------------------------


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 10


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n \t\n", "empty file"),
    ("tiny.txt", b"abc", "too small to be an article (3 bytes)"),
    ("image.txt", PNG, "this is a PNG image, not text"),
    ("paper.txt", PDF, "this is a PDF document, not text"),
    ("random.txt", bytes(range(256)) * 20, "binary data"),
    ("stub.txt", b"Voir plus\n\nComment (0)\n\nUn court texte.", "too little text after cleaning"),
    ("bad.json", b'{"title": "x", "text": ', "not valid JSON (line 1"),
    ("fields.json", b'[{"title": "no text here", "date": "2025-01-01"}]', "record 1: no text field"),
    ("page.html", b"<html><head><title>Accueil</title></head><body></body></html>",
     "no article text found in the page"),
    ("nav.html", b"<html><body><p>Accueil</p><p>Contact</p></body></html>", "too little text after cleaning"),
    ("empty.rss", b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
     "no entries in the feed"),
    ("data.xml", b'<?xml version="1.0"?><inventory><item sku="1">bolt</item></inventory>',
     "XML that is not an RSS or Atom feed"),
])
def test_bad_input_is_skipped_with_a_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text(STORY, encoding="utf-8")
    result = ingest([str(tmp_path)], today=TODAY)
    assert len(result.articles) == 1  # the run goes on
    [skipped] = result.skipped
    assert skipped.source.endswith(name)
    assert reason in skipped.reason
    assert "\n" not in skipped.reason


def test_over_size_file_is_skipped_before_it_is_read(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text(STORY * 50, encoding="utf-8")
    result = ingest([str(tmp_path)], today=TODAY, max_bytes=4096)
    [skipped] = result.skipped
    assert skipped.reason.startswith("too large (0.0 MB; the limit is")


@pytest.mark.parametrize(("files", "code"), [
    ({"a.txt": STORY}, 0),
    ({"a.txt": STORY, "b.txt": ""}, 1),
    ({"b.txt": "", "c.json": "{"}, 2),
])
def test_exit_codes(runner: CliRunner, tmp_path: Path, files: dict[str, str], code: int) -> None:
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    exit_code, records, stderr = _ingest_cli(runner, str(tmp_path))
    assert exit_code == code
    assert len(records) == (1 if code < 2 else 0)
    if code:
        assert f"skipped {tmp_path / 'b.txt'}: empty file" in stderr
    if code == 2:
        assert "no usable article found" in stderr


def test_max_size_option(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY * 10, encoding="utf-8")
    exit_code, _, stderr = _ingest_cli(runner, str(tmp_path), "--max-size", "0.001")
    assert exit_code == 2
    assert "too large" in stderr


# --- the contract and the property ------------------------------------------------------------


def test_contract_json_matches_the_article() -> None:
    [article] = read_bytes(STORY.encode(), "a.txt", today=TODAY)
    record = article.contract_json()
    assert set(record) == CONTRACT_KEYS | {"title_derived"}
    assert Article.from_json(record).text == article.text
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record


NAMES = st.sampled_from(["a.txt", "a.md", "a.html", "a.json", "a.jsonl", "a.xml", "a.rss", "a.bin", "a"])


FRAGMENTS = st.sampled_from([
    "<html><body><p>", "</p>", "<rss><channel><item><title>", "{\"text\": \"", "\"}", "\n\n", "Photo : VNA",
    "Source : https://x.example/a-197251025164051267.htm", "date 2025-10-04 ", "mercredi 15 janvier ",
    "Comment (0)", "![x](y)", "Voir plus", "– VNA/VI", "Hanoi (VNA) – ", "\x00", "\ufeff", "« ", " »",
    STORY[:120], STORY[120:300],
])


@settings(max_examples=150, deadline=dt.timedelta(seconds=10), suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), name=NAMES)
def test_random_bytes_give_articles_or_ingest_error(data: bytes, name: str) -> None:
    try:
        articles = read_bytes(data, name, today=TODAY)
    except IngestError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert all(isinstance(a, Article) and a.text and a.lang for a in articles)


@settings(max_examples=150, deadline=dt.timedelta(seconds=10), suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.one_of(FRAGMENTS, st.text(max_size=200)), max_size=30), name=NAMES)
def test_random_text_gives_articles_or_ingest_error(parts: list[str], name: str) -> None:
    try:
        articles = read_bytes("".join(parts).encode("utf-8", "surrogatepass"), name, today=TODAY)
    except IngestError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for article in articles:
        assert article.date is None or article.date <= TODAY
        json.dumps(article.contract_json(), ensure_ascii=False).encode("utf-8")  # printable as the CLI does


def test_briefings_own_outputs_are_never_read_back_as_articles_wherever_they_are(runner: CliRunner,
                                                                                 tmp_path: Path) -> None:
    from briefing.render import render
    from tests.conftest import make_article
    from tests.render.conftest import briefing_of

    article = make_article(text=STORY, summary=STORY.split("\n")[0], title_en="The pool will be renovated",
                           summary_en="The city council voted on Tuesday to renovate the Olympic pool.")
    outputs = render(briefing_of({"Cities": [article]}), tmp_path / "out")
    news = tmp_path / "news"
    news.mkdir()
    (news / "story.txt").write_text(STORY, encoding="utf-8")
    for output, name in ((outputs.json, "export.json"), (outputs.html, "digest.htm"), (outputs.txt, "notes.txt")):
        shutil.copy(output, news / name)
    code, records, stderr = _ingest_cli(runner, str(news))
    assert code == 1
    assert [Path(r["path"]).name for r in records] == ["story.txt"]
    reason = "its own outputs are not read back as articles"
    assert [line for line in stderr.splitlines() if line.startswith("skipped")] == [
        f"skipped {news / 'digest.htm'}: written by briefing (a briefing's email digest); {reason}",
        f"skipped {news / 'export.json'}: written by briefing (a briefing's JSON record); {reason}",
        f"skipped {news / 'notes.txt'}: written by briefing (a briefing's text digest); {reason}",
    ]
