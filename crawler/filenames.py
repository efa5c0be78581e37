"""Attachment names from Content-Disposition: decoded (RFC 5987, UTF-8 or GBK raw bytes) and made harmless.

The name is kept as a manifest column for people; it is never used as a path (blobs are named by sha256).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, unquote_to_bytes

_EXTENDED = re.compile(rb"""filename\*\s*=\s*([A-Za-z0-9_-]+)'[^']*'([^;\s]+)""", re.I)
_PLAIN = re.compile(rb"""filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))""", re.I)
MAX_LENGTH = 200


def from_content_disposition(header: bytes | None) -> str | None:
    """The sanitised file name a Content-Disposition header carries, or None."""
    if not header:
        return None
    extended = _EXTENDED.search(header)
    if extended:
        charset = extended.group(1).decode("ascii").lower()
        raw = unquote_to_bytes(extended.group(2))
        return sanitise(_decode(raw, [charset, "utf-8", "gb18030"]))
    plain = _PLAIN.search(header)
    if not plain:
        return None
    raw = (plain.group(1) if plain.group(1) is not None else plain.group(2)).strip()
    if b"%" in raw and raw.isascii():
        raw = unquote_to_bytes(raw)
    return sanitise(_decode(raw, ["utf-8", "gb18030"]))


def _decode(raw: bytes, charsets: list[str]) -> str:
    for charset in charsets:
        try:
            return raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("latin-1")


def sanitise(name: str) -> str | None:
    """Keep the last path segment, drop control characters and leading dots; None when nothing is left."""
    name = unicodedata.normalize("NFC", unquote(name) if "%" in name else name)
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > MAX_LENGTH:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_LENGTH - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:MAX_LENGTH]
    return name or None
