"""The media type of a document, from its bytes (magic), never from its name or an HTTP header.

Servers send PDFs as application/octet-stream and '.doc' files that are really HTML, MHT or RTF; the bytes decide.
Zip containers are told apart by their entries (DOCX, XLSX, OFD), OLE2 compound files by their stream names
(Word binary — which is also what WPS 文字 writes to .wps — or an Excel workbook). Pictures (PNG, JPEG, GIF,
TIFF, BMP) are documents too: a scanned report, or its tables pasted as images.
"""

from __future__ import annotations

import re

from pipelines.archive import media
from pipelines.archive.media import BINARY, DOCX, GIF, HTML, JPEG, OFD, PDF, PNG, TEXT, XLSX, looks_binary
from pipelines.document.zipsafe import entry_names

__all__ = [
    "BINARY", "BMP", "DOC", "DOCX", "GIF", "HTML", "IMAGES", "JPEG", "MHT", "OFD", "PDF", "PNG", "RTF", "TEXT",
    "TIFF", "XLS", "XLSX", "looks_binary", "sniff",
]  # fmt: skip

MHT = "multipart/related"
DOC = "application/msword"
RTF = "application/rtf"
XLS = "application/vnd.ms-excel"
TIFF = "image/tiff"
BMP = "image/bmp"
IMAGES = (PNG, JPEG, GIF, TIFF, BMP)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MHT_START = re.compile(  # MIME headers (with folded lines) up to a multipart/related Content-Type
    rb"^(?:[\x21-\x39\x3b-\x7e]+:[^\n]*\r?\n(?:[ \t][^\n]*\r?\n)*)*?content-type:\s*multipart/related", re.I
)


def sniff(data: bytes) -> str:
    """Media type of ``data`` by content: the archive's magic (pipelines.archive.media), made exact for the
    containers readers tell apart (zip and OLE2 by their entries) and for the web-page and RTF '.doc' files."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if b"%PDF-" in head[:1024]:  # servers prepend blank lines or junk
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(_OLE2):
        return _ole_kind(data)
    if _MHT_START.match(head):
        return MHT
    if head.startswith(b"{\\rtf"):
        return RTF
    if head.startswith((b"II*\0", b"MM\0*")):
        return TIFF
    if _is_bmp(data):
        return BMP
    return media.media_type(data)


def _is_bmp(data: bytes) -> bool:
    """'BM', then a header whose DIB size is one of the six Windows and OS/2 bitmap headers."""
    return (
        data.startswith(b"BM")
        and len(data) > 26
        and int.from_bytes(data[14:18], "little") in (12, 40, 52, 56, 64, 108, 124)
    )


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
