"""Bytes → Document: sniff the media type from the bytes, then hand them to that format's reader."""

from __future__ import annotations

import hashlib
import importlib

from pipelines.document import sniff
from pipelines.document.errors import UnreadableDocument
from pipelines.document.limits import check_size
from pipelines.document.model import Document
from pipelines.document.pictures import PictureLookup, read_pictures

# Media type → the module (and function, after ':', default `read`) whose `(data, source, sha256,
# declared_encoding)` reads it. Imported on first use, so a format's heavy library loads only when a document
# of that format comes along.
READERS: dict[str, str] = {
    sniff.TEXT: "pipelines.document.text",
    sniff.HTML: "pipelines.document.html",
    sniff.MHT: "pipelines.document.mht",
    sniff.PDF: "pipelines.document.pdf",
    sniff.DOCX: "pipelines.document.docx",
    sniff.DOC: "pipelines.document.office",
    sniff.RTF: "pipelines.document.office:read_rtf",
    sniff.XLSX: "pipelines.document.xlsx",
    sniff.XLS: "pipelines.document.xlsx:read_xls",
    sniff.OFD: "pipelines.document.ofd",
    **dict.fromkeys(sniff.IMAGES, "pipelines.document.image"),
}


SIZE_KINDS: dict[str, str] = {
    sniff.TEXT: "text",
    sniff.HTML: "html",
    sniff.MHT: "html",
    sniff.PDF: "pdf",
    sniff.DOCX: "zip",
    sniff.XLSX: "zip",
    sniff.OFD: "zip",
    sniff.DOC: "office",
    sniff.RTF: "office",
    sniff.XLS: "xls",
    **dict.fromkeys(sniff.IMAGES, "image"),
}
"""Media type → its size limit in pipelines.document.limits.MAX_BYTES, checked before a reader starts."""


def read_document(
    data: bytes, source: str, *, declared_encoding: str | None = None, pictures: PictureLookup | None = None
) -> Document:
    """Read ``data`` (named ``source`` in every message) into a Document, or raise UnreadableDocument. A web
    page's pictures are read where they stand, from ``data:`` addresses or through ``pictures``."""
    if not data.strip():
        raise UnreadableDocument(source, "empty file")
    media_type = sniff.sniff(data)
    spec = READERS.get(media_type)
    if spec is None:
        raise UnreadableDocument(source, f"cannot read {media_type} (binary content of an unsupported format)")
    check_size(data, SIZE_KINDS[media_type], source)
    sha256 = hashlib.sha256(data).hexdigest()
    module, _, function = spec.partition(":")
    reader = getattr(importlib.import_module(module), function or "read")
    document = reader(data, source, sha256, declared_encoding)
    if document.pictures:
        read_pictures(document, pictures)
    return document
