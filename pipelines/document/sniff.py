"""The media type of a document, from its bytes (magic), never from its name or an HTTP header.

Servers send PDFs as application/octet-stream and '.doc' files that are really HTML; the bytes decide.
"""

from __future__ import annotations

import re

TEXT = "text/plain"
HTML = "text/html"
PDF = "application/pdf"
BINARY = "application/octet-stream"

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|table|p)\b", re.I | re.S)


def sniff(data: bytes) -> str:
    """Media type of ``data`` by content."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if head.startswith(b"%PDF-"):
        return PDF
    if _HTML_START.match(head) or re.search(rb"<html[\s>]", head[:1024], re.I):
        return HTML
    if looks_binary(head):
        return BINARY
    return TEXT


def looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters: not text in any encoding reports use (UTF-16 is handled by BOM)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return controls > max(4, len(head) // 100)
