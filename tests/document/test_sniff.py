"""The media type comes from the bytes: PDFs behind junk, zip containers by their entries, OLE2 files by their
stream names, MHT by its MIME header, and '.doc' files that are really web pages."""

from __future__ import annotations

import io
import zipfile

import pytest

from pipelines.document import sniff

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, b"<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", sniff.PDF),
        (b"\r\n\r\n%PDF-1.4\n", sniff.PDF),  # servers prepend blank lines
        (zipped("[Content_Types].xml", "word/document.xml"), sniff.DOCX),
        (zipped("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"), sniff.XLSX),
        (zipped("OFD.xml", "Doc_0/Document.xml"), sniff.OFD),
        (zipped("mimetype", "content.xml"), sniff.BINARY),  # an ODF file: not a format reports use
        (OLE2 + "WordDocument".encode("utf-16-le") + b"\0" * 64, sniff.DOC),
        (OLE2 + "Workbook".encode("utf-16-le") + b"\0" * 64, sniff.XLS),
        (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n", sniff.MHT),
        (b"From: <Saved by Windows Internet Explorer 8>\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
         b"Content-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n\tboundary=\"b\"\r\n\r\n", sniff.MHT),
        (b"<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><body><p>\xe5\xb9\xb4</p>", sniff.HTML),
        (b"{\\rtf1\\ansi\\ansicpg936 ", sniff.RTF),
        ("一、总体情况\n本年度……".encode(), sniff.TEXT),
    ],
)  # fmt: skip
def test_media_type_from_the_bytes(data, media_type):
    assert sniff.sniff(data) == media_type


def test_a_broken_zip_is_not_taken_for_a_document():
    assert sniff.sniff(b"PK\x03\x04" + b"\0" * 100) == sniff.BINARY
