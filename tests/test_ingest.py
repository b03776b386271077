"""Ingestion as users meet it: the real `briefing ingest` on seeds/, every input format, URLs served on
127.0.0.1, bad input of every kind, duplicates, and random bytes that must never crash the run."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import importlib.util
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.cli import main
from briefing.errors import IngestError
from briefing.ingest import contract_json, ingest, read_bytes
from briefing.records import Article

DATA = Path(__file__).parent / "data" / "ingest"
TODAY = dt.date(2026, 11, 22)
CONTRACT_KEYS = {"id", "path", "title", "date", "url", "publisher", "lang", "text"}

# One paragraph of real-looking news, long enough to be an article on its own.
STORY = (
    "Le conseil municipal a voté mardi soir la rénovation complète de la piscine olympique, fermée depuis "
    "deux ans pour des raisons de sécurité. Les travaux dureront dix-huit mois et coûteront 12 millions "
    "d’euros, financés en partie par la région.\n\n"
    "« Nous rendrons aux habitants un équipement moderne et économe en énergie », a déclaré la maire, "
    "qui promet une réouverture avant l’été 2027."
)


def _ingest_cli(runner: CliRunner, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    result = runner.invoke(main, ["ingest", *args, "--jsonl", "--today", TODAY.isoformat()])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, records, result.stderr


# --- seeds/ through the real command ------------------------------------------------------


@pytest.fixture(scope="module")
def seeds(seeds_dir_module: Path) -> dict[str, dict[str, Any]]:
    """`briefing ingest seeds/ --jsonl`, by file-name prefix (000 … 004)."""
    code, records, stderr = _ingest_cli(CliRunner(), str(seeds_dir_module))
    assert code == 0, stderr
    return {Path(r["path"]).name[:3]: r for r in records}


@pytest.fixture(scope="module")
def seeds_dir_module() -> Path:
    return Path(__file__).resolve().parent.parent / "seeds"


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
    # 001 starts at a section heading of the page, not at its headline: the title comes from the lead
    assert seeds["001"]["title"] != "Promouvoir la coopération internationale"
    assert seeds["001"]["title"].startswith("S’exprimant lors du forum, M. Vo Xuan Hoai")
    for seed in ("000", "001", "003", "004"):
        assert seeds[seed]["title_derived"] is True
        assert len(seeds[seed]["title"]) <= 110


def test_rerun_gives_the_same_ids(runner: CliRunner, seeds: dict[str, dict[str, Any]], seeds_dir: Path,
                                  tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(seeds_dir, copy)
    code, records, _ = _ingest_cli(runner, str(copy))
    assert code == 0
    assert sorted(r["id"] for r in records) == sorted(r["id"] for r in seeds.values())


def test_no_date_after_the_run_date(seeds_dir: Path) -> None:
    today = dt.date(2025, 10, 1)  # before 000's header date and 001's URL date
    result = ingest([str(seeds_dir)], today=today)
    by_seed = {Path(a.path).name[:3]: a for a in result.articles}
    assert all(a.date is None or a.date <= today for a in result.articles)
    assert by_seed["000"].date is None
    assert by_seed["002"].date == dt.date(2025, 1, 15)
    assert any("000_" in w and "date header 2025-10-04 is after the run date" in w for w in result.warnings)
    assert any("000_" in w and "no date found" in w for w in result.warnings)


# --- formats -------------------------------------------------------------------------------


def test_html_page_with_meta_charset(runner: CliRunner) -> None:
    code, records, _ = _ingest_cli(runner, str(DATA / "page_cp1252.html"))
    assert code == 0
    [page] = records
    assert page["title"] == "Lyon inaugure son tramway vers l’aéroport"
    assert page["date"] == "2025-03-10"
    assert page["url"] == "https://courrier-lyon.example/2025/03/tramway-aeroport"
    assert page["publisher"] == "Le Courrier de Lyon"
    assert page["lang"] == "fr"
    assert page["text"].startswith("La ville de Lyon a inauguré lundi")
    assert "« C’est une étape décisive" in page["text"]
    assert "\ufffd" not in page["text"]
    for junk in ("Accueil", "cookies", "Les plus lus", "Mentions légales"):
        assert junk not in page["text"]


def test_real_pages_from_the_eval_set(shared_dir: Path) -> None:
    [page] = read_bytes((shared_dir / "eval/html/french_article.html").read_bytes(), "french_article.html",
                        today=TODAY)
    assert page.lang == "fr"
    assert page.date == dt.date(2016, 1, 22)
    assert "Charlotte Rampling" in page.title
    assert page.publisher == "Télé-Loisirs"
    assert "En marge de l’annonce des nominations pour les Oscars 2016" in page.text


def _load_benchmark() -> Any:
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "ingest.py"
    spec = importlib.util.spec_from_file_location("bench_ingest", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_html_extraction_floor_and_languages(shared_dir: Path) -> None:
    """The issue's bar, pinned: F1 >= 0.90 on every page with an expected text, language right on all 12."""
    bench = _load_benchmark()
    pages = sorted((shared_dir / "eval/html").glob("*.html"))
    assert len(pages) == 12
    for page in pages:
        key = page.stem.replace("_article", "")
        [article] = read_bytes(page.read_bytes(), page.name, today=TODAY)
        assert article.lang == bench.LANGS[key], page.name
        expected = page.parent / "expected" / f"{key}.txt"
        if expected.exists():
            assert bench.f1(article.text, expected.read_text(encoding="utf-8")) >= 0.90, page.name


def test_malformed_html_reads_what_it_can() -> None:
    page = (DATA / "page_cp1252.html").read_bytes()
    broken = page.replace(b"</p>", b"").replace(b"</article>", b"<div><span>")[: len(page) - 200]
    [article] = read_bytes(broken, "broken.htm", today=TODAY)
    assert article.text.startswith("La ville de Lyon a inauguré lundi")
    assert "240 millions d’euros" in article.text


def test_rss_feed_entries_are_articles() -> None:
    result = ingest([str(DATA / "feed.rss")], today=TODAY)
    assert [a.title for a in result.articles] == [
        "Un plan contre la sécheresse pour les agriculteurs",
        "La Bibliothèque nationale ouvre une salle des manuscrits",
    ]
    first, second = result.articles
    assert first.date == dt.date(2025, 6, 4) and second.date == dt.date(2025, 6, 5)
    assert first.url == "https://agence.example/2025/06/04/plan-secheresse"
    assert first.publisher == "Agence Exemple"
    assert first.lang == "fr"
    # the entry's HTML paragraphs become text paragraphs
    assert first.text.split("\n\n")[1].startswith("Les aides seront versées directement")


def test_atom_feed() -> None:
    [article] = ingest([str(DATA / "feed.atom")], today=TODAY).articles
    assert article.title == "Ten thousand trees for the river banks"
    assert article.lang == "en"
    assert article.date == dt.date(2025, 5, 20)
    assert "<p>" not in article.text


def test_malformed_feed_reads_what_it_can(tmp_path: Path) -> None:
    broken = (DATA / "feed.rss").read_text(encoding="utf-8").replace("</channel>\n</rss>", "")
    broken = broken.replace("<item>", "<item><bogus attr=>", 1)
    (tmp_path / "broken.xml").write_text(broken, encoding="utf-8")
    result = ingest([str(tmp_path / "broken.xml")], today=TODAY)
    assert len(result.articles) >= 1
    assert not result.skipped


def test_json_and_jsonl_records() -> None:
    result = ingest([str(DATA / "articles.json"), str(DATA / "articles.jsonl")], today=TODAY)
    assert [a.title for a in result.articles] == [
        "El puerto de Valencia amplía su terminal", "Les abeilles reviennent en ville"]
    spanish, french = result.articles
    assert (spanish.lang, spanish.date, spanish.url) == ("es", dt.date(2025, 4, 2), "https://noticias.example/puerto-valencia")
    assert (french.lang, french.date, french.url) == ("fr", dt.date(2025, 4, 3), "https://nouvelles.example/abeilles")
    # the JSONL file holds the same two stories (and one broken line, which is a warning)
    assert [m.reason for m in result.merged] == ["exact duplicate", "exact duplicate"]
    assert any("articles.jsonl line 2: not valid JSON" in w for w in result.warnings)
    assert not result.skipped


def test_markdown_file_with_a_heading(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("# La piscine rouvrira en 2027\n\n" + STORY, encoding="utf-8")
    [article] = ingest([str(tmp_path)], today=TODAY).articles
    assert article.title == "La piscine rouvrira en 2027"
    assert article.title_derived is False
    assert article.text.startswith("Le conseil municipal")


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "saved.page").write_bytes((DATA / "page_cp1252.html").read_bytes())
    (tmp_path / "notes.csv").write_text("a,b,c\n1,2,3\n" * 30, encoding="utf-8")
    result = ingest([str(tmp_path)], today=TODAY)
    assert [a.title for a in result.articles] == ["Lyon inaugure son tramway vers l’aéroport"]
    [skipped] = result.skipped
    assert skipped.source.endswith("notes.csv")
    assert "unknown file type (extension .csv)" in skipped.reason


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


# --- encodings and characters ----------------------------------------------------------------


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


# --- bad input -----------------------------------------------------------------------------

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


# --- duplicates ----------------------------------------------------------------------------


def test_exact_duplicates_merge(tmp_path: Path, seeds_dir: Path) -> None:
    seed = next(seeds_dir.glob("000_*.txt"))
    for name in ("a.txt", "b.txt"):
        shutil.copy(seed, tmp_path / name)
    result = ingest([str(tmp_path)], today=TODAY)
    assert len(result.articles) == 1
    [merged] = result.merged
    assert merged.kept_id == result.articles[0].id
    assert merged.reason == "exact duplicate"


def test_near_duplicate_keeps_the_richer_copy(tmp_path: Path, seeds_dir: Path) -> None:
    full = next(seeds_dir.glob("002_*.txt")).read_text(encoding="utf-8")
    paragraphs = [p for p in full.split("\n\n") if p.strip()]
    # a repost: no headline, no dateline, one paragraph dropped, lightly edited, no teasers
    repost = "\n\n".join(p.replace("Hanoi (VNA) – ", "") for p in paragraphs[3:16] if "Photo" not in p)
    repost = repost.replace("a souligné", "a insisté sur")
    (tmp_path / "a_repost.txt").write_text(repost, encoding="utf-8")
    (tmp_path / "b_full.txt").write_text(full, encoding="utf-8")
    result = ingest([str(tmp_path)], today=TODAY)
    [article] = result.articles
    assert article.path.endswith("b_full.txt")
    assert article.publisher == "VNA" and article.title_derived is False
    [merged] = result.merged
    assert merged.dropped.endswith("a_repost.txt")
    assert merged.reason.startswith("near duplicate (similarity ")


def test_different_stories_do_not_merge(seeds_dir: Path) -> None:
    result = ingest([str(seeds_dir), str(DATA / "feed.rss")], today=TODAY)
    assert len(result.articles) == 7
    assert not result.merged


def test_merged_copy_gives_missing_metadata(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY + "\n\nSource : https://ville.example/2025/05/12/piscine",
                                    encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"title": "La piscine rénovée", "text": STORY}), encoding="utf-8")
    [article] = ingest([str(tmp_path)], today=TODAY).articles
    assert article.title == "La piscine rénovée"
    assert article.url == "https://ville.example/2025/05/12/piscine"
    assert article.date == dt.date(2025, 5, 12)


# --- http(s) sources -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving tests/data/ingest."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(DATA))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_urls_of_pages_and_feeds(runner: CliRunner, server: str) -> None:
    code, records, stderr = _ingest_cli(runner, f"{server}/page_cp1252.html", f"{server}/feed.rss",
                                        f"{server}/missing.html")
    assert code == 1
    assert [r["title"] for r in records] == [
        "Lyon inaugure son tramway vers l’aéroport",
        "Un plan contre la sécheresse pour les agriculteurs",
        "La Bibliothèque nationale ouvre une salle des manuscrits",
    ]
    assert records[0]["path"] == f"{server}/page_cp1252.html"
    assert "é" in records[0]["text"] and "\ufffd" not in records[0]["text"]
    assert f"skipped {server}/missing.html: could not fetch: HTTP 404" in stderr


def test_url_without_extension_uses_the_content_type(server: str) -> None:
    result = ingest([f"{server}/feed.atom?format=atom"], today=TODAY)
    assert [a.title for a in result.articles] == ["Ten thousand trees for the river banks"]


def test_plain_text_url_without_extension_is_read_by_its_content_type() -> None:
    body = STORY.encode("utf-8")

    class PlainText(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PlainText)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/news/story"
        result = ingest([url], today=TODAY)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.skipped == ()
    [article] = result.articles
    assert article.path == url and article.text == read_bytes(body, "story.txt", today=TODAY)[0].text


class Drip(http.server.BaseHTTPRequestHandler):
    """A server that answers, then sends its page one byte every 0.2 s (each read is quick; the whole is not)."""

    def do_GET(self) -> None:
        if self.path.startswith("/headers"):  # dripping even the status line and headers
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Pad: x\r\n" * 1000
            try:
                for byte in head:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        try:
            for _ in range(10_000):
                self.wfile.write(b"<")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            return  # the client gave up

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.mark.parametrize("path", ["/body.html", "/headers.html"])
def test_a_slow_drip_url_is_given_up_at_the_deadline_and_the_run_goes_on(runner: CliRunner, tmp_path: Path,
                                                                        path: str) -> None:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    (tmp_path / "good.txt").write_text(STORY, encoding="utf-8")
    url = f"http://127.0.0.1:{httpd.server_address[1]}{path}"
    try:
        started = time.monotonic()
        code, records, stderr = _ingest_cli(runner, url, str(tmp_path / "good.txt"), "--fetch-deadline", "2")
        took = time.monotonic() - started
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert took < 8, took
    assert code == 1
    assert [r["path"] for r in records] == [str(tmp_path / "good.txt")]
    assert (f"skipped {url}: gave up after 2 s: the server sends too slowly (the whole download must end in that "
            "time)") in stderr.splitlines()


def test_unreachable_url_is_skipped() -> None:
    result = ingest(["http://127.0.0.1:9/nothing-listens-here"], today=TODAY)
    [skipped] = result.skipped
    assert skipped.reason.startswith("could not fetch:")


# --- the contract and the property ---------------------------------------------------------


def test_contract_json_matches_the_article() -> None:
    [article] = read_bytes(STORY.encode(), "a.txt", today=TODAY)
    record = contract_json(article)
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
        json.dumps(contract_json(article), ensure_ascii=False).encode("utf-8")  # printable as the CLI does


def test_front_matter_of_web_clippers(tmp_path: Path) -> None:
    clip = ("---\ntitle: \"La piscine rouvrira en 2027\"\nsource: https://ville.example/piscine\n"
            "published: 2025-05-12\nsite: Le Journal de la Ville\n---\n\n" + STORY)
    (tmp_path / "clip.md").write_text(clip, encoding="utf-8")
    [article] = ingest([str(tmp_path)], today=TODAY).articles
    assert (article.title, article.url, article.date, article.publisher) == (
        "La piscine rouvrira en 2027", "https://ville.example/piscine", dt.date(2025, 5, 12), "Le Journal de la Ville")
    assert article.text.startswith("Le conseil municipal") and "---" not in article.text


def test_json_source_field_is_a_url_or_a_publisher() -> None:
    records = [{"text": STORY, "source": "https://ville.example/piscine"},
               {"text": STORY.replace("piscine", "patinoire"), "source": "Le Journal"}]
    first, second = read_bytes(json.dumps(records).encode(), "a.json", today=TODAY)
    assert (first.url, first.publisher) == ("https://ville.example/piscine", "ville.example")
    assert (second.url, second.publisher) == (None, "Le Journal")


# --- hostile and unlucky input -------------------------------------------------------------


def _atom(updated: str, title: str = "Le conseil vote la rénovation") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ville</title>'
            f"<entry><title>{title}</title><updated>{updated}</updated>"
            f"<content type=\"text\">{STORY}</content></entry></feed>").encode()


@pytest.mark.parametrize("written", ["2025-02-31T10:00:00Z", "2025-13-01T10:00:00Z", "Mon, 31 Feb 2025 10:00:00 GMT"])
def test_an_impossible_feed_date_is_never_corrected_into_another_day(written: str) -> None:
    [article] = read_bytes(_atom(written), "feed.atom", today=TODAY)
    assert article.date is None
    [kept] = read_bytes(_atom("2025-02-28T10:00:00Z"), "feed.atom", today=TODAY)
    assert kept.date == dt.date(2025, 2, 28)


def test_a_feed_title_escaped_twice_shows_its_entities_decoded() -> None:
    [article] = read_bytes(_atom("2025-02-28T10:00:00Z", "<![CDATA[Lyon &amp; Grenoble votent]]>"), "feed.atom",
                           today=TODAY)
    assert article.title == "Lyon & Grenoble votent"


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


def test_a_tag_with_100000_attributes_is_read_in_linear_time() -> None:
    import time

    story = "".join(f"<p>{paragraph}</p>" for paragraph in STORY.split("\n\n")) * 3

    def page(attributes: int) -> bytes:
        crowd = " ".join(f'a{i}="v"' for i in range(attributes))  # 1 MB of attributes on one tag
        return f"<html><head><title>Piscine</title></head><body><div {crowd}>{story}</div></body></html>".encode()

    plain, crowded = page(0), page(100_000)
    assert len(crowded) > 1_000_000
    read_bytes(plain, "warm-up.html", today=TODAY)  # imports and models loaded once
    started = time.perf_counter()
    [expected] = read_bytes(plain, "a.html", today=TODAY)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    [article] = read_bytes(crowded, "a.html", today=TODAY)
    took = time.perf_counter() - started
    assert took < 5 * baseline + 0.5, (took, baseline)
    assert article.text == expected.text and article.title == "Piscine"


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


FOOTER = (
    "Cet article vous a été proposé par la rédaction. Retrouvez toute l'actualité de votre région sur notre site, "
    "abonnez-vous à la lettre d'information du matin et suivez-nous sur les réseaux sociaux pour ne rien manquer. "
    "Tous les contenus de ce site sont protégés par le droit d'auteur et ne peuvent être reproduits sans accord écrit."
)


def test_a_footer_shared_by_every_file_neither_merges_stories_nor_hides_copies(tmp_path: Path,
                                                                             shared_dir: Path) -> None:
    with (shared_dir / "eval" / "orangesum_valid.jsonl").open(encoding="utf-8") as handle:
        stories = [json.loads(line) for _, line in zip(range(90), handle, strict=False)]
    assert len(FOOTER.split()) >= 55
    for number, story in enumerate(stories):
        (tmp_path / f"{number:03d}.txt").write_text(f"{story['article']}\n\n{FOOTER}\n", encoding="utf-8")
    for number, story in enumerate(stories[:30]):  # near copies: the last sentence gone, a word changed
        sentences = story["article"].split(". ")
        edited = ". ".join(sentences[:-1]).replace(" le ", " ce ", 1)
        (tmp_path / f"copy-{number:03d}.txt").write_text(f"{edited}\n\n{FOOTER}\n", encoding="utf-8")
    result = ingest([str(tmp_path)], today=TODAY)
    assert len(result.merged) == 30
    assert sorted(Path(m.dropped).name for m in result.merged) == [f"copy-{n:03d}.txt" for n in range(30)]
