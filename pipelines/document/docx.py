"""DOCX → Document, read from word/document.xml directly, streamed (one paragraph or table in memory at a time).

python-docx repeats a merged cell in every grid position it covers; the document model wants it printed once with
its span. So the body is walked here: w:p → Paragraph, w:tbl → Table, w:gridSpan → colspan, a w:vMerge
continuation → one more row of span for the cell above. Text of text boxes is read once (mc:Fallback holds a
copy of mc:Choice). The zip is opened with limits and the XML without entity expansion (zipsafe). A picture in
the body (a table pasted as an image, a scanned page) is read by OCR where it stands (pipelines/document/ocr).
"""

from __future__ import annotations

import posixpath

from lxml import etree

from pipelines.document import sniff
from pipelines.document.errors import UnreadableDocument
from pipelines.document.layout import join_lines
from pipelines.document.limits import MAX_XML_ELEMENTS, Budget
from pipelines.document.model import Block, Cell, Document, Location, Paragraph, Table, number_tables
from pipelines.document.ocr.engine import EngineUnavailable
from pipelines.document.zipsafe import SafeZip
from pipelines.findings import Finding, FindingsLog

MEDIA_TYPE = sniff.DOCX
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC = f"{{{W}}}p", f"{{{W}}}tbl", f"{{{W}}}tr", f"{{{W}}}tc"
_BODY = f"{{{W}}}body"
SMALL_PART_BYTES = 4 * 1024 * 1024
"""Document properties and the like: kilobytes in any real file."""
_T, _TAB, _BR, _CR = f"{{{W}}}t", f"{{{W}}}tab", f"{{{W}}}br", f"{{{W}}}cr"
_VAL = f"{{{W}}}val"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PICTURES = (
    ("{http://schemas.openxmlformats.org/drawingml/2006/main}blip", f"{{{_R}}}embed"),
    ("{urn:schemas-microsoft-com:vml}imagedata", f"{{{_R}}}id"),
)


def read(
    data: bytes, source: str, sha256: str, declared_encoding: str | None = None, media_type: str = MEDIA_TYPE
) -> Document:
    archive = SafeZip(data, source)
    document = Document(source=source, sha256=sha256, media_type=media_type)
    pictures = _Pictures(archive, source, document.findings)
    document.blocks = _stream_blocks(archive, Budget(source), pictures)
    document.title = _core_title(archive)
    return document


class _Pictures:
    """The body's pictures by relationship id, each read by OCR on first sight."""

    def __init__(self, archive: SafeZip, source: str, findings: list[Finding]) -> None:
        self.archive, self.source, self.findings = archive, source, findings
        self.log = FindingsLog(source, "document", findings)
        self.targets: dict[str, str] = {}
        self.unavailable = False
        if archive.has("word/_rels/document.xml.rels"):
            for relation in archive.xml("word/_rels/document.xml.rels").iter(f"{{{_RELATIONSHIPS}}}Relationship"):
                target = relation.get("Target", "")
                if relation.get("TargetMode") != "External" and relation.get("Type", "").endswith("/image"):
                    self.targets[relation.get("Id", "")] = posixpath.normpath(posixpath.join("word", target))

    def blocks(self, paragraph: etree._Element) -> list[Block]:
        found: list[Block] = []
        for tag, attribute in _PICTURES:
            for element in paragraph.iter(tag):
                if _inside(element, _MC_FALLBACK):  # the same picture again, for older readers
                    continue
                name = self.targets.get(element.get(attribute, ""))
                if name and self.archive.has(name) and not self.unavailable:
                    found.extend(self._read(name))
        return found

    def _read(self, name: str) -> list[Block]:
        from pipelines.document.ocr.picture import read_picture  # OCR's libraries load only for a picture
        from pipelines.document.ocr.scan import log_unavailable

        try:
            picture = read_picture(self.archive.read(name), self.source, name)
        except EngineUnavailable as error:
            self.unavailable = True
            log_unavailable(self.log, error, self.source, f"picture {name}")
            return []
        except UnreadableDocument as error:
            self.log.info(
                "ocr.picture_unreadable",
                f"picture {name} is not a raster image OCR can read ({error.reason}); not read",
                self.source,
                image=name,
            )
            return []
        self.findings.extend(picture.findings)
        return picture.blocks


def _core_title(archive: SafeZip) -> str | None:
    if not archive.has("docProps/core.xml"):
        return None
    core = archive.xml("docProps/core.xml", max_bytes=SMALL_PART_BYTES)
    title = core.find("{http://purl.org/dc/elements/1.1/}title")
    return title.text.strip() if title is not None and title.text and title.text.strip() else None


def _stream_blocks(archive: SafeZip, budget: Budget, pictures: _Pictures) -> list[Block]:
    """The body's paragraphs and tables, each read when its end tag arrives and then dropped from the tree, so
    memory holds one block's XML at a time (the whole part once took 20× its size). A block is a paragraph or table
    outside any other (one inside a table is read with the table); a paragraph's pictures follow it, read by OCR."""
    blocks: list[Block] = []
    line = [0]
    alive = 0
    body_seen = False
    for event, element in archive.iterparse("word/document.xml", events=("start", "end")):
        if event == "start":
            alive += 1
            if alive > MAX_XML_ELEMENTS:
                budget.refuse(f"more than {MAX_XML_ELEMENTS:,} XML elements in one paragraph or table")
            body_seen = body_seen or element.tag == _BODY
            continue
        if element.tag not in (_P, _TBL) or not _outermost(element):
            continue
        before = len(blocks)
        if element.tag == _P:
            _read_paragraph(element, blocks, line, pictures)
        else:
            _read_table(element, blocks, line, pictures)
        for block in blocks[before:]:
            _count(budget, block)
        alive -= int(element.xpath("count(descendant-or-self::*)"))
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]
    if not body_seen:
        raise UnreadableDocument(archive.source, "word/document.xml has no body")
    number_tables(blocks)
    return blocks


def _outermost(element: etree._Element) -> bool:
    """Not inside another paragraph or table, nor inside mc:Fallback (a copy of mc:Choice)."""
    parent = element.getparent()
    while parent is not None:
        if parent.tag in (_P, _TBL, _MC_FALLBACK):
            return False
        parent = parent.getparent()
    return True


def _count(budget: Budget, block: Block) -> None:
    if isinstance(block, Paragraph):
        budget.paragraph(block.text)
    else:
        for row in block.rows:
            budget.row(len(row), sum(len(cell.text) for cell in row))


def _read_table(table: etree._Element, blocks: list[Block], line: list[int], pictures: _Pictures) -> None:
    """A data table, or a table holding tables (layout), read through cell by cell."""
    if table.find(f".//{{{W}}}tc//{{{W}}}tbl") is not None:
        for cell in table.iter(_TC):
            if cell.getparent().getparent() is table:
                _walk(cell, blocks, line, pictures)
    else:
        blocks.append(_table(table, sum(isinstance(b, Table) for b in blocks)))


def _read_paragraph(paragraph: etree._Element, blocks: list[Block], line: list[int], pictures: _Pictures) -> None:
    """A paragraph's text (when it has any) on its line, then its pictures, read by OCR."""
    text = _paragraph_text(paragraph)
    if text.strip():
        blocks.append(Paragraph(text, Location(line=line[0])))
    blocks.extend(pictures.blocks(paragraph))
    line[0] += 1


def _walk(element: etree._Element, blocks: list[Block], line: list[int], pictures: _Pictures) -> None:
    """Paragraphs, tables and pictures in document order; a table holding tables is layout and is read through."""
    for child in element:
        if child.tag == _P:
            _read_paragraph(child, blocks, line, pictures)
        elif child.tag == _TBL:
            _read_table(child, blocks, line, pictures)
        elif child.tag != _MC_FALLBACK and isinstance(child.tag, str):
            _walk(child, blocks, line, pictures)


def _inside(element: etree._Element, tag: str) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _paragraph_text(paragraph: etree._Element) -> str:
    parts = []
    for node in paragraph.iter(_T, _TAB, _BR, _CR):
        if _inside(node, _MC_FALLBACK):
            continue
        if node.tag == _T:
            parts.append(node.text or "")
        elif node.tag == _TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _table(table: etree._Element, index: int) -> Table:
    """Rows of cells printed once; a vMerge continuation extends the span of the cell above it."""
    rows: list[list[Cell]] = []
    open_cells: dict[int, Cell] = {}
    for tr in table.iterchildren(_TR):
        row: list[Cell] = []
        col = _int(tr.find(f"{{{W}}}trPr/{{{W}}}gridBefore"), 0)
        for tc in tr.iterchildren(_TC):
            properties = tc.find(f"{{{W}}}tcPr")
            span = _int(properties.find(f"{{{W}}}gridSpan") if properties is not None else None, 1)
            merge = properties.find(f"{{{W}}}vMerge") if properties is not None else None
            if merge is not None and merge.get(_VAL, "continue") == "continue" and col in open_cells:
                open_cells[col].rowspan += 1
                col += span
                continue
            text = join_lines(_paragraph_text(p) for p in tc.iter(_P))
            cell = Cell(text, Location(table=index, row=len(rows), col=col), colspan=span)
            row.append(cell)
            for covered in range(col, col + span):
                open_cells.pop(covered, None)
            if merge is not None:
                open_cells[col] = cell
            col += span
        rows.append(row)
    return Table(rows=rows, index=index, location=Location(table=index))


def _int(element: etree._Element | None, default: int) -> int:
    if element is None:
        return default
    try:
        return max(1, int(element.get(_VAL, default))) if default else max(0, int(element.get(_VAL, default)))
    except ValueError:
        return default
