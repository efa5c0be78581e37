"""Hostile documents, made on demand: each reader's inputs at and past its limits (pipelines/document/limits.py),
including issue 15's own (a 155 KB DOCX of 60 MB of XML, a 5.6 MB XLSX of a million cells). The fault tests read
them; benchmarks/memory.py measures the peak memory of reading each."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

MB = 1024 * 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(body: bytes) -> bytes:
    document = f'<w:document xmlns:w="{W}"><w:body>'.encode() + body + b"</w:body></w:document>"
    return zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": document})


def docx_60mb_of_xml() -> bytes:
    """Issue 15: 155 KB of DOCX, 60 MB of XML (1.76 million one-digit paragraphs)."""
    paragraph = b"<w:p><w:r><w:t>1</w:t></w:r></w:p>"
    return docx(paragraph * (60_000_000 // len(paragraph)))


def docx_one_huge_paragraph() -> bytes:
    """One paragraph of 5.4 million empty runs: no block limit helps, only the XML element limit."""
    return docx(b"<w:p>" + b"<w:r></w:r>" * 5_400_000 + b"</w:p>")


def docx_within_limits() -> bytes:
    """90,000 paragraphs of 40 characters and a 3,000-cell table: just inside every limit."""
    text = "本年度共收到政府信息公开申请一百二十件，全部按期答复办结完毕。".encode()
    paragraph = b"<w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p>"
    cell = b"<w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc>"
    table = b"<w:tbl>" + (b"<w:tr>" + cell * 10 + b"</w:tr>") * 300 + b"</w:tbl>"
    return docx(paragraph * 90_000 + table)


def sheet(rows: int, cols: int, dimension: str | None = None) -> bytes:
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c + 1) for c in range(cols)]
    parts = ['<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
             f'<dimension ref="{dimension or f"A1:{letters[-1]}{rows}"}"/><sheetData>']
    for r in range(1, rows + 1):
        parts.append(f'<row r="{r}">' + "".join(f'<c r="{letters[c]}{r}"><v>{r * c}</v></c>' for c in range(cols))
                     + "</row>")
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode()


def xlsx(sheet: bytes) -> bytes:
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return zipped({
        "[Content_Types].xml": (
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (f'<?xml version="1.0"?><Relationships xmlns="{package}"><Relationship Id="rId1" '
                        f'Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                            f'2006/main" xmlns:r="{office}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
                            '</sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (f'<?xml version="1.0"?><Relationships xmlns="{package}"><Relationship '
                                       f'Id="rId1" Type="{office}/worksheet" Target="worksheets/sheet1.xml"/>'
                                       "</Relationships>").encode(),
        "xl/worksheets/sheet1.xml": sheet,
    })


def xlsx_million_cells() -> bytes:
    """Issue 15: a 5.6 MB XLSX of a million cells, its dimension declaring them."""
    return xlsx(sheet(50_000, 20))


def xlsx_million_cells_lying_dimension() -> bytes:
    """The same cells behind a dimension that claims one cell."""
    return xlsx(sheet(50_000, 20, dimension="A1:A1"))


def xlsx_within_limits() -> bytes:
    """190,000 cells: just inside the cell limit."""
    return xlsx(sheet(19_000, 10))


def html_24mb_of_text() -> bytes:
    """A page at the HTML size limit, all paragraphs."""
    text = "<p>" + "本年度共收到政府信息公开申请，全部按期答复。" * 20 + "</p>\n"
    return ("<html><head><meta charset='utf-8'></head><body>" + text * (24 * MB // len(text.encode()) - 1)
            + "</body></html>").encode()


def html_199000_cells() -> bytes:
    """A page with a table just inside the cell limit."""
    rows = "".join("<tr>" + "".join(f"<td>{r * c}</td>" for c in range(10)) + "</tr>" for r in range(19_900))
    return f"<html><head><meta charset='utf-8'></head><body><table>{rows}</table></body></html>".encode()


def html_million_cells() -> bytes:
    """A page of a million table cells (refused by counting them in the bytes)."""
    rows = "<tr>" + "<td>1</td>" * 10 + "</tr>"
    return f"<html><body><table>{rows * 100_000}</table></body></html>".encode()


def mht_16mb() -> bytes:
    """A Word 'single file web page' wrapping 16 MB of HTML in base64 (22 MB: inside the HTML size limit)."""
    import base64

    html = html_24mb_of_text()[: 16 * MB] + b"</body></html>"
    return (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n"
            b"Content-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(html) + b"\r\n--b--\r\n")


def text_8mb() -> bytes:
    """A text file at the text size limit (80,000 lines of table rows)."""
    line = "本年度共收到政府信息公开申请 12 件，全部按期答复，其中依申请公开 8 件。\t12\t0\t3\t5\t7\t9\n"
    return (line * (8 * MB // len(line.encode()) - 1)).encode()


def pdf_400_pages() -> bytes:
    """400 pages (the page limit), each a ruled table of 30 rows by 6 columns."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for number in range(400):
        for row in range(30):
            y = 780 - row * 24
            for col in range(6):
                x = 40 + col * 85
                page.rect(x, y, 85, 24)
                page.drawString(x + 4, y + 8, f"{number * row + col}")
        page.showPage()
    page.save()
    return buffer.getvalue()


def ofd_100000_glyphs() -> bytes:
    """One OFD page with 100,000 characters placed (the per-page limit), in 10,000 text objects."""
    ns = "http://www.ofdspec.org/2016"
    objects = "".join(
        f'<ofd:TextObject ID="{i}" Boundary="10 {10 + i % 250} 190 5" Size="3.5"><ofd:TextCode X="0" Y="3" '
        f'DeltaX="g 9 3.5">一二三四五六七八九十</ofd:TextCode></ofd:TextObject>' for i in range(10_000)
    )
    content = (f'<ofd:Page xmlns:ofd="{ns}"><ofd:Content><ofd:Layer ID="1">{objects}</ofd:Layer></ofd:Content>'
               "</ofd:Page>")
    return zipped({
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{ns}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
                   "</ofd:DocBody></ofd:OFD>".encode(),
        "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{ns}"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>'
                              "0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page "
                              'ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>'.encode(),
        "Doc_0/Pages/Page_0/Content.xml": content.encode(),
    })


CASES: dict[str, Callable[[], bytes]] = {
    "docx-60mb-of-xml": docx_60mb_of_xml,
    "docx-one-huge-paragraph": docx_one_huge_paragraph,
    "docx-within-limits": docx_within_limits,
    "xlsx-million-cells": xlsx_million_cells,
    "xlsx-million-cells-lying-dimension": xlsx_million_cells_lying_dimension,
    "xlsx-within-limits": xlsx_within_limits,
    "html-24mb-of-text": html_24mb_of_text,
    "html-199000-cells": html_199000_cells,
    "html-million-cells": html_million_cells,
    "mht-16mb": mht_16mb,
    "text-8mb": text_8mb,
    "pdf-400-pages": pdf_400_pages,
    "ofd-100000-glyphs": ofd_100000_glyphs,
}
