"""A web page's pictures read into it: a table a page shows as an ``<img>`` becomes blocks where the picture stood.

A page's bytes do not hold its pictures. Whoever has them passes a lookup from a picture's address as the page
writes it to its bytes: the parse stage (the pictures the crawler archived with the page), ``govreports parse``
(files beside a saved page). A ``data:`` address holds the picture itself. Each picture is read by OCR like a
picture file (pipelines/document/ocr/picture.py); one not at hand, or not a picture, is a finding.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Document, number_tables
from pipelines.document.ocr.engine import EngineUnavailable
from pipelines.findings import FindingsLog

PictureLookup = Callable[[str], bytes | None]
"""A picture's address as written (``src``) → its bytes, or None where it is not at hand."""

_DATA_URI = re.compile(r"^data:(?P<type>[\w.+-]+/[\w.+-]+)?(?:;[^,;]*)*?(?P<base64>;base64)?,", re.I)


def read_pictures(document: Document, lookup: PictureLookup | None = None) -> None:
    """Read the document's pictures by OCR and put their blocks where each stood."""
    if not document.pictures:
        return
    from pipelines.document.ocr.picture import read_picture  # OCR's libraries load only for a page with pictures
    from pipelines.document.ocr.scan import log_unavailable

    log = FindingsLog(document.source, "document", document.findings)
    inserted = 0
    for index, ref in enumerate(document.pictures):
        inline = _data(ref.src)
        name = f"data:{inline[0]} #{index + 1}" if inline else ref.src
        data = inline[1] if inline else (lookup(ref.src) if lookup else None)
        if data is None:
            log.info(
                "ocr.picture_missing",
                f"picture {name} is not at hand (not archived with the page); not read",
                document.source,
                image=name,
            )
            continue
        try:
            picture = read_picture(data, document.source, name)
        except EngineUnavailable as error:
            log_unavailable(log, error, document.source, f"picture {name}")
            break
        except UnreadableDocument as error:
            log.info(
                "ocr.picture_unreadable",
                f"picture {name} is not a raster image OCR can read ({error.reason}); not read",
                document.source,
                image=name,
            )
            continue
        document.findings.extend(picture.findings)
        at = ref.position + inserted
        document.blocks[at:at] = picture.blocks
        inserted += len(picture.blocks)
    number_tables(document.blocks)


def files_beside(page: Path) -> PictureLookup:
    """Pictures of a page saved to disk: relative addresses as files in its folder (never outside it)."""
    folder = page.resolve().parent

    def lookup(src: str) -> bytes | None:
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        path = (folder / unquote(parts.path)).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            return None
        return path.read_bytes()

    return lookup


def _data(src: str) -> tuple[str, bytes] | None:
    """(media type, bytes) of a ``data:`` address; None for any other address (or a broken one)."""
    match = _DATA_URI.match(src)
    if not match:
        return None
    payload = src[match.end() :]
    try:
        data = base64.b64decode(payload, validate=False) if match["base64"] else payload.encode("latin-1")
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    return match["type"] or "image", data
