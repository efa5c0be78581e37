"""A picture as a document (PNG, JPEG, TIFF, BMP, GIF): a scanned report, or its tables saved as images.

Every page (a TIFF's every frame) is read by OCR (pipelines/document/ocr) and built into blocks by the same
table builder as a PDF, so a multi-page scan's table running over two pages is one table. Where no OCR engine
can run, the document says so in a finding and holds no text: nothing is guessed.
"""

from __future__ import annotations

from pipelines.document import sniff
from pipelines.document.model import Document
from pipelines.document.ocr.engine import EngineUnavailable
from pipelines.document.ocr.picture import read_frames
from pipelines.document.ocr.raster import rasters
from pipelines.document.ocr.scan import log_unavailable
from pipelines.findings import FindingsLog


def read(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    document = Document(source=source, sha256=sha256, media_type=sniff.sniff(data))
    frames = list(rasters(data, source))  # decoded first: a broken file is UnreadableDocument, OCR or not
    try:
        picture = read_frames(frames, source)
    except EngineUnavailable as error:
        log_unavailable(FindingsLog(source, "document", document.findings), error, source, "the document")
        return document
    document.blocks, document.title = picture.blocks, picture.title
    document.findings.extend(picture.findings)
    return document
