"""Zip containers and their XML: bombs, floods of entries, corrupt archives and entity tricks give a clean
UnreadableDocument naming the document, never a crash, a hang or an exhausted memory."""

from __future__ import annotations

import io
import zipfile

import pytest

from pipelines.document.errors import UnreadableDocument
from pipelines.document.read import read_document
from pipelines.document.zipsafe import MAX_ENTRIES, MAX_ENTRY_BYTES

MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ofd": "OFD.xml"}


def archive(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression, compresslevel=9) as target:
        for name, data in entries.items():
            target.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", sorted(MAIN_PART))
def test_zip_bomb_is_refused(kind):
    bomb = archive({MAIN_PART[kind]: b"<a/>", "payload.xml": b"\0" * (MAX_ENTRY_BYTES + 1)})
    assert len(bomb) < MAX_ENTRY_BYTES // 500  # tiny on disk
    with pytest.raises(UnreadableDocument, match="zip bomb") as error:
        read_document(bomb, f"bomb.{kind}")
    assert error.value.source == f"bomb.{kind}"


def test_zip_with_too_many_entries_is_refused():
    flood = archive({"word/document.xml": b"<a/>", **{f"f/{i}": b"" for i in range(MAX_ENTRIES + 1)}})
    with pytest.raises(UnreadableDocument, match="entries"):
        read_document(flood, "flood.docx")


def test_lying_entry_size_is_caught_while_inflating():
    """A directory that declares a small size for a big entry: zipfile stops at the declared size, the CRC fails."""
    data = bytearray(archive({"word/document.xml": b"<w:document/>" + b" " * 100_000}))
    header = data.rfind(b"PK\x01\x02")  # central directory entry: uncompressed size at offset 24
    data[header + 24 : header + 28] = (20).to_bytes(4, "little")
    with pytest.raises(UnreadableDocument, match=r"liar\.docx"):
        read_document(bytes(data), "liar.docx")


@pytest.mark.parametrize("kind", sorted(MAIN_PART))
def test_truncated_zip_is_unreadable(kind):
    whole = archive({MAIN_PART[kind]: b"<a>" + b"x" * 5000 + b"</a>", "other.xml": b"<b/>" * 1000})
    with pytest.raises(UnreadableDocument) as error:
        read_document(whole[: len(whole) // 2], f"cut.{kind}")
    assert error.value.source == f"cut.{kind}"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>
<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>
<w:t>before &xxe; after</w:t></w:r></w:p></w:body></w:document>"""


def test_billion_laughs_is_refused():
    with pytest.raises(UnreadableDocument, match=r"malformed XML in word/document\.xml") as error:
        read_document(archive({"word/document.xml": BILLION_LAUGHS}), "laughs.docx")
    assert error.value.source == "laughs.docx"


def test_external_entities_are_not_fetched():
    text = read_document(archive({"word/document.xml": XXE}), "xxe.docx").text()
    assert "before" in text and "root:" not in text
