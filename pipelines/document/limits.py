"""How much of one document the readers will read: the limits within which any document is read in ≤ 300 MB.

A report is a few pages — a few hundred paragraphs and table cells, tens of thousands of characters. A file far
beyond that is not a report (or is a hostile one: 155 KB of DOCX can inflate to 60 MB of XML, and a tree of that
took 1.2 GB), so every reader stops at these limits with an UnreadableDocument naming the file and the limit: one
such file affects only itself, and no file makes a build run out of memory. ``benchmarks/memory.py`` measures the
peak of each reader at these limits.

The limits are hundreds of times what a report holds (the largest in shared/corpus: 413 KB, 171 paragraphs and
rows, 371 table cells, 3,300 characters).
"""

from __future__ import annotations

import re
from itertools import islice

from pipelines.document.errors import UnreadableDocument

MAX_BYTES = {
    "text": 8 * 1024 * 1024,
    "html": 24 * 1024 * 1024,  # Word's HTML export of a report with its pictures inlined runs to megabytes
    "office": 64 * 1024 * 1024,  # DOC / RTF: converted by LibreOffice in its own process
    "xls": 16 * 1024 * 1024,  # xlrd holds the whole workbook
    "pdf": 200 * 1024 * 1024,  # PDFium reads a page at a time; the page count bounds the work
    "zip": 200 * 1024 * 1024,  # DOCX / XLSX / OFD: zipsafe bounds what is inflated
    "image": 64 * 1024 * 1024,  # a scanned report's pages; Pillow's pixel limit bounds what is decoded
}
"""Input size per kind of format (the crawler downloads up to 200 MB)."""
MAX_PAGES = 400
MAX_BLOCKS = 100_000
"""Paragraphs and table rows of one document."""
MAX_CELLS = 200_000
"""Table cells of one document (a spreadsheet's cells, blank ones included)."""
MAX_CHARACTERS = 8_000_000
MAX_GLYPHS_PER_PAGE = 100_000
"""Characters placed on one PDF or OFD page (a dense A4 page holds about 5,000)."""
MAX_RULES_PER_PAGE = 100_000
"""Drawn line segments on one page (a ruled table of 300 cells has about 700)."""
MAX_XML_ELEMENTS = 1_000_000
"""XML elements held at once while streaming one part (a DOCX paragraph or table being read): about 130 MB."""


class Budget:
    """What one document has used of the limits; each reader counts as it goes and stops at the first excess."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.blocks = 0
        self.cells = 0
        self.characters = 0

    def paragraph(self, text: str) -> None:
        self.blocks += 1
        self.characters += len(text)
        self._check()

    def row(self, cells: int = 0, characters: int = 0) -> None:
        self.blocks += 1
        self.cells += cells
        self.characters += characters
        self._check()

    def _check(self) -> None:
        if self.blocks > MAX_BLOCKS:
            self.refuse(f"more than {MAX_BLOCKS:,} paragraphs and table rows")
        if self.cells > MAX_CELLS:
            self.refuse(f"more than {MAX_CELLS:,} table cells")
        if self.characters > MAX_CHARACTERS:
            self.refuse(f"more than {MAX_CHARACTERS:,} characters of text")

    def refuse(self, what: str) -> None:
        raise UnreadableDocument(self.source, f"{what}: far beyond any report (a hostile or mistaken file?); not read")


_TABLE_CELL = re.compile(rb"<t[dh][\s>/]", re.I)


def check_size(data: bytes, kind: str, source: str) -> None:
    """Refuse input larger than its format's limit before any reading; for text and HTML, also input with more
    lines or table cells than the limits (counted on the bytes, before a tree or a cell object is made)."""
    limit = MAX_BYTES[kind]
    if len(data) > limit:
        raise UnreadableDocument(
            source, f"{len(data):,} bytes, more than the {limit:,} a {kind} report can be; not read"
        )
    if kind == "text" and data.count(b"\n") > MAX_BLOCKS:
        Budget(source).refuse(f"more than {MAX_BLOCKS:,} lines")
    if kind == "html" and next(islice(_TABLE_CELL.finditer(data), MAX_CELLS, None), None) is not None:
        Budget(source).refuse(f"more than {MAX_CELLS:,} table cells")
