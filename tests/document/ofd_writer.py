"""Write an OFD (GB/T 33190-2016) from a Document's paragraphs and tables, for the OFD reader's tests.

No real OFD report could be found, so the tests lay a seed's tables out the way OFD producers do: A4 pages in
millimetres, one TextObject per text line (TextCode with X, Y and DeltaX), every cell's border as a PathObject
rectangle. Lines of a cell that do not fit on a page continue in the same cell on the next page, as in real
reports ('（四）无' at the foot of one page, '法提供' at the top of the next).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from pipelines.document.model import Document, Paragraph, Table

NS = "http://www.ofdspec.org/2016"
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 20.0
SIZE = 3.5  # font size, mm
LINE = 5.0  # line height, mm
PAD = 1.0


def _width(char: str) -> float:
    return SIZE if ord(char) > 0x2E7F else SIZE * 0.5


def _wrap(text: str, width: float) -> list[str]:
    lines, current, used = [], "", 0.0
    for char in text.replace("\n", ""):
        if current and used + _width(char) > width:
            lines.append(current)
            current, used = "", 0.0
        current += char
        used += _width(char)
    if current:
        lines.append(current)
    return lines or [""]


@dataclass
class _Placed:
    text: str
    row: int
    col: int
    rowspan: int
    colspan: int


class _Pages:
    """Pages as lists of XML objects; y is the next free line, a new page opens when it runs out."""

    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self.y = MARGIN
        self.next_id = 100

    def new_page(self) -> None:
        self.pages.append([])
        self.y = MARGIN

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def text(self, x: float, y: float, line: str) -> None:
        if not line:
            return
        deltas = " ".join(f"{_width(char):g}" for char in line[:-1])
        width = sum(_width(char) for char in line)
        self.pages[-1].append(
            f'<ofd:TextObject ID="{self._id()}" Boundary="{x:.2f} {y:.2f} {width:.2f} {LINE:.2f}" Font="2" '
            f'Size="{SIZE}"><ofd:TextCode X="0" Y="{SIZE:.2f}" DeltaX="{deltas}">{escape(line)}</ofd:TextCode>'
            f"</ofd:TextObject>"
        )

    def box(self, x: float, y: float, w: float, h: float) -> None:
        self.pages[-1].append(
            f'<ofd:PathObject ID="{self._id()}" Boundary="{x:.2f} {y:.2f} {w:.2f} {h:.2f}" LineWidth="0.25">'
            f"<ofd:AbbreviatedData>M 0 0 L {w:.2f} 0 L {w:.2f} {h:.2f} L 0 {h:.2f} C</ofd:AbbreviatedData>"
            f"</ofd:PathObject>"
        )


def _grid(table: Table) -> tuple[list[_Placed], int, int]:
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append(_Placed(cell.text, r, c, cell.rowspan, cell.colspan))
            taken.update((r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan))
            c += cell.colspan
    ncols = max((c + 1 for _, c in taken), default=0)
    return placed, len(table.rows), ncols


def _column_widths(placed: list[_Placed], ncols: int) -> list[float]:
    need = [8.0] * ncols
    for cell in placed:
        if cell.colspan == 1:
            need[cell.col] = max(need[cell.col], min(60.0, sum(_width(ch) for ch in cell.text) + 2 * PAD))
    scale = (PAGE_W - 2 * MARGIN) / sum(need)
    return [width * scale for width in need]


def _table(pages: _Pages, table: Table) -> None:
    placed, nrows, ncols = _grid(table)
    widths = _column_widths(placed, ncols)
    lefts = [MARGIN + sum(widths[:c]) for c in range(ncols + 1)]
    lines = {id(cell): _wrap(cell.text, lefts[cell.col + cell.colspan] - lefts[cell.col] - 2 * PAD) for cell in placed}
    heights = [LINE + 2 * PAD] * nrows
    for cell in sorted(placed, key=lambda c: c.rowspan):
        need = len(lines[id(cell)]) * LINE + 2 * PAD
        have = sum(heights[cell.row : cell.row + cell.rowspan])
        if need > have:
            heights[cell.row + cell.rowspan - 1] += need - have
    bottom = PAGE_H - MARGIN
    # Row tops per page: a row that does not fit starts a new page.
    tops: list[tuple[int, float]] = []
    for r in range(nrows):
        if pages.y + heights[r] > bottom and pages.y > MARGIN:
            tops.append((-1, 0.0))
            pages.y = MARGIN
        tops.append((r, pages.y))
        pages.y += heights[r]
    page_of: dict[int, int] = {}
    page = 0
    for r, _ in tops:
        if r == -1:
            page += 1
        else:
            page_of[r] = page
    first_page = len(pages.pages) - 1
    page_count = page + 1
    for _ in range(page_count - 1):
        pages.pages.append([])
    row_top = {r: top for r, top in tops if r >= 0}
    for cell in placed:
        x, w = lefts[cell.col], lefts[cell.col + cell.colspan] - lefts[cell.col]
        cell_lines = list(lines[id(cell)])
        last = cell.row + cell.rowspan - 1
        r = cell.row
        while r <= last:  # one segment per page the cell spans
            page = page_of[r]
            end = r
            while end + 1 <= last and page_of[end + 1] == page:
                end += 1
            top = row_top[r]
            height = row_top[end] + heights[end] - top
            target = pages.pages[first_page + page]
            saved = pages.pages
            pages.pages = [target]
            pages.box(x, top, w, height)
            fit = max(0, int((height - 2 * PAD) // LINE)) if end < last else len(cell_lines)
            for index, line in enumerate(cell_lines[:fit]):
                pages.text(x + PAD, top + PAD + index * LINE, line)
            cell_lines = cell_lines[fit:]
            pages.pages = saved
            r = end + 1
    pages.y = row_top[nrows - 1] + heights[nrows - 1] + LINE if nrows else pages.y


def write_ofd(document: Document) -> bytes:
    pages = _Pages()
    for block in document.blocks:
        if isinstance(block, Paragraph):
            for line in _wrap(block.text.strip(), PAGE_W - 2 * MARGIN):
                if pages.y + LINE > PAGE_H - MARGIN:
                    pages.new_page()
                pages.text(MARGIN, pages.y, line)
                pages.y += LINE
        elif block.rows:
            _table(pages, block)
    return _package(pages.pages, document.title or "")


def _package(pages: list[list[str]], title: str) -> bytes:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    ofd = (
        f'{head}<ofd:OFD xmlns:ofd="{NS}" Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        f"<ofd:DocID>govreports-test</ofd:DocID><ofd:Title>{escape(title)}</ofd:Title></ofd:DocInfo>"
        f"<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    page_list = "".join(
        f'<ofd:Page ID="{index + 1}" BaseLoc={quoteattr(f"Pages/Page_{index}/Content.xml")}/>'
        for index in range(len(pages))
    )
    document = (
        f'{head}<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>{100000}</ofd:MaxUnitID>'
        f"<ofd:PageArea><ofd:PhysicalBox>0 0 {PAGE_W:g} {PAGE_H:g}</ofd:PhysicalBox></ofd:PageArea>"
        f"<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>{page_list}</ofd:Pages>"
        f"</ofd:Document>"
    )
    resources = (
        f'{head}<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
        f'<ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", ofd)
        archive.writestr("Doc_0/Document.xml", document)
        archive.writestr("Doc_0/PublicRes.xml", resources)
        for index, objects in enumerate(pages):
            content = (
                f'{head}<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="{index + 1}">'
                f"{''.join(objects)}</ofd:Layer></ofd:Content></ofd:Page>"
            )
            archive.writestr(f"Doc_0/Pages/Page_{index}/Content.xml", content)
    return buffer.getvalue()
