"""Plain text (and Markdown) → Document: one row of cells per printed line.

Reports reach us as text in several shapes, all handled here: tab-separated rows (a merged label printed once
leaves empty leading cells), Markdown tables, space-separated rows ('规章 0 0 0'), and one cell per line, where a
row is a paragraph whose lines each start with a tab and a line without the tab continues the cell above
(seed 004). Lines of one cell become paragraphs; the parser reads paragraphs and rows as one stream, so labels
wrapped over lines with their numbers on the next line are joined there, not here.
"""

from __future__ import annotations

import re

from pipelines.document.decode import decode
from pipelines.document.model import Block, Cell, Document, Location, Paragraph, Table

_MARKDOWN_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_CELL_PER_LINE = re.compile(r"^\t[^\t]*$")
_VALUE_TOKEN = re.compile(r"^(?:[+\-]?[\d,，]+(?:\.\d+)?[%％元]?|[/／\-—–－]+|无|不适用)$")


def read(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    text, _ = decode(data, source, declared_encoding)
    return Document(
        source=source,
        sha256=sha256,
        media_type="text/markdown" if _looks_markdown(text) else "text/plain",
        blocks=list(_blocks(text.splitlines())),
    )


def _looks_markdown(text: str) -> bool:
    return any(_MARKDOWN_RULE.match(line) and "|" in line for line in text.splitlines()[:2000])


def _blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    rows: list[list[Cell]] = []

    def flush() -> None:
        if rows:
            blocks.append(Table(rows=list(rows), index=len([b for b in blocks if isinstance(b, Table)])))
            rows.clear()

    for number, cells in _rows(lines):
        if len(cells) == 1:
            flush()
            blocks.append(Paragraph(cells[0].text, Location(line=number)))
        else:
            rows.append(cells)
    flush()
    for index, table in enumerate(b for b in blocks if isinstance(b, Table)):
        table.index = index
        table.location = Location(table=index, line=table.rows[0][0].location.line)
    return blocks


def _rows(lines: list[str]):
    """Yield (line number, cells) for every printed row, 1-based line numbers."""
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip() and not line.startswith("\t"):
            index += 1
            continue
        if _CELL_PER_LINE.match(line):
            start, cells, index = index, *_cell_per_line(lines, index)
            if len(cells) > 1 or cells[0].strip():
                yield start + 1, [Cell(text, Location(line=start + 1, col=col)) for col, text in enumerate(cells)]
            continue
        split = _split(line)
        if split is not None and any(cell.strip() for cell in split):
            yield index + 1, [Cell(text, Location(line=index + 1, col=col)) for col, text in enumerate(split)]
        index += 1


def _cell_per_line(lines: list[str], index: int) -> tuple[list[str], int]:
    """Read one paragraph of tab-led lines as one row: each tab-led line opens a cell, other lines continue it."""
    cells: list[str] = []
    while index < len(lines):
        line = lines[index]
        if _CELL_PER_LINE.match(line):
            cells.append(line[1:])
        elif line.strip() and cells and "\t" not in line:
            cells[-1] += "\n" + line
        else:
            break
        index += 1
    return cells, index


def _split(line: str) -> list[str] | None:
    """Cells of one line; None for a Markdown rule line."""
    stripped = line.strip()
    if stripped.startswith("|"):
        if _MARKDOWN_RULE.match(stripped):
            return None
        inner = stripped[1:-1] if stripped.endswith("|") and len(stripped) > 1 else stripped[1:]
        return [cell.strip() for cell in inner.split("|")]
    if "\t" in line:
        return line.rstrip("\r\n").split("\t")
    tokens = line.split()
    if len(tokens) > 1 and any(_VALUE_TOKEN.match(token) for token in tokens):
        return tokens
    return [stripped]
