"""PDF → Document: characters with their boxes and the drawn rules, handed to the shared table builder.

Library: pypdfium2 (PDFium, Apache-2.0/BSD). It gives every character with its box and every path with its
segments, which is all the table builder needs, in a few ms a page. pdfplumber (MIT, pdfminer in pure Python)
reads the same cells (benchmarks/pdf_speed.py compares them) but its extract_tables() alone costs 6-12× our
whole PDF → report; PyMuPDF is as fast but AGPL, which the product path cannot take. Correctness comes from the
table builder, not from the library.

Pages that cannot give numbers say so instead: a page with images and no text layer ('tables are images on page
N'), a page whose fonts map to no Unicode (private-use or '(cid:NNN)' garbage). Their text is never read, so no
number and no zero comes from them.
"""

from __future__ import annotations

import ctypes
import re

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from pipelines.document import layout, sniff
from pipelines.document.errors import UnreadableDocument
from pipelines.document.layout import Glyph, PageContent, Rule
from pipelines.document.limits import MAX_GLYPHS_PER_PAGE, MAX_PAGES, MAX_RULES_PER_PAGE
from pipelines.document.model import Document
from pipelines.findings import FindingsLog

MEDIA_TYPE = sniff.PDF
_CID = re.compile(r"\(cid:\d+\)")
_IMAGE_SHARE = 0.3  # an image covering this share of a page with text may hide a table
_FEW_GLYPHS = 20  # a scan with no more text than a page number or a stamp has no text layer to speak of
_GARBAGE_SHARE = 0.2  # this share of unmappable characters makes a page's text untrustworthy

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
        for index in range(count):
            page = pdf[index]
            try:
                pages.append(_page(page, index + 1, log))
            finally:
                page.close()
        document.blocks = layout.build_blocks(pages, document.findings, source)
        document.title = (layout.title(pages[0]) if pages else None) or _metadata_title(pdf)
    finally:
        pdf.close()
    return document


def _metadata_title(pdf: pdfium.PdfDocument) -> str | None:
    title = pdf.get_metadata_dict().get("Title", "").strip()
    return title or None


def _page(page: pdfium.PdfPage, number: int, log: FindingsLog) -> PageContent:
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
    images: list[tuple[float, float, float, float]] = []
    _walk(page, height, rules, images)
    if len(rules) > MAX_RULES_PER_PAGE:
        raise UnreadableDocument(log.source, f"page {number} draws more than {MAX_RULES_PER_PAGE:,} lines")
    text = "".join(glyph.text for glyph in glyphs)
    cid = len(_CID.findall(text))
    area = width * height
    # Large images with (almost) no text over them: a table pasted as a picture. An OCR'd scan has its text
    # layer over the image and is read like any page.
    bare = sum(
        (x1 - x0) * (y1 - y0)
        for x0, y0, x1, y1 in images
        if (x1 - x0) * (y1 - y0) >= _IMAGE_SHARE / 2 * area
        and sum(1 for g in glyphs if x0 <= (g.x0 + g.x1) / 2 <= x1 and y0 <= (g.y0 + g.y1) / 2 <= y1) < _FEW_GLYPHS
    )
    where = f"{log.source}, page {number}"
    if (garbage and garbage >= _GARBAGE_SHARE * (len(glyphs) + garbage)) or cid >= 3:
        log.warning(
            "document.broken_font",
            f"page {number}: the text layer does not map to characters (broken font encoding); not read",
            where,
            page=number,
            unmapped=garbage,
            cid=cid,
        )
        glyphs = []
    elif images and (not glyphs or (bare >= _IMAGE_SHARE * area and len(glyphs) < _FEW_GLYPHS)):
        log.warning(
            "document.image_page",
            f"tables are images on page {number}: the page is an image without a text layer; nothing on it is read",
            where,
            page=number,
        )
    elif bare >= _IMAGE_SHARE * area:
        log.warning(
            "document.image_page",
            f"page {number}: an image covers {bare / area:.0%} of the page; a table in it is not read",
            where,
            page=number,
            image_share=round(bare / area, 2),
        )
    return PageContent(number, width, height, glyphs, rules)


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


def _walk(page: pdfium.PdfPage, height: float, rules: list[Rule], images: list[tuple[float, float, float, float]]):
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
            images.append((x0, y0, x1, y1))
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
