"""A page image → what the table builder reads from a PDF page: glyphs at coordinates and ruling lines.

The page is prepared (seal dropped, straightened, specks removed: prepare.py), its ruling strokes found
(ruling.py) and painted out, and the engine reads the text with the column rules as barriers no text line
crosses. Every character becomes a glyph placed where the engine saw it, every stroke a rule, both in points, so
pipelines/document/layout.py rebuilds tables exactly as it does for a PDF — merged cells, labels wrapped over
lines, tables running over pages — with its tolerances scaled to the image: pixels become points through the
image's resolution (a rendered PDF page's, a picture's recorded dpi) or, where none is known, through the
measured text size taken as 10.5 pt (body text of the form). A reading is cached per (image sha256, engine,
engine version) (cache.py). After the blocks are built, `annotate` marks every cell and line that came from an
image with the engine, its confidence (the least sure character in it) and its box in the image's pixels.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from pipelines.document.layout import Glyph, PageContent, Rule, rules_from_box
from pipelines.document.model import Block, Cell, Location, Paragraph, Table
from pipelines.document.ocr import regions, ruling
from pipelines.document.ocr.cache import OcrCache
from pipelines.document.ocr.engine import Engine, Line, load_engine, noise
from pipelines.document.ocr.prepare import prepare, unrotate_box
from pipelines.document.ocr.raster import Raster
from pipelines.findings import FindingsLog

READING_VERSION = "23"  # what the engine is shown (preparation, ruling, barriers): a new value reads all again
BODY_TEXT_POINTS = 10.5
MIN_CONFIDENCE = 0.3  # lines read with less are noise (a speck, a fragment of the seal), not text


@dataclass
class Reading:
    """What OCR made of one image (pixels of the straightened image): cached as JSON."""

    engine: str
    version: str
    width: int
    height: int
    angle: float
    text_size: float
    strokes: list[tuple[int, int, int, int]]
    lines: list[Line]

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "version": self.version,
            "width": self.width,
            "height": self.height,
            "angle": self.angle,
            "text_size": self.text_size,
            "strokes": [list(box) for box in self.strokes],
            "lines": [line.to_json() for line in self.lines],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reading:
        return cls(
            data["engine"],
            data["version"],
            data["width"],
            data["height"],
            data["angle"],
            data["text_size"],
            [(x0, y0, x1, y1) for x0, y0, x1, y1 in data["strokes"]],
            [Line.from_json(line) for line in data["lines"]],
        )

    @property
    def confidence(self) -> float | None:
        """Mean confidence of the page's characters."""
        values = [char.confidence for line in self.lines for char in line.chars if not char.text.isspace()]
        return sum(values) / len(values) if values else None


def image_sha256(pixels: np.ndarray) -> str:
    """The image's identity for the cache: its decoded pixels (the same picture re-encoded reads the same)."""
    digest = hashlib.sha256(repr(pixels.shape).encode())
    digest.update(np.ascontiguousarray(pixels).data)
    return digest.hexdigest()


def read_raster(raster: Raster, *, engine: Engine | None = None, cache: OcrCache | None = None) -> Reading:
    """OCR one page image, from the cache when this image was read by this engine version before."""
    engine = engine or load_engine()
    cache = cache if cache is not None else OcrCache.configured()
    version = f"{engine.version} reading {READING_VERSION}"
    sha256 = image_sha256(raster.pixels)
    stored = cache.get(sha256, engine.name, version)
    if stored is not None:
        try:
            return Reading.from_json(stored)
        except (KeyError, TypeError, ValueError):
            pass
    prepared = prepare(raster.pixels)
    rules = ruling.strokes(prepared.ink, prepared.text_size, prepared.seal)
    clean = rules.erase(prepared.gray)
    text_ink = cv2.bitwise_and(rules.erase(prepared.ink, value=0), cv2.bitwise_not(prepared.seal))
    boxes = regions.text_boxes(engine.detect(clean), text_ink, rules.down, prepared.text_size)
    lines = [
        _to_ink(line, text_ink)
        for line in engine.recognise(clean, boxes)
        if line is not None and line.confidence >= MIN_CONFIDENCE and not noise(line)
    ]
    height, width = prepared.gray.shape[:2]
    reading = Reading(engine.name, version, width, height, prepared.angle, prepared.text_size, rules.boxes, lines)
    result = reading.to_json()
    cache.put(sha256, engine.name, version, result)
    return Reading.from_json(result)  # as a re-parse will read it from the cache: the same report either way


def _to_ink(line: Line, ink: np.ndarray) -> Line:
    """The line with its box's top and bottom on its ink: glyph heights then follow the type size (the title is
    told by its larger type), not the margin a detector leaves."""
    x0, y0, x1, y1 = line.box
    rows = np.flatnonzero(ink[y0:y1, x0:x1].any(axis=1))
    if rows.size == 0:
        return line
    return Line(line.text, (x0, y0 + int(rows[0]), x1, y0 + int(rows[-1]) + 1), line.confidence, line.chars)


@dataclass
class PageScan:
    """A reading placed on a page: ``scale`` points per pixel, the image's top-left corner at ``origin``
    (points; a picture inside a PDF page), ``image`` naming the picture where a document holds several."""

    number: int
    reading: Reading
    scale: float
    origin: tuple[float, float] = (0.0, 0.0)
    image: str | None = None
    _centres: np.ndarray = field(init=False, repr=False)
    _confidences: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        centres, confidences = [], []
        for glyph, confidence in self._glyphs():
            centres.append(((glyph.x0 + glyph.x1) / 2, (glyph.y0 + glyph.y1) / 2))
            confidences.append(confidence)
        self._centres = np.array(centres, dtype=np.float64).reshape(-1, 2)
        self._confidences = np.array(confidences, dtype=np.float64)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Where the image lies on the page (points)."""
        x, y = self.origin
        return (x, y, x + self.reading.width * self.scale, y + self.reading.height * self.scale)

    def glyphs(self) -> list[Glyph]:
        return [glyph for glyph, _ in self._glyphs()]

    def _glyphs(self) -> Iterable[tuple[Glyph, float]]:
        s, (ox, oy) = self.scale, self.origin
        for line in self.reading.lines:
            y0, y1 = oy + line.box[1] * s, oy + line.box[3] * s
            space = False
            for char in line.chars:
                if char.text.isspace():
                    space = True
                    continue
                text = " " + char.text if space else char.text
                yield Glyph(text, ox + char.x0 * s, y0, ox + char.x1 * s, y1), char.confidence
                space = False

    def rules(self) -> list[Rule]:
        s, (ox, oy) = self.scale, self.origin
        rules: list[Rule] = []
        for x0, y0, x1, y1 in self.reading.strokes:
            rules.extend(rules_from_box(ox + x0 * s, oy + y0 * s, ox + x1 * s, oy + y1 * s))
        return rules

    def content(self, width: float | None = None, height: float | None = None) -> PageContent:
        _, _, right, bottom = self.box
        return PageContent(self.number, width or right, height or bottom, self.glyphs(), self.rules())

    def covers(self, bbox: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = self.box
        cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
        return x0 <= cx <= x1 and y0 <= cy <= y1

    def mark(self, location: Location) -> None:
        """Engine, confidence (the least sure character inside) and box in the image's pixels, on a location."""
        if location.bbox is None:
            return
        x0, y0, x1, y1 = location.bbox
        location.engine = self.reading.engine
        location.image = self.image
        centres = self._centres
        inside = (centres[:, 0] >= x0) & (centres[:, 0] <= x1) & (centres[:, 1] >= y0) & (centres[:, 1] <= y1)
        location.confidence = round(float(self._confidences[inside].min()), 4) if inside.any() else None
        ox, oy = self.origin
        pixels = ((x0 - ox) / self.scale, (y0 - oy) / self.scale, (x1 - ox) / self.scale, (y1 - oy) / self.scale)
        location.image_box = unrotate_box(pixels, self.reading.angle, self.reading.width, self.reading.height)


def page_scale(raster: Raster, reading: Reading) -> float:
    """Points per pixel: from the image's resolution, else from its text size (taken as body text)."""
    if raster.dpi:
        return 72.0 / raster.dpi
    return BODY_TEXT_POINTS / max(reading.text_size, 1.0)


def annotate(blocks: list[Block], scans: Mapping[int, list[PageScan]], log: FindingsLog | None = None) -> None:
    """Mark every paragraph and table cell that lies on a scanned image with what read it; then a cell of an
    image's table that reads as neither number, mark nor label is left blank (``log``: a finding naming it)."""
    if not scans:
        return

    def mark(location: Location) -> None:
        if location.page is None or location.bbox is None:
            return
        for scan in scans.get(location.page, ()):
            if scan.covers(location.bbox):
                scan.mark(location)
                return

    for block in blocks:
        if isinstance(block, Paragraph):
            mark(block.location)
        elif isinstance(block, Table):
            for row in block.rows:
                for index, cell in enumerate(row):
                    mark(cell.location)
                    if cell.location.engine:
                        _tidy(cell, log, last=index == len(row) - 1)


_CHINESE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")
_NUMBER = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?%?|\d+(\.\d+)?%?")
_MARKS = frozenset("/-—－–\\")  # a blank printed as a mark ('/', '—', '-'): the parser reads them
_GLUED = re.compile(r"(?P<label>.*[\u2e80-\u9fff\uf900-\ufaff）)”])(?P<speck>[.:：;；'·]?\d[.:：;；'·]?)")
_SPECK_ENDS = "-－–—_:;：；'\"`.,，。·!！?？ "


def _tidy(cell: Cell, log: FindingsLog | None, *, last: bool) -> None:
    """A cell of an image's table holds a number, a mark or a label (Chinese). What is none of them was made by
    specks: a number with a speck read at either end ('8-', '：0') is the number; anything else ('U', '1i1o',
    '96171.6 1') is left blank, its reading in a finding — never guessed at, and never taken for a label, which
    would push the row's numbers into the wrong columns. A label with one digit read right after it, in a cell
    that others follow (its numbers are theirs, across a rule), loses it ('行政事业性收费0')."""
    text = cell.text.strip()
    if not last and (glued := _GLUED.fullmatch(text)):
        cell.text = glued["label"]
        if log is not None:
            log.warning(
                "ocr.unreadable",
                f"a table label read by OCR as '{text}' ends with '{glued['speck']}', which is no label's; "
                "left out (the row's numbers are in its other cells)",
                cell.location,
                printed=text,
            )
        return
    if not text or _CHINESE.search(text) or text in _MARKS or _NUMBER.fullmatch(text):
        return
    if not any(char.isdigit() for char in text) and len(text) > 2:
        return  # a word (a Latin name, an address) is no speck's work
    stripped = text.strip(_SPECK_ENDS)
    if _NUMBER.fullmatch(stripped):
        cell.text = stripped
        return
    cell.text = ""
    if log is not None:
        log.warning(
            "ocr.unreadable",
            f"a table cell read by OCR as '{text}' is no number; left blank",
            cell.location,
            printed=text,
        )


def log_read(log: FindingsLog, scan: PageScan, where: str, what: str = "") -> None:
    """The info finding every OCR'd page or picture gets: engine, confidence, skew."""
    reading = scan.reading
    confidence = reading.confidence
    subject = what or f"page {scan.number}"
    log.info(
        "ocr.read",
        f"{subject} read by OCR ({reading.engine}): {len(reading.lines)} text lines"
        + (f", mean confidence {confidence:.2f}" if confidence is not None else "")
        + (f", straightened by {reading.angle:+.2f}°" if reading.angle else ""),
        where,
        page=scan.number,
        engine=reading.engine,
        version=reading.version,
        lines=len(reading.lines),
        confidence=round(confidence, 4) if confidence is not None else None,
        angle=reading.angle,
        **({"image": scan.image} if scan.image else {}),
    )


def log_unavailable(log: FindingsLog, error: Exception, where: str, what: str) -> None:
    log.warning(
        "ocr.unavailable",
        f"{what} is an image and OCR cannot run here ({error}); nothing on it is read",
        where,
        reason=str(error),
    )
