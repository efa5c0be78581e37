"""MHT (a web page saved as one MIME file; Word's 'single file web page', often served as '.doc') → its HTML part,
read by the HTML reader."""

from __future__ import annotations

import email
import email.policy

from pipelines.document import html, sniff
from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Document

MEDIA_TYPE = sniff.MHT


def read(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload.strip():
            continue
        document = html.read(payload, source, sha256, part.get_content_charset() or declared_encoding)
        document.media_type = MEDIA_TYPE
        return document
    raise UnreadableDocument(source, "MHT file without an HTML part")
