"""OFD (GB/T 33190, China's fixed-layout format) → Document: text objects become glyphs, path objects rules, and
the PDF table builder (layout) makes the tables.

An OFD is a zip of XML: OFD.xml → DocBody/DocRoot (Document.xml) → Pages/Page@BaseLoc (Content.xml). A
TextObject has a Boundary (x y w h, millimetres), a Size, an optional CTM, and TextCodes whose X/Y place the first
glyph and whose DeltaX ('g N d' repeats d N times) step to the next. A PathObject draws AbbreviatedData
(M/L/B/Q/A/C commands) relative to its Boundary. Coordinates become points so the builder's tolerances hold.
"""

from __future__ import annotations

import posixpath
import re

from lxml import etree

from pipelines.document import layout, sniff
from pipelines.document.errors import UnreadableDocument
from pipelines.document.layout import Glyph, PageContent, Rule
from pipelines.document.limits import MAX_GLYPHS_PER_PAGE, MAX_PAGES, MAX_RULES_PER_PAGE, MAX_XML_ELEMENTS
from pipelines.document.model import Document
from pipelines.document.zipsafe import SafeZip

MEDIA_TYPE = sniff.OFD
SMALL_PART_BYTES = 4 * 1024 * 1024
"""OFD.xml and Document.xml: kilobytes in any real file (the pages, streamed, carry the content)."""
_POINTS_PER_MM = 72 / 25.4
_ASCENT, _DESCENT = 0.85, 0.15  # share of the font size above and below the baseline
_ARGUMENTS = {"M": 2, "S": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}


def read(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    archive = SafeZip(data, source)
    root = archive.xml("OFD.xml", max_bytes=SMALL_PART_BYTES)
    doc_root = _first_text(root, "DocRoot")
    if not doc_root:
        raise UnreadableDocument(source, "OFD.xml names no DocRoot")
    document_path = _resolve("", doc_root)
    document_xml = archive.xml(document_path, max_bytes=SMALL_PART_BYTES)
    default_box = _box(_first_text(document_xml, "PhysicalBox"))
    pages: list[PageContent] = []
    for number, page in enumerate(_children(document_xml, "Page"), start=1):
        if number > MAX_PAGES:
            raise UnreadableDocument(source, f"more than {MAX_PAGES} pages")
        location = page.get("BaseLoc")
        if not location:
            continue
        pages.append(_stream_page(archive, _resolve(document_path, location), number, default_box))
    result = Document(source=source, sha256=sha256, media_type=MEDIA_TYPE)
    result.blocks = layout.build_blocks(pages, result.findings, source)
    result.title = _first_text(root, "Title") or (layout.title(pages[0]) if pages else None)
    return result


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(root: etree._Element, name: str) -> list[etree._Element]:
    return [element for element in root.iter() if _local(element) == name]


def _first_text(root: etree._Element, name: str) -> str | None:
    for element in root.iter():
        if _local(element) == name and element.text and element.text.strip():
            return element.text.strip()
    return None


def _resolve(base_file: str, location: str) -> str:
    """A BaseLoc is relative to the folder of the file naming it, or absolute from the package root."""
    location = location.strip().replace("\\", "/")
    if location.startswith("/"):
        return posixpath.normpath(location.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_file), location))


def _numbers(text: str | None) -> list[float]:
    if not text:
        return []
    try:
        return [float(value) for value in text.split()]
    except ValueError:
        return []


def _box(text: str | None) -> tuple[float, float, float, float] | None:
    values = _numbers(text)
    return (values[0], values[1], values[2], values[3]) if len(values) == 4 else None


def _deltas(text: str | None) -> list[float]:
    """DeltaX/DeltaY: numbers, where 'g N d' stands for N times d."""
    if not text:
        return []
    tokens = text.split()
    values: list[float] = []
    index = 0
    try:
        while index < len(tokens):
            if tokens[index] == "g" and index + 2 < len(tokens):
                values.extend([float(tokens[index + 2])] * int(tokens[index + 1]))
                index += 3
            else:
                values.append(float(tokens[index]))
                index += 1
    except ValueError:
        return values
    return values


def _stream_page(
    archive: SafeZip, part: str, number: int, default_box: tuple[float, float, float, float] | None
) -> PageContent:
    """A page's text and path objects, each read when it ends and then dropped, so a page's XML is never held
    whole; a page past the limits of glyphs, rules or XML elements is refused."""
    glyphs: list[Glyph] = []
    rules: list[Rule] = []
    box = None
    alive = 0
    for event, element in archive.iterparse(part, events=("start", "end")):
        if event == "start":
            alive += 1
            if alive > MAX_XML_ELEMENTS:
                raise UnreadableDocument(archive.source, f"page {number}: more than {MAX_XML_ELEMENTS:,} XML elements")
            continue
        name = _local(element)
        if name == "TextObject":
            glyphs.extend(_text_glyphs(element))
        elif name == "PathObject" and element.get("Stroke", "true").lower() != "false":
            rules.extend(_path_rules(element))
        elif name == "PhysicalBox" and box is None:
            box = _box(element.text)
            continue
        else:
            continue
        if len(glyphs) > MAX_GLYPHS_PER_PAGE or len(rules) > MAX_RULES_PER_PAGE:
            raise UnreadableDocument(archive.source, f"page {number}: more than {MAX_GLYPHS_PER_PAGE:,} characters"
                                                     f" or {MAX_RULES_PER_PAGE:,} lines drawn")
        alive -= int(element.xpath("count(descendant-or-self::*)"))
        element.clear(keep_tail=False)
        while element.getprevious() is not None:  # the cleared shells of earlier objects
            del element.getparent()[0]
    box = box or default_box or (0.0, 0.0, 210.0, 297.0)
    return PageContent(number, box[2] * _POINTS_PER_MM, box[3] * _POINTS_PER_MM, glyphs, rules)


def _ctm(element: etree._Element) -> tuple[float, ...]:
    values = _numbers(element.get("CTM"))
    return tuple(values) if len(values) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _text_glyphs(element: etree._Element) -> list[Glyph]:
    bounds = _box(element.get("Boundary"))
    if bounds is None:
        return []
    a, b, c, d, e, f = _ctm(element)
    size = (_numbers(element.get("Size")) or [3.5])[0] * abs(d or 1.0)
    glyphs = []
    x = y = 0.0
    space = False  # as in the PDF reader: a space rides on the next glyph
    for code in element:
        if _local(code) != "TextCode" or not code.text:
            continue
        x = _numbers(code.get("X"))[0] if code.get("X") else x
        y = _numbers(code.get("Y"))[0] if code.get("Y") else y
        deltas = _deltas(code.get("DeltaX"))
        for index, char in enumerate(code.text):
            step = deltas[index] if index < len(deltas) else None
            px, py = a * x + c * y + e, b * x + d * y + f
            if char.isspace():
                space = True
            else:
                width = step if step else size * (1.0 if ord(char) > 0x2E7F else 0.5)
                left, baseline = (bounds[0] + px) * _POINTS_PER_MM, (bounds[1] + py) * _POINTS_PER_MM
                scaled = size * _POINTS_PER_MM
                text = " " + char if space else char
                glyphs.append(
                    Glyph(text, left, baseline - _ASCENT * scaled, left + width * _POINTS_PER_MM,
                          baseline + _DESCENT * scaled)
                )  # fmt: skip
                space = False
            x += step if step is not None else size * (1.0 if ord(char) > 0x2E7F else 0.5)
    return glyphs


def _path_rules(element: etree._Element) -> list[Rule]:
    bounds = _box(element.get("Boundary"))
    data = next((child.text for child in element if _local(child) == "AbbreviatedData"), None)
    if bounds is None or not data:
        return []
    a, b, c, d, e, f = _ctm(element)
    tokens = re.findall(r"[A-Za-z]|-?\d*\.?\d+(?:[eE][-+]?\d+)?", data)
    segments = []
    start = current = None
    index = 0
    while index < len(tokens):
        command = tokens[index].upper()
        count = _ARGUMENTS.get(command)
        if count is None:
            index += 1
            continue
        try:
            values = [float(value) for value in tokens[index + 1 : index + 1 + count]]
        except ValueError:
            break
        index += 1 + count
        if command == "C":
            if current is not None and start is not None:
                segments.append((*current, *start))
            current = start
            continue
        if len(values) < count:
            break
        px, py = values[-2], values[-1]
        point = (
            (bounds[0] + a * px + c * py + e) * _POINTS_PER_MM,
            (bounds[1] + b * px + d * py + f) * _POINTS_PER_MM,
        )
        if command in ("M", "S"):
            start = current = point
            continue
        if command == "L" and current is not None:
            segments.append((*current, *point))
        current = point
    return layout.rules_from_segments(segments)
