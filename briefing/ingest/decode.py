"""Steps 2 and 3 of ingestion: refuse bytes that cannot be an article (guard), then decode them to text.

Decoding order: BOM, declared charset, strict UTF-8, UTF-8 with a few stray bytes, a plausible cp1252
reading, then charset-normalizer's detector (detectors guess wrong on short text, so they come last).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from briefing.errors import IngestError
from briefing.ingest.settings import MIN_FILE_BYTES, UTF8_MAX_BAD_SHARE

_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or DOCX/EPUB)"),
    (b"GIF8", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"), (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"), (b"7z\xbc\xaf", "a 7z archive"), (b"Rar!", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"), (b"OggS", "an audio file"), (b"ID3", "an MP3 file"),
)


def guard(data: bytes) -> None:
    """Raise IngestError for input that cannot be an article, whatever its name says."""
    if not data.strip():
        raise IngestError("empty file")
    if len(data) < MIN_FILE_BYTES:
        raise IngestError(f"too small to be an article ({len(data)} bytes)")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"this is {kind}, not text; only text, HTML, JSON and RSS/Atom are read")
    if data[:4] == b"RIFF" or data[4:8] == b"ftyp":
        raise IngestError("this is a media file, not text; only text, HTML, JSON and RSS/Atom are read")


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})|<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""",
    re.IGNORECASE,
)


_WORD_INNER_SYMBOL = re.compile(r"[^\W\d_][^\w\s'’\-.,;:!?)\]}»\"”/&%@#+*=]+[^\W\d_]")
_C1 = re.compile("[\x80-\x9f]")
WESTERN_MAX_NON_ASCII = 0.5  # French, Spanish, German text is under 15 % accented letters, Cyrillic or Greek
# read as cp1252 nearly 100 %: below this share a cp1252 reading is plausible Western text


def _declared_charset(data: bytes) -> str | None:
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _plausible_western(text: str) -> bool:
    """True when a cp1252 reading looks like Western European text, not mojibake of another code page."""
    letters = [c for c in text if c.isalpha()]
    if not letters or _C1.search(text) or _WORD_INNER_SYMBOL.search(text):
        return False
    return sum(1 for c in letters if ord(c) > 127) / len(letters) < WESTERN_MAX_NON_ASCII


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM shows NUL in every other byte of ASCII characters."""
    sample = data[:4000]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < len(sample) // 4 or min(even, odd) > len(sample) // 50:
        return None
    try:
        return data.decode("utf-16-be" if even > odd else "utf-16-le")
    except UnicodeDecodeError:
        return None


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """UTF-8 text spoiled by a few stray bytes: the text with U+FFFD in their place and how many there were.

    None unless the bad spots are rare (UTF8_MAX_BAD_SHARE of the bytes) and outnumbered by valid
    multi-byte characters, which a file in a legacy code page (cp1252 é is one bad byte) never has.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    if bad > len(data) * UTF8_MAX_BAD_SHARE:
        return None
    multibyte = sum(1 for c in text if ord(c) > 127) - text.count("\ufffd")
    return (text, bad) if multibyte >= bad else None


def decode(data: bytes, *, declared: str | None = None, notes: list[str] | None = None) -> str:
    """Bytes to text: BOM, declared charset (argument, `<meta charset>`, `<?xml encoding>`), strict UTF-8,
    UTF-8 with a few stray bytes replaced (said in `notes`), a cp1252 reading when it is plausible
    Western text, then charset-normalizer's detector."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise IngestError(f"starts with a {encoding} byte-order mark but is not valid {encoding}") from None
    for candidate in (declared, _declared_charset(data), "utf-8"):
        if candidate is not None:
            try:
                return data.decode(candidate)
            except (UnicodeDecodeError, LookupError):
                continue
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    mostly = _mostly_utf8(data)
    if mostly is not None:
        if notes is not None:
            notes.append(f"{mostly[1]} byte(s) that are not UTF-8 were replaced by \ufffd")
        return mostly[0]
    if b"\x00" in data[:8192]:
        raise IngestError("binary data (NUL bytes), not text")
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = ""
    if western and _plausible_western(western):
        return western
    import charset_normalizer

    best = charset_normalizer.from_bytes(data[: 1024 * 1024]).best()
    if best is None:
        raise IngestError("cannot tell the text encoding; save the file as UTF-8")
    return data.decode(best.encoding, errors="replace")


def check_text(text: str) -> None:
    controls = sum(1 for c in text[:20000] if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    if controls > max(4, len(text[:20000]) // 100):
        raise IngestError("binary data (control characters), not text")
