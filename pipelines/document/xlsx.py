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

from pipelines.document import sniff
from pipelines.document.errors import UnreadableDocument
from pipelines.document.layout import join_lines
from pipelines.document.model import Block, Cell, Document, Location, Paragraph, Table
from pipelines.document.zipsafe import SafeZip

XLSX_MEDIA_TYPE = sniff.XLSX
XLS_MEDIA_TYPE = sniff.XLS
MAX_CELLS = 200_000

Grid = list[list[object]]
Merge = tuple[int, int, int, int]  # first row, first col, last row, last col (0-based, inclusive)


def read(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    """XLSX: the zip's declared sizes are checked first (openpyxl would inflate whatever it is given); openpyxl
    parses its XML with defusedxml, which is installed."""
    import openpyxl

    SafeZip(data, source).read("xl/workbook.xml")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises anything from KeyError to its own errors on a broken file
        raise UnreadableDocument(source, f"unreadable XLSX workbook: {error}") from error
    sheets: list[tuple[Grid, list[Merge]]] = []
    for sheet in book.worksheets:
        if (sheet.max_row or 0) * (sheet.max_column or 0) > MAX_CELLS:
            raise UnreadableDocument(source, f"sheet {sheet.title!r} has more than {MAX_CELLS} cells")
        grid = [list(row) for row in sheet.iter_rows(values_only=True)]
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in sheet.merged_cells.ranges]
        sheets.append((grid, merges))
    title = book.properties.title if book.properties and book.properties.title else None
    return _document(source, sha256, XLSX_MEDIA_TYPE, sheets, title)


def read_xls(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    except Exception as error:  # xlrd raises XLRDError, CompDocError, struct errors … on a broken file
        raise UnreadableDocument(source, f"unreadable XLS workbook: {error}") from error
    sheets: list[tuple[Grid, list[Merge]]] = []
    for sheet in book.sheets():
        if sheet.nrows * sheet.ncols > MAX_CELLS:
            raise UnreadableDocument(source, f"sheet {sheet.name!r} has more than {MAX_CELLS} cells")
        grid: Grid = []
        for r in range(sheet.nrows):
            row: list[object] = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                row.append(None if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) else cell.value)
            grid.append(row)
        merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
        sheets.append((grid, merges))
    return _document(source, sha256, XLS_MEDIA_TYPE, sheets, None)


def _document(source: str, sha256: str, media_type: str, sheets: list[tuple[Grid, list[Merge]]], title: str | None):
    document = Document(source=source, sha256=sha256, media_type=media_type, title=title)
    for grid, merges in sheets:
        document.blocks.extend(_blocks(grid, merges, document.blocks))
    return document


def _blocks(grid: Grid, merges: list[Merge], before: list[Block]) -> list[Block]:
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in merges:
        spans[r0, c0] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    sheet_width = max((len(values) for values in grid), default=0)
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
