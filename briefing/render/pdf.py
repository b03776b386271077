"""The PDF: WeasyPrint lays out the rendered HTML as a tagged PDF/UA, with a URL fetcher that only reads the
templates' own files and `data:` URIs: content from the articles can never make it open a local file or
reach the network."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from briefing.errors import RenderError
from briefing.log import get_logger
from briefing.render.settings import PDF_VARIANT

log = get_logger(__name__)

# Content types of template assets, so WeasyPrint never has to consult the system's mime tables.
ASSET_TYPES = {
    ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".ttf": "font/ttf",
    ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
}


class AssetFetcher(URLFetcher):
    """WeasyPrint's URL fetcher limited to files inside the template folders and `data:` URIs.

    Anything else (another local file, any network address, a redirect) is refused and logged;
    WeasyPrint then renders on without the resource. A relative asset is looked up in the user's
    template folder first, then in the shipped one.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, timeout=1)
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """The resource at `url` when it is a template asset or a data: URI; ValueError otherwise."""
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._in_templates(Path(url2pathname(urlsplit(url).path)).resolve())
            if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                mime = ASSET_TYPES.get(path.suffix.lower(), "application/octet-stream")
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})
        self.refused.append(url)
        log.warning("not fetched (only template assets and data: URIs are allowed): %.100s", url)
        raise ValueError(f"refused to fetch {url[:100]}")

    def _in_templates(self, path: Path) -> Path:
        """A relative asset missing from the user's folder is taken from the shipped templates."""
        if len(self.roots) > 1 and path.is_relative_to(self.roots[0]) and not path.is_file():
            return self.roots[-1] / path.relative_to(self.roots[0])
        return path


def write_pdf_bytes(html: str, dirs: Sequence[Path]) -> bytes:
    """The PDF for `html` (tagged PDF/UA), with assets resolved against the first template folder holding them."""
    fetcher = AssetFetcher(dirs)
    base = dirs[0] / "_"  # relative links resolve inside the first folder
    document = weasyprint.HTML(string=html, base_url=base.as_uri(), url_fetcher=fetcher)
    try:
        return document.write_pdf(pdf_tags=True, pdf_variant=PDF_VARIANT) or b""
    except Exception as exc:  # WeasyPrint has no exception hierarchy of its own
        raise RenderError(f"the PDF could not be laid out: {type(exc).__name__}: {exc}") from exc
