"""Passes for rows whose lines were broken apart: numbers one per line, labels apart from their numbers."""

from __future__ import annotations

import re

from pipelines.document.model import Cell
from pipelines.report.arithmetic import APPLICATIONS, sum_holds
from pipelines.report.cells import is_value, read_cell
from pipelines.report.passes.digits import full_run, sub_cell
from pipelines.report.stream import Row, Shape, split_cells

_LABELLED_PARTS = ("active_disclosure", "applications")
_SPACED = re.compile(r"\d+(?:\s+\d+)+")  # numbers with spaces between them in one cell: a separator lost


def _lone(row: Row) -> bool:
    return not row.label and len(row.values) == 1 and bool(row.values[0].text.strip())


def lone_numbers(rows: list[Row], shape: Shape) -> list[Row]:
    """Numbers printed one per line join the label line above them (a run of two or more; one stray number stays).

    Pages that print a table as one paragraph per cell ('规章' / '0' / '0' / '0') lose the rows; the numbers
    that follow a label line are that label's row.
    """
    joined: list[Row] = []
    index = 0
    while index < len(rows):
        run = index
        while run < len(rows) and _lone(rows[run]):
            run += 1
        if run - index >= 2 and joined:
            joined[-1].values = joined[-1].values + [row.values[0] for row in rows[index:run]]
            shape.changed(f"{run - index} numbers joined to '{joined[-1].label_text[:24]}'")
            index = run
        else:
            joined.append(rows[index])
            index += 1
    return joined


def _floating(row: Row, shortest: int | None) -> bool:
    """A line of label text in a table: no numbers — or, in part 三, one stray number printed alone. Not a line
    whose text holds a row's numbers run together (they would be lost as the text above the next row)."""
    if row.header:
        return False
    if not row.has_numbers:
        return bool(row.label_text) and not (shortest and re.search(rf"\d{{{shortest},}}", row.label_text))
    return row.part == "applications" and not row.label_text and len(row.printed) == 1


def floating_labels(rows: list[Row], shape: Shape) -> list[Row]:
    """Label lines printed apart from their numbers join the next row of numbers in the same table.

    A wrapped label's first half, a group label on a line of its own (三、本年度办理结果, （三）不予公开), a label
    whose numbers follow on the next line: an unlabelled row takes them as its label, a labelled row keeps them as
    the text above it (the label matcher tries both readings). A header row ends what is pending.
    """
    out: list[Row] = []
    pending: list[Row] = []
    for row in rows:
        if row.part not in _LABELLED_PARTS or row.header or (pending and pending[0].part != row.part):
            out.extend(pending)
            pending = []
            out.append(row)
            continue
        if _floating(row, full_run(shape.form, row.part)):
            pending.append(row)
            continue
        if pending and row.has_numbers:
            text = "".join(p.label_text or "".join(cell.text for cell in p.printed) for p in pending)
            if row.label_text:
                row.above = text
                shape.changed(f"'{text[:24]}' above '{row.label_text[:24]}'")
            else:
                row.label = [cell for p in pending for cell in (p.label or p.printed)]
                shape.changed(f"'{text[:24]}' labels a row of numbers")
            pending = []
        out.append(row)
    out.extend(pending)
    return out


def labels_after_numbers(rows: list[Row], shape: Shape) -> list[Row]:
    """Part 二's numbers printed before their item's label: an unlabelled row of numbers, then a line naming an
    item that the next row does not need (it has a label of its own), takes that label.

    PDF text puts a cell's lines in the order they sit on the page; a label vertically centred in a tall cell can
    come out below its row's numbers ('0 0 0' / '规章' / '行政规范性文件 2 6 7'). Part 三's unlabelled rows are
    placed by the form's row order instead (align.py), which also holds where loose labels come in any order.
    """
    out = list(rows)
    for index in range(len(out) - 1):
        numbers, label = out[index], out[index + 1]
        after = out[index + 2] if index + 2 < len(out) else None
        if (
            numbers.part == "active_disclosure"
            and numbers.part == label.part
            and numbers.has_numbers
            and not numbers.label_text
            and not label.has_numbers
            and label.label_text
            and not label.header
            and (after is None or after.part != label.part or after.header or bool(after.label_text))
        ):
            numbers.label, label.label = label.label, []
            shape.changed(f"'{numbers.label_text[:24]}' labels the numbers above it")
    return [row for row in out if row.cells]


def placeholder_rows(rows: list[Row], shape: Shape) -> list[Row]:
    """Rows that print nothing but dashes where a label and numbers would be (an OCR/LLM placeholder table for a
    group the report did not print separately) are dropped: they hold no value and match no row."""
    out = []
    for row in rows:
        printed = row.printed
        if (
            row.part in _LABELLED_PARTS
            and not row.label_text
            and row.run is None
            and len(printed) >= 3
            and all(read_cell(cell.text).kind == "null" and cell.text.strip() for cell in printed)
        ):
            shape.changed(f"a row of {len(printed)} dashes")
            continue
        out.append(row)
    return out


def stacked_cells(rows: list[Row], shape: Shape) -> list[Row]:
    """A cell holding several lines of which the last ones are numbers ('一、本年新收…数量\\n8', '7\\n0\\n0') is
    several cells: numbers printed one per line ran into the cell above where a reader lost the cell breaks. Read
    as one they would be one number ('700'); each line is a cell of its own."""
    for row in rows:
        cells = row.cells
        if row.run is not None or not any("\n" in cell.text for cell in cells):
            continue
        split: list[Cell] = []
        for cell in cells:
            lines = cell.text.split("\n")
            cut = len(lines)
            while cut and (not lines[cut - 1].strip() or is_value(lines[cut - 1])):
                cut -= 1
            starts = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(lines))]
            numbers = [i for i in range(cut, len(lines)) if lines[i].strip()]
            if not numbers or (cut == 0 and len(numbers) < 2):
                split.append(cell)
                continue
            if cut:
                split.append(sub_cell(cell, 0, starts[cut] - 1))
            split += [sub_cell(cell, starts[i], starts[i] + len(lines[i])) for i in numbers]
        if len(split) != len(cells):
            row.label, row.values = split_cells(split)
            shape.changed(f"'{row.label_text[:20]}': numbers one per line in a cell")
    return rows


def continued_rows(rows: list[Row], shape: Shape) -> list[Row]:
    """A part 三 row whose numbers go on over the next lines ('一、本年新收… 8 0 0' / '0 0' / '0 8'): a labelled
    row with fewer cells than the form, then unlabelled rows of numbers up to the next labelled row, together no
    more cells than the form has, are one row (a converter broke it where the page was narrow).

    A row counts the cells it prints blank too (tab-separated text keeps them). One stray number after a short row
    (a page number, a fragment) is its continuation only where the joined row keeps its sum.
    """
    width = len(shape.form.columns)
    out: list[Row] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        out.append(row)
        index += 1
        count = _count(row.values)
        if row.part != "applications" or row.run is not None or not row.label_text or not 0 < count < width:
            continue
        end = index
        while end < len(rows) and _fragment(rows[end], row.part):
            count += _count(rows[end].printed)
            end += 1
        ended = end == len(rows) or not (
            rows[end].part == row.part and rows[end].has_numbers and not rows[end].label_text
        )
        joined = [*row.values, *(cell for following in rows[index:end] for cell in following.printed)]
        if end > index and count <= width and ended and not _stray(joined, rows[index:end], shape):
            row.values = joined
            shape.changed(f"'{row.label_text[:20]}' continued over {end - index} line(s)")
            index = end
    return out


def _count(cells: list[Cell]) -> int:
    """How many cells the cells print: a cell printing numbers with spaces between them ('0 0') counts each."""
    return sum(len(cell.text.split()) if _SPACED.fullmatch(cell.text.strip()) else 1 for cell in cells)


def _stray(joined: list[Cell], following: list[Row], shape: Shape) -> bool:
    """Whether what follows a short row is one stray number that would make a whole row breaking its sum."""
    whole = [read_cell(token).value for cell in joined for token in (cell.text.split() or [""])]
    if len(following) != 1 or len(following[0].printed) != 1 or len(whole) != len(shape.form.columns):
        return False
    return not sum_holds(shape.form, APPLICATIONS, whole)


def _fragment(row: Row, part: str | None) -> bool:
    return row.part == part and not row.label_text and row.run is None and bool(row.printed)
