"""Bytes → Document: sniff the media type from the bytes, then hand them to that format's reader."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from pipelines.document import sniff
from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Document

Reader = Callable[[bytes, str, str, "str | None"], Document]


def _readers() -> dict[str, Reader]:
    from pipelines.document import html, text

    return {sniff.TEXT: text.read, sniff.HTML: html.read}


def read_document(data: bytes, source: str, *, declared_encoding: str | None = None) -> Document:
    """Read ``data`` (named ``source`` in every message) into a Document, or raise UnreadableDocument."""
    if not data.strip():
        raise UnreadableDocument(source, "empty file")
    media_type = sniff.sniff(data)
    reader = _readers().get(media_type)
    if reader is None:
        raise UnreadableDocument(source, f"cannot read {media_type} (binary content of an unsupported format)")
    sha256 = hashlib.sha256(data).hexdigest()
    return reader(data, source, sha256, declared_encoding)
