"""The media type of a document, from its bytes (magic), never from its name or an HTTP header.

Servers send PDFs as application/octet-stream and '.doc' files that are really HTML, MHT or RTF; the bytes decide.
Zip containers are told apart by their entries (DOCX, XLSX, OFD), OLE2 compound files by their stream names
(Word binary — which is also what WPS 文字 writes to .wps — or an Excel workbook).
"""

from __future__ import annotations

import re

from pipelines.document.zipsafe import entry_names

TEXT = "text/plain"
HTML = "text/html"
PDF = "application/pdf"
MHT = "multipart/related"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFD = "application/ofd"
DOC = "application/msword"
RTF = "application/rtf"
XLS = "application/vnd.ms-excel"
BINARY = "application/octet-stream"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MHT_START = re.compile(  # MIME headers (with folded lines) up to a multipart/related Content-Type
    rb"^(?:[\x21-\x39\x3b-\x7e]+:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*)*?content-type:\s*multipart/related", re.I
)

_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|table|p)\b", re.I | re.S
)


def sniff(data: bytes) -> str:
    """Media type of ``data`` by content."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(_OLE2):
        return _ole_kind(data)
    if _MHT_START.match(head):
        return MHT
    if head.startswith(b"{\\rtf"):
        return RTF
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


def _zip_kind(data: bytes) -> str:
    names = entry_names(data)
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if "OFD.xml" in names:
        return OFD
    return BINARY


def _ole_kind(data: bytes) -> str:
    """OLE2 streams are named in UTF-16 in the directory sectors; the name says what the file holds."""
    if "WordDocument".encode("utf-16-le") in data:
        return DOC
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return XLS
    return BINARY
