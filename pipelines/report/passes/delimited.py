"""Passes for tables printed with their cells delimited in the text: comma-separated lines pasted into a page,
Markdown tables whose line breaks were lost."""

from __future__ import annotations

import re

from pipelines.document.model import Cell
from pipelines.report.cells import read_cell
from pipelines.report.passes.digits import sub_cell
from pipelines.report.stream import Row, Shape, split_cells

_RULE = re.compile(r"[-:\s]+")
_DASHES = re.compile(r"[-—–－~_]+")
_PAGE = re.compile(r"\d{1,4}")
_PAGE_FOOTER = re.compile(r"\s*[-—–－~_]+\s*\d{1,4}\s*[-—–－~_]+\s*(?=\S)")


def delimited_cells(rows: list[Row], shape: Shape) -> list[Row]:
    """A line of comma-separated cells (a spreadsheet exported as CSV and pasted in) is cut into its cells: where a
    one-cell line's last comma-separated fields are two or more numbers (or blanks) after its label.

    A field with a leading zero is no exported number: the commas are thousands separators in digits run together
    ('1,0010001,001…'), not a spreadsheet's.
    """
    out = []
    for row in rows:
        if len(row.cells) != 1 or row.text.count(",") < 2 or "。" in row.text:
            out.append(row)
            continue
        cell = row.cells[0]
        fields = cell.text.split(",")
        kinds = [read_cell(field).kind for field in fields]
        last_text = max((i for i, kind in enumerate(kinds) if kind == "text"), default=-1)
        tail = kinds[last_text + 1 :]
        padded = any(len(field.strip()) > 1 and field.strip()[0] == "0" for field in fields[last_text + 1 :])
        if not tail.count("number") or len(tail) < 2 or padded:
            out.append(row)
            continue
        label_end = sum(len(field) + 1 for field in fields[: last_text + 1]) - 1 if last_text >= 0 else 0
        values, at = [], label_end + 1 if last_text >= 0 else 0
        for field in fields[last_text + 1 :]:
            values.append(sub_cell(cell, at, at + len(field)))
            at += len(field) + 1
        label = [sub_cell(cell, 0, label_end)] if label_end > 0 else []
        out.append(Row(label, values, part=row.part))
        shape.changed(f"'{cell.text[:30]}' cut at its commas")
    return out


_PIPES = 4  # pipes a line prints before it is read as a Markdown table's rows run into one line


def piped_cells(rows: list[Row], shape: Shape) -> list[Row]:
    """A Markdown table whose line breaks were lost is cut into cells at its pipes.

    ('| 规章 | 0 | 0 | 0 || 行政规范性文件 | 13 | 0 | 55 |', or with no spaces at all): a pipe ends a cell, a rule
    ('---') is no cell. Nothing between two pipes is no cell either: a blank cell ('| 34 |  |') and two rows' ends
    ('| 0 | | 二、…') print alike once the line breaks are gone, so blanks are placed by the sums, as in any dump.
    Only in plain text (a Markdown document's tables are read as tables), and only in a line that prints numbers
    between its pipes.
    """
    if shape.media_type != "text/plain":
        return rows
    out = []
    for row in rows:
        if sum(cell.text.count("|") for cell in row.cells) < _PIPES:
            out.append(row)
            continue
        cells: list[Cell] = []
        for cell in row.cells:
            at = 0
            for piece in cell.text.split("|"):
                end = at + len(piece)
                footer = _PAGE_FOOTER.match(piece)  # a page's footer left between two tables' halves
                start = at + (footer.end() if footer else 0)
                text = cell.text[start:end].strip()
                if text and not _RULE.fullmatch(text):
                    cells.append(sub_cell(cell, start, end) if text != cell.text else cell)
                at = end + 1
        cells = _without_footers(cells)
        numbers = sum(1 for c in cells if read_cell(c.text).kind == "number")
        if numbers < 2:
            out.append(row)
            continue
        label, values = split_cells(cells)
        out.append(Row(label, values, part=row.part))
        shape.changed(f"'{row.text[:30]}' cut at its pipes")
    return out


def _without_footers(cells: list[Cell]) -> list[Cell]:
    """The cells without a page's footer printed as three ('—' '3' '—') between two tables' halves."""
    out: list[Cell] = []
    index = 0
    while index < len(cells):
        window = [cell.text.strip() for cell in cells[index : index + 3]]
        if (
            len(window) == 3
            and _DASHES.fullmatch(window[0])
            and _DASHES.fullmatch(window[2])
            and _PAGE.fullmatch(window[1])
        ):
            index += 3
            continue
        out.append(cells[index])
        index += 1
    return out
