"""Bytes → str for text formats: BOM, then the declared charset (HTTP header, HTML meta), then UTF-8, then
detection with charset-normalizer. GBK and GB2312 are read as GB18030, their superset, since portals declare
the narrower name for pages that use characters outside it.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from pipelines.document.errors import UnreadableDocument

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_\-]+)""", re.I)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb_2312-80": "gb18030"}


def canonical(encoding: str) -> str | None:
    """A Python codec name for a declared charset, widened to its superset; None if unknown."""
    name = encoding.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_in_html(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def decode(data: bytes, source: str, declared: str | None = None, *, html: bool = False) -> tuple[str, str]:
    """Return (text, encoding used). Raises UnreadableDocument when no encoding reads the bytes cleanly."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    candidates = [declared, declared_in_html(data) if html else None, "utf-8"]
    for candidate in candidates:
        encoding = canonical(candidate) if candidate else None
        if encoding:
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UnreadableDocument(source, "undecodable: no text encoding reads these bytes")
    encoding = canonical(best.encoding) or best.encoding
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        raise UnreadableDocument(source, f"undecodable as {encoding}: {error.reason}") from error
