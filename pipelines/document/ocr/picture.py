"""A picture → blocks: every frame read by OCR and built into paragraphs and tables by the PDF table builder.

Used for a picture that is the whole document (image.py), a picture inside a DOCX, and a picture a web page
shows as its table (``<img>``). Each frame is a page of its own for the table builder (a scan's table running
over two frames is one table); its cells are marked with the engine, confidence and box in the picture, and,
where the picture is part of a larger document, with its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.document import layout
from pipelines.document.model import Block
from pipelines.document.ocr.engine import Engine, load_engine
from pipelines.document.ocr.raster import Raster, rasters
from pipelines.document.ocr.scan import PageScan, annotate, log_read, page_scale, read_raster
from pipelines.findings import Finding, FindingsLog

MIN_WIDTH, MIN_HEIGHT = 200, 60  # pixels: smaller pictures are icons, logos and bullets, not tables


@dataclass
class Picture:
    """What OCR made of a picture."""

    blocks: list[Block] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    title: str | None = None


def read_picture(data: bytes, source: str, name: str | None = None, engine: Engine | None = None) -> Picture:
    """Every frame of the picture ``data`` read by OCR. UnreadableDocument when it cannot be decoded;
    EngineUnavailable when no engine can run."""
    return read_frames(list(rasters(data, source)), source, name, engine)


def read_frames(frames: list[Raster], source: str, name: str | None = None, engine: Engine | None = None) -> Picture:
    engine = engine or load_engine()
    picture = Picture()
    log = FindingsLog(source, "document", picture.findings)
    scans = []
    for number, raster in enumerate(frames, 1):
        if raster.width < MIN_WIDTH or raster.height < MIN_HEIGHT:
            continue
        reading = read_raster(raster, engine=engine)
        scan = PageScan(number, reading, page_scale(raster, reading), image=name)
        scans.append(scan)
        what = f"picture {name}" + (f", frame {number}" if len(frames) > 1 else "") if name else f"page {number}"
        log_read(log, scan, f"{source}, {what}", what)
    contents = [scan.content() for scan in scans]
    picture.blocks = layout.build_blocks(contents, picture.findings, source)
    annotate(picture.blocks, {scan.number: [scan] for scan in scans}, log)
    picture.title = layout.title(contents[0]) if contents else None
    return picture
