"""Step 1 of ingestion, for URLs: download a page or feed within a deadline and a size limit.

urllib's timeout applies to each socket read: a server that sends a byte every few seconds would never trip
it. A timer shuts the download's sockets down at the deadline instead, which wakes any blocked read.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from briefing.errors import IngestError
from briefing.ingest.readers import EXTENSIONS
from briefing.ingest.settings import FETCH_CHUNK_BYTES, HTTP_TIMEOUT_S
from briefing.options import DEFAULT_FETCH_DEADLINE_S

_CONTENT_TYPES = {"html": ".html", "xml": ".xml", "rss": ".xml", "atom": ".xml", "json": ".json", "plain": ".txt"}


class _Watch:
    """The sockets of one download, so that its deadline can cut them from a timer thread.

    urllib's timeout applies to each socket read: a server that sends a byte every few seconds
    would never trip it. Shutting the sockets down at the deadline wakes any blocked read.
    """

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []
        self.expired = False

    def expire(self) -> None:
        self.expired = True
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def opener(self) -> urllib.request.OpenerDirector:
        """A urllib opener whose HTTP and HTTPS connections (redirects included) report their sockets."""
        watch = self

        class Watched(http.client.HTTPConnection):
            def connect(self) -> None:
                super().connect()
                watch.sockets.append(self.sock)

        class WatchedTLS(http.client.HTTPSConnection):
            def connect(self) -> None:
                super().connect()
                watch.sockets.append(self.sock)

        class Handler(urllib.request.HTTPHandler):
            def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
                return self.do_open(Watched, req)

        class TLSHandler(urllib.request.HTTPSHandler):
            def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
                return self.do_open(WatchedTLS, req, context=ssl.create_default_context())

        return urllib.request.build_opener(Handler, TLSHandler)


def fetch(url: str, max_bytes: int, deadline_s: float = DEFAULT_FETCH_DEADLINE_S) -> tuple[bytes, str, str | None]:
    """The body of `url`, a name whose extension tells its format, and the declared charset.

    The whole download (connection, headers, body, redirects) must end within `deadline_s` seconds.
    """
    request = urllib.request.Request(url, headers={"User-Agent": "briefing (offline news digest)"})
    watch = _Watch()
    timer = threading.Timer(deadline_s, watch.expire)
    timer.daemon = True
    timer.start()
    too_slow = f"gave up after {deadline_s:g} s: the server sends too slowly (the whole download must end in that time)"
    try:
        with watch.opener().open(request, timeout=min(HTTP_TIMEOUT_S, deadline_s)) as response:
            chunks: list[bytes] = []
            size = 0
            while size <= max_bytes:
                chunk = response.read1(FETCH_CHUNK_BYTES)
                if watch.expired:
                    raise IngestError(too_slow)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            data = b"".join(chunks)
            content_type = response.headers.get_content_type() or ""
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        raise IngestError(f"could not fetch: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        if watch.expired:
            raise IngestError(too_slow) from None
        reason = getattr(exc, "reason", exc)
        raise IngestError(f"could not fetch: {reason}") from None
    finally:
        timer.cancel()
    if len(data) > max_bytes:
        raise IngestError(f"larger than the {max_bytes / 1024 / 1024:g} MB limit")
    name = url
    if Path(urllib.parse.urlparse(url).path).suffix.lower() not in EXTENSIONS:
        subtype = content_type.rsplit("/", 1)[-1].split("+")[-1]
        if subtype in _CONTENT_TYPES:
            name = url + "#" + _CONTENT_TYPES[subtype]
    return data, name, charset
