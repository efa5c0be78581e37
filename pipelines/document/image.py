"""A picture as a document (PNG, JPEG, TIFF, BMP, GIF): a scanned report, or its tables saved as images.

Every page (a TIFF's every frame) is read by OCR (pipelines/document/ocr) and built into blocks by the same
table builder as a PDF, so a multi-page scan's table running over two pages is one table. Where no OCR engine
can run, the document says so in a finding and holds no text: nothing is guessed.
"""

from __future__ import annotations

from pipelines.document import layout, sniff
from pipelines.document.model import Document
from pipelines.document.ocr.engine import EngineUnavailable, load_engine
from pipelines.document.ocr.raster import rasters
from pipelines.document.ocr.scan import PageScan, annotate, page_scale, read_finding, read_raster, unavailable_finding


def read(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    document = Document(source=source, sha256=sha256, media_type=sniff.sniff(data))
    pages = list(rasters(data, source))  # decoded first: a broken file is UnreadableDocument, OCR or not
    try:
        engine = load_engine()
    except EngineUnavailable as error:
        document.findings.append(unavailable_finding(error, source, "the document"))
        return document
    scans = []
    for number, raster in enumerate(pages, 1):
        reading = read_raster(raster, engine=engine)
        scan = PageScan(number, reading, page_scale(raster, reading))
        scans.append(scan)
        document.findings.append(read_finding(scan, f"{source}, page {number}"))
    contents = [scan.content() for scan in scans]
    document.blocks = layout.build_blocks(contents, document.findings, source)
    annotate(document.blocks, {scan.number: [scan] for scan in scans})
    document.title = layout.title(contents[0]) if contents else None
    return document
