"""http(s) sources: pages and feeds served on 127.0.0.1, content types, slow servers and unreachable ones."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from briefing.ingest import ingest, read_bytes
from tests.ingest.conftest import DATA, STORY, TODAY, _ingest_cli


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
