"""The media type of fetched bytes, from their magic, never from a header or a file name.

Portals send PDFs as application/octet-stream and ``.doc`` files that are really HTML, so the archive records what
the bytes are. This sits in the archive (the ground floor the crawler may import); pipelines.document.sniff builds on
it for readers.
"""

from __future__ import annotations

import re

TEXT = "text/plain"
HTML = "text/html"
XML = "application/xml"
JSON = "application/json"
PDF = "application/pdf"
OFD = "application/ofd"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
OLE = "application/x-ole-storage"
RAR = "application/vnd.rar"
SEVEN_ZIP = "application/x-7z-compressed"
GZIP = "application/gzip"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
BINARY = "application/octet-stream"

_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|table|p|script|a|ul|li|dl)\b",
    re.I | re.S,
)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
    (b"Rar!\x1a\x07", RAR),
    (b"7z\xbc\xaf\x27\x1c", SEVEN_ZIP),
    (b"\x1f\x8b", GZIP),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF8", GIF),
)


def media_type(data: bytes) -> str:
    """Media type of ``data`` by content; ``application/octet-stream`` when nothing matches."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    stripped = head.lstrip()
    if stripped.startswith(b"<?xml"):
        return HTML if re.search(rb"<html[\s>]", head, re.I) else XML
    if _HTML_START.match(head) or re.search(rb"<html[\s>]", head[:1024], re.I):
        return HTML
    if stripped[:1] in (b"{", b"[") and stripped.rstrip()[-1:] in (b"}", b"]"):
        return JSON
    if looks_binary(head):
        return BINARY
    return TEXT


def _zip_kind(data: bytes) -> str:
    """OOXML and OFD are zip files; their member names tell them apart (read from the central directory)."""
    window = data[-65536:] if len(data) > 65536 else data
    if b"word/" in window or b"word/" in data[:4096]:
        return DOCX
    if b"xl/" in window or b"xl/" in data[:4096]:
        return XLSX
    if b"OFD.xml" in window or b"OFD.xml" in data[:4096]:
        return OFD
    return ZIP


def looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters: not text in any encoding reports use (UTF-16 is handled by BOM)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return controls > max(4, len(head) // 100)
