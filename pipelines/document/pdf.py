"""PDF → Document: characters with their boxes and the drawn rules, handed to the shared table builder.

Library: pypdfium2 (PDFium, Apache-2.0/BSD). It gives every character with its box and every path with its
segments, which is all the table builder needs, in a few ms a page. pdfplumber (MIT, pdfminer in pure Python)
reads the same cells (benchmarks/pdf_speed.py compares them) but its extract_tables() alone costs 6-12× our
whole PDF → report; PyMuPDF is as fast but AGPL, which the product path cannot take. Correctness comes from the
table builder, not from the library.

Pages without a usable text layer are read by OCR (pipelines/document/ocr): a scanned page (images and no text
layer), a page whose fonts map to no Unicode (private-use or '(cid:NNN)' garbage: the page is rendered, so the
glyphs' shapes are read, not their broken codes), and a table pasted as a picture beside the page's text (the
picture's region only, its glyphs and rules joined to the page's own). Their text layer is never read, so no
number and no zero comes from it. The page is rendered at the scan's own resolution (200–300 dpi). Where OCR
cannot run, such a page says so in a finding and gives nothing.
"""

from __future__ import annotations

import ctypes
import re
from typing import TYPE_CHECKING, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from pipelines.document import layout, sniff
from pipelines.document.errors import UnreadableDocument
from pipelines.document.layout import Glyph, PageContent, Rule
from pipelines.document.limits import MAX_GLYPHS_PER_PAGE, MAX_PAGES, MAX_RULES_PER_PAGE
from pipelines.document.model import Document
from pipelines.document.ocr.engine import Engine, EngineUnavailable, load_engine
from pipelines.findings import FindingsLog

if TYPE_CHECKING:  # OCR's libraries (OpenCV, the engine) load only when a page needs them
    from pipelines.document.ocr.scan import PageScan

MEDIA_TYPE = sniff.PDF
_CID = re.compile(r"\(cid:\d+\)")
_IMAGE_SHARE = 0.3  # images covering this share of a page with (almost) no text make the page a scan
_PICTURE_SHARE = 0.05  # a picture covering this share of a page, with no text over it, may be a table
_FEW_GLYPHS = 20  # a scan with no more text than a page number or a stamp has no text layer to speak of
_GARBAGE_SHARE = 0.2  # this share of unmappable characters makes a page's text untrustworthy
_OCR_DPI = (200.0, 300.0)  # a page is rendered for OCR at its scan's resolution, within these bounds

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MAX_FORM_DEPTH = 16  # forms inside forms: a real page nests two or three; a hostile one, without end


def read(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    """Read a PDF; raise UnreadableDocument when PDFium cannot open it (corrupt, encrypted)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise UnreadableDocument(source, f"not a readable PDF: {error}") from error
    document = Document(source=source, sha256=sha256, media_type=MEDIA_TYPE)
    log = FindingsLog(source, "document", document.findings)
    try:
        count = len(pdf)
        if count > MAX_PAGES:
            raise UnreadableDocument(source, f"{count} pages, more than the {MAX_PAGES} a report can have")
        pages = []
        scans: dict[int, list[PageScan]] = {}
        for index in range(count):
            page = pdf[index]
            try:
                pages.append(_page(page, index + 1, log, scans))
            finally:
                page.close()
        document.blocks = layout.build_blocks(pages, document.findings, source)
        if scans:
            from pipelines.document.ocr.scan import annotate

            annotate(document.blocks, scans, log)
        document.title = (layout.title(pages[0]) if pages else None) or _metadata_title(pdf)
    finally:
        pdf.close()
    return document


def _metadata_title(pdf: pdfium.PdfDocument) -> str | None:
    title = pdf.get_metadata_dict().get("Title", "").strip()
    return title or None


def _page(page: pdfium.PdfPage, number: int, log: FindingsLog, scans: dict[int, list[PageScan]]) -> PageContent:
    width, height = page.get_size()
    objects = raw.FPDFPage_CountObjects(page.raw)
    if objects > MAX_RULES_PER_PAGE:
        raise UnreadableDocument(
            log.source, f"page {number} draws {objects:,} objects, more than {MAX_RULES_PER_PAGE:,}"
        )
    textpage = page.get_textpage()
    try:
        characters = raw.FPDFText_CountChars(textpage.raw)
        if characters > MAX_GLYPHS_PER_PAGE:
            raise UnreadableDocument(
                log.source, f"page {number} has {characters:,} characters, more than {MAX_GLYPHS_PER_PAGE:,}"
            )
        glyphs, garbage = _glyphs(textpage, height)
    finally:
        textpage.close()
    rules: list[Rule] = []
    images: list[_Image] = []
    _walk(page, height, rules, images)
    if len(rules) > MAX_RULES_PER_PAGE:
        raise UnreadableDocument(log.source, f"page {number} draws more than {MAX_RULES_PER_PAGE:,} lines")
    text = "".join(glyph.text for glyph in glyphs)
    cid = len(_CID.findall(text))
    area = width * height
    # Large images with (almost) no text over them: a table pasted as a picture. An OCR'd scan has its text
    # layer over the image and is read like any page.
    bare = [
        image
        for image in images
        if image.area >= _PICTURE_SHARE * area
        and sum(
            1 for g in glyphs if image.x0 <= (g.x0 + g.x1) / 2 <= image.x1 and image.y0 <= (g.y0 + g.y1) / 2 <= image.y1
        )
        < _FEW_GLYPHS
    ]
    bare_area = sum(image.area for image in bare)
    where = f"{log.source}, page {number}"
    if (garbage and garbage >= _GARBAGE_SHARE * (len(glyphs) + garbage)) or cid >= 3:
        reason = "the text layer does not map to characters (broken font encoding)"
        scan = _scan(page, number, None, _dpi(images, None), log, where, reason)
        read = f"not read ({scan})" if isinstance(scan, str) else "read by OCR from the rendered page"
        log.warning(
            "document.broken_font", f"page {number}: {reason}; {read}", where, page=number, unmapped=garbage, cid=cid
        )
        if isinstance(scan, str):
            return PageContent(number, width, height, [], rules)
        scans[number] = [scan]
        return scan.content(width, height)
    if images and (not glyphs or (bare_area >= _IMAGE_SHARE * area and len(glyphs) < _FEW_GLYPHS)):
        reason = "the page is an image without a text layer"
        scan = _scan(page, number, None, _dpi(images, None), log, where, reason)
        if isinstance(scan, str):
            log.warning(
                "document.image_page",
                f"tables are images on page {number}: {reason}; nothing on it is read ({scan})",
                where,
                page=number,
            )
            return PageContent(number, width, height, glyphs, rules)
        scans[number] = [scan]
        return scan.content(width, height)
    if bare:
        reason = f"an image covers {bare_area / area:.0%} of the page"
        pictures = []
        for image in bare:
            scan = _scan(page, number, image, _dpi(images, image), log, where, reason)
            if isinstance(scan, str):
                log.warning(
                    "document.image_page",
                    f"page {number}: {reason}; a table in it is not read ({scan})",
                    where,
                    page=number,
                    image_share=round(bare_area / area, 2),
                )
                break
            pictures.append(scan)
            glyphs = [g for g in glyphs if not scan.covers((g.x0, g.y0, g.x1, g.y1))]
            glyphs.extend(scan.glyphs())
            rules.extend(scan.rules())
        if pictures:
            scans[number] = pictures
    return PageContent(number, width, height, glyphs, rules)


class _Image(NamedTuple):
    """An image placed on the page (points, top-down) and its own size in pixels."""

    x0: float
    y0: float
    x1: float
    y1: float
    pixels_wide: int

    @property
    def area(self) -> float:
        return (self.x1 - self.x0) * (self.y1 - self.y0)


def _dpi(images: list[_Image], image: _Image | None) -> float:
    """The resolution to render at for OCR: the scan's own (its pixels over its printed width), within bounds."""
    chosen = [image] if image else sorted(images, key=lambda i: i.area, reverse=True)[:1]
    if not chosen or chosen[0].x1 <= chosen[0].x0 or chosen[0].pixels_wide <= 0:
        return _OCR_DPI[0]
    dpi = chosen[0].pixels_wide / ((chosen[0].x1 - chosen[0].x0) / 72)
    return min(_OCR_DPI[1], max(_OCR_DPI[0], dpi))


def _scan(
    page: pdfium.PdfPage,
    number: int,
    image: _Image | None,
    dpi: float,
    log: FindingsLog,
    where: str,
    reason: str,
) -> PageScan | str:
    """The page (or one picture on it) rendered and read by OCR; why not where OCR cannot run."""
    try:
        engine: Engine = load_engine()
    except EngineUnavailable as error:
        return f"OCR cannot run: {error}"
    from pipelines.document.ocr.raster import Raster
    from pipelines.document.ocr.scan import PageScan, log_read, read_raster

    width, height = page.get_size()
    scale = dpi / 72
    crop = (0.0, 0.0, 0.0, 0.0) if image is None else (image.x0, height - image.y1, width - image.x1, image.y0)
    pixels = page.render(scale=scale, rev_byteorder=True, crop=crop).to_numpy()
    reading = read_raster(Raster(pixels, dpi), engine=engine)
    origin = (0.0, 0.0) if image is None else (image.x0, image.y0)
    scan = PageScan(number, reading, 72 / dpi, origin)
    log_read(log, scan, where, f"page {number} ({reason})")
    return scan


def _glyphs(textpage: pdfium.PdfTextPage, height: float) -> tuple[list[Glyph], int]:
    """Printed characters with their font boxes (top-down), and how many map to no character (private use,
    U+FFFD, unmapped codes). The text comes in one call; only printable characters cost a box call. Spaces
    have no box of their own: a glyph after one carries it (' 7'), so '72 64' never reads '7264'."""
    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    if count <= 0:
        return [], 0
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    raw.FPDFText_GetText(handle, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: 2 * count].decode("utf-16-le", errors="replace")
    if len(text) != count:  # characters outside the BMP: ask one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, index)) for index in range(count))
    box = raw.FS_RECTF()
    loose_box = raw.FPDFText_GetLooseCharBox
    glyphs = []
    garbage = 0
    space = False  # a space (printed, or one PDFium infers from a word gap) before the next glyph
    for index, char in enumerate(text):
        if char.isspace() or char <= " " or char == "\ufeff":
            space = True
            continue
        if "\ue000" <= char <= "\uf8ff" or char == "\ufffd" or raw.FPDFText_HasUnicodeMapError(handle, index) == 1:
            garbage += 1
            continue
        if not loose_box(handle, index, box) or box.right <= box.left or box.top <= box.bottom:
            continue
        glyphs.append(Glyph(" " + char if space else char, box.left, height - box.top, box.right, height - box.bottom))
        space = False
    return glyphs, garbage


def _walk(page: pdfium.PdfPage, height: float, rules: list[Rule], images: list[_Image]):
    """Collect the page's rules and image boxes (top-down)."""
    handle = page.raw
    get_object, get_type, text = raw.FPDFPage_GetObject, raw.FPDFPageObj_GetType, raw.FPDF_PAGEOBJ_TEXT
    objects = []
    for index in range(raw.FPDFPage_CountObjects(handle)):
        obj = get_object(handle, index)
        if get_type(obj) != text:
            objects.append(obj)
    _objects(objects, _IDENTITY, height, rules, images)


def _objects(objects: list, outer: Matrix, height: float, rules: list[Rule], images: list, depth: int = 0) -> None:
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    for obj in objects:
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            inner = _compose(_matrix(obj), outer)
            count = raw.FPDFFormObj_CountObjects(obj)
            if depth < MAX_FORM_DEPTH and count <= MAX_RULES_PER_PAGE:
                children = [raw.FPDFFormObj_GetObject(obj, index) for index in range(count)]
                _objects(children, inner, height, rules, images, depth + 1)
            continue
        if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE):
            continue
        if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, y0 = _apply(outer, left.value, bottom.value)
        x1, y1 = _apply(outer, right.value, top.value)
        x0, x1, y0, y1 = min(x0, x1), max(x0, x1), height - max(y0, y1), height - min(y0, y1)
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            wide, high = ctypes.c_uint(), ctypes.c_uint()
            if not raw.FPDFImageObj_GetImagePixelSize(obj, wide, high):
                wide.value = 0
            images.append(_Image(x0, y0, x1, y1, int(wide.value)))
            continue
        thin = layout.rules_from_box(x0, y0, x1, y1)
        if thin:
            rules.extend(thin)
            continue
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        raw.FPDFPath_GetDrawMode(obj, fill, stroke)
        if stroke.value:
            rules.extend(layout.rules_from_segments(_segments(obj, _compose(_matrix(obj), outer), height)))


def _segments(obj, matrix: Matrix, height: float) -> list[tuple[float, float, float, float]]:
    """Straight segments of a stroked path in page coordinates (top-down); curves are skipped."""
    x, y = ctypes.c_float(), ctypes.c_float()
    segments = []
    start = current = None
    for index in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, index)
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        px, py = _apply(matrix, x.value, y.value)
        point = (px, height - py)
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = current = point
        else:
            if kind == raw.FPDF_SEGMENT_LINETO and current is not None:
                segments.append((*current, *point))
            current = point
        if raw.FPDFPathSegment_GetClose(segment) and start is not None and current is not None:
            segments.append((*current, *start))
            current = start
    return segments


def _matrix(obj) -> Matrix:
    matrix = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, matrix):
        return _IDENTITY
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f
