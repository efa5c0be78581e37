"""Spreadsheets (XLSX with openpyxl, XLS with xlrd) → Document: a sheet's rows in order, merged ranges printed once.

A cell is kept as the text a reader sees: integers without '.0', decimals as stored (96171.6), blanks empty
(blank is not zero), lines inside a cell joined. Rows with nothing in them are dropped. A row whose only text is
one cell spanning the sheet's width, or a long sentence, is a paragraph (a title, a heading or narrative typed
into the sheet); the rows between paragraphs make a table, as a printed sheet would show them.
"""

from __future__ import annotations

import io
import warnings
from datetime import date, datetime
from typing import Any

from pipelines.document import sniff
from pipelines.document.errors import UnreadableDocument
from pipelines.document.layout import join_lines
from pipelines.document.limits import MAX_CELLS
from pipelines.document.model import Block, Cell, Document, Location, Paragraph, Table
from pipelines.document.zipsafe import SafeZip

XLSX_MEDIA_TYPE = sniff.XLSX
XLS_MEDIA_TYPE = sniff.XLS
WHOLE_PART_BYTES = 16 * 1024 * 1024
"""Parts openpyxl reads whole (shared strings, styles, the workbook): a report's are kilobytes."""
STREAMED_PARTS = ("xl/worksheets/", "xl/media/", "docProps/thumbnail")
SHEET_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOCUMENT_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"

Grid = list[list[object]]
Merge = tuple[int, int, int, int]  # first row, first col, last row, last col (0-based, inclusive)


def read(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    """XLSX in openpyxl's read-only mode: rows are streamed from the sheet's XML, and a sheet is refused by the
    size its dimension declares before a row is read (then by the cells actually met, should the dimension lie).
    The zip's declared sizes are checked first: every part openpyxl reads whole (strings, styles) is small, and
    the sheets, streamed, are bounded by zipsafe. openpyxl parses its XML with defusedxml, which is installed."""
    import openpyxl

    archive = SafeZip(data, source)
    archive.read("xl/workbook.xml", max_bytes=WHOLE_PART_BYTES)
    for name, size in archive.sizes().items():
        if size > WHOLE_PART_BYTES and not name.startswith(STREAMED_PARTS):
            raise UnreadableDocument(source, f"part {name} inflates to {size:,} bytes: not a report's workbook")
    parts = _sheet_parts(archive)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises anything from KeyError to its own errors on a broken file
        raise UnreadableDocument(source, f"unreadable XLSX workbook: {error}") from error
    try:
        sheets = [_read_sheet(sheet, archive, parts.get(sheet.title)) for sheet in book.worksheets]
        title = book.properties.title if book.properties and book.properties.title else None
    except UnreadableDocument:
        raise
    except Exception as error:  # a sheet openpyxl cannot stream (broken XML, bad cell types)
        raise UnreadableDocument(source, f"unreadable XLSX sheet: {error}") from error
    finally:
        book.close()
    return _document(source, sha256, XLSX_MEDIA_TYPE, sheets, title)


def _read_sheet(sheet: Any, archive: SafeZip, part: str | None) -> tuple[Grid, list[Merge]]:
    declared = (sheet.max_row or 0) * (sheet.max_column or 0)
    if declared > MAX_CELLS:
        raise UnreadableDocument(archive.source, f"sheet {sheet.title!r} declares {declared:,} cells, more than "
                                                 f"the {MAX_CELLS:,} a report's table can have")
    sheet.reset_dimensions()  # rows as stored: a dimension that lies small must not cut them short
    grid: Grid = []
    cells = 0
    for row in sheet.iter_rows(values_only=True):
        cells += len(row)
        if cells > MAX_CELLS:
            raise UnreadableDocument(archive.source, f"sheet {sheet.title!r} has more than {MAX_CELLS:,} cells")
        grid.append(list(row))
    return grid, _merges(archive, part) if part else []


def _sheet_parts(archive: SafeZip) -> dict[str, str]:
    """Sheet name → its part in the zip, from the workbook and its relationships."""
    if not archive.has("xl/_rels/workbook.xml.rels"):
        return {}
    relations = archive.xml("xl/_rels/workbook.xml.rels", max_bytes=WHOLE_PART_BYTES)
    relationship = f"{{{PACKAGE_RELATIONSHIPS}}}Relationship"
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations.iter(relationship)}
    workbook = archive.xml("xl/workbook.xml", max_bytes=WHOLE_PART_BYTES)
    parts = {}
    for sheet in workbook.iter(f"{{{SHEET_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{DOCUMENT_RELATIONSHIPS}}}id"), "")
        if target:
            parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _merges(archive: SafeZip, part: str) -> list[Merge]:
    """The sheet's merged ranges, streamed from its XML (read-only mode does not read them)."""
    from openpyxl.utils.cell import range_boundaries

    merges: list[Merge] = []
    if not archive.has(part):
        return merges
    for _, element in archive.iterparse(part, tag=f"{{{SHEET_MAIN}}}mergeCell"):
        try:
            min_col, min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
        except (TypeError, ValueError):
            continue
        element.clear(keep_tail=False)
        if None not in (min_col, min_row, max_col, max_row):
            merges.append((min_row - 1, min_col - 1, max_row - 1, max_col - 1))
        if len(merges) > MAX_CELLS:
            raise UnreadableDocument(archive.source, f"sheet part {part} has more than {MAX_CELLS:,} merged ranges")
    return merges


def read_xls(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as error:  # xlrd raises XLRDError, CompDocError, struct errors … on a broken file
        raise UnreadableDocument(source, f"unreadable XLS workbook: {error}") from error
    sheets: list[tuple[Grid, list[Merge]]] = []
    try:
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except Exception as error:
                raise UnreadableDocument(source, f"unreadable XLS sheet {index + 1}: {error}") from error
            if sheet.nrows * sheet.ncols > MAX_CELLS:
                raise UnreadableDocument(source, f"sheet {sheet.name!r} has more than {MAX_CELLS:,} cells")
            grid: Grid = []
            for r in range(sheet.nrows):
                row: list[object] = []
                for c in range(sheet.ncols):
                    cell = sheet.cell(r, c)
                    row.append(None if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) else cell.value)
                grid.append(row)
            merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
            sheets.append((grid, merges))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return _document(source, sha256, XLS_MEDIA_TYPE, sheets, None)


def _document(source: str, sha256: str, media_type: str, sheets: list[tuple[Grid, list[Merge]]], title: str | None):
    document = Document(source=source, sha256=sha256, media_type=media_type, title=title)
    for grid, merges in sheets:
        document.blocks.extend(_blocks(grid, merges, document.blocks))
    return document


def _blocks(grid: Grid, merges: list[Merge], before: list[Block]) -> list[Block]:
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    sheet_width = max((len(values) for values in grid), default=0)
    for r0, c0, r1, c1 in merges:
        r1, c1 = min(r1, len(grid) - 1), min(c1, sheet_width - 1)  # a range past the sheet covers only the sheet
        if r0 > r1 or c0 > c1:
            continue
        spans[r0, c0] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    blocks: list[Block] = []
    pending: list[list[Cell]] = []
    tables = sum(isinstance(block, Table) for block in before)

    def flush() -> None:
        nonlocal tables
        if pending:
            blocks.append(Table(rows=list(pending), index=tables, location=Location(table=tables)))
            tables += 1
            pending.clear()

    for r, values in enumerate(grid):
        width = max((c + 1 for c, value in enumerate(values) if _text(value)), default=0)
        if not width:
            continue
        width = max([width] + [c + spans[r, c][1] for c in range(len(values)) if (r, c) in spans])
        row = []
        for c in range(width):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            value = values[c] if c < len(values) else None
            row.append(Cell(_text(value), Location(table=tables, row=r, col=c), rowspan=rowspan, colspan=colspan))
        filled = [cell for cell in row if cell.text]
        lone = len(filled) == 1 and filled[0].rowspan == 1
        if lone and ((filled[0].location.col or 0) + filled[0].colspan >= sheet_width or len(filled[0].text) > 40):
            flush()
            blocks.append(Paragraph(filled[0].text, Location(line=r)))
            continue
        pending.append(row)
    flush()
    return blocks


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return join_lines(str(value).splitlines())
