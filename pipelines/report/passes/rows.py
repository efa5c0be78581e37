"""Passes for part 三's rows printed in another arrangement: several rows' numbers after one label, two half-tables
side by side, the table transposed."""

from __future__ import annotations

import re

from pipelines.document.model import Cell
from pipelines.report.arithmetic import APPLICATIONS, row_shape, sum_holds
from pipelines.report.cells import clean
from pipelines.report.normalize import bare
from pipelines.report.passes.digits import sub_cell
from pipelines.report.split import split_summed
from pipelines.report.stream import Row, Shape

MOST_ROWS = 4  # rows one printed row is searched for (a converter that lost the line breaks of a whole group)
MIN_PAIRED_LINES = 3  # lines printing a row of each half before part 三 is read as two halves side by side


def rows_run_together(rows: list[Row], shape: Shape) -> list[Row]:
    """A part 三 row printing the numbers of several rows — each run of the form's cells keeping the row sum — is
    that many rows: the first keeps the label, the others are rows of numbers without one. Rows printed one cell
    short (a blank cell left out) count too: the numbers are cut where exactly one way into such rows keeps every
    row's sum.

    PDF-to-Markdown and one-line dumps pull wrapped labels away from their numbers ('（二）部分公开… 2.其他法律…
    1.属于国家秘密' then fourteen numbers): the numbers stay in the form's row order, so the rows they make are
    placed by that order (align.py) where their labels are gone. Printed cells are cut where every block keeps its
    sum; a run of digits where the sums split it into whole rows one way only, and not into one row.
    """
    out: list[Row] = []
    width = len(shape.form.columns)
    for row in rows:
        blocks = _blocks(row, width, shape) if row.part == APPLICATIONS and not row.header else None
        if not blocks:
            out.append(row)
            continue
        for index, block in enumerate(blocks):
            target = row if index == 0 else Row([], part=row.part)
            target.values, target.run = (block, None) if isinstance(block, list) else ([], block)
            out.append(target)
        shape.changed(f"'{row.label_text[:24]}': the numbers of {len(blocks)} rows")
    return out


def _blocks(row: Row, width: int, shape: Shape) -> list | None:
    """The row's numbers as whole rows (lists of cells, or runs), or None where they are not several rows."""
    if row.run is not None:
        return _run_blocks(row, shape)
    values = row.values
    if len(values) < 2 * (width - 1) or not all(clean(cell.text).isdigit() for cell in values):
        return None
    numbers = [int(clean(cell.text)) for cell in values]
    partitions = _partitions(numbers, 0, width, shape)
    if len(partitions) != 1:
        return None
    return [values[start:end] for start, end in partitions[0]]


def _partitions(numbers: list[int], start: int, width: int, shape: Shape) -> list[list[tuple[int, int]]]:
    """Ways (at most two: one is all a caller needs to know) to cut numbers[start:] into rows of the form's width or
    one short (a blank cell left out), each keeping its own sum."""
    if start == len(numbers):
        return [[]]
    found: list[list[tuple[int, int]]] = []
    for size, short in ((width, False), (width - 1, True)):
        end = start + size
        if end > len(numbers) or not sum_holds(shape.form, APPLICATIONS, numbers[start:end], short=short):
            continue
        for rest in _partitions(numbers, end, width, shape):
            found.append([(start, end), *rest])
            if len(found) > 1:
                return found
    return found


def _run_blocks(row: Row, shape: Shape) -> list | None:
    assert row.run is not None
    digits = clean(row.run.text)
    _, parts = row_shape(shape.form, APPLICATIONS)
    if not digits.isdigit() or len(digits) < 2 * parts or split_summed(digits, 1, parts).candidates:
        return None
    found = []
    for count in range(2, min(MOST_ROWS, len(digits) // parts) + 1):
        split = split_summed(digits, count, parts)
        if not split.exhausted:
            return None
        found += [(count, candidate) for candidate in split.candidates]
    if len(found) != 1:
        return None
    count, numbers = found[0]
    runs, at = [], 0
    offsets = [index for index, char in enumerate(row.run.text) if not char.isspace()]
    for block in range(count):
        length = sum(len(str(number)) for number in numbers[block * parts : (block + 1) * parts])
        runs.append(sub_cell(row.run, offsets[at], offsets[at + length - 1] + 1))
        at += length
    return runs


def side_by_side(rows: list[Row], shape: Shape) -> list[Row]:
    """Part 三 printed as two half-tables side by side (a wide page): the rows of a line come in pairs, a row of
    each half, so read line by line they alternate; the first half's rows in order, then the second's.

    Taken where part 三's lines of labelled rows of numbers are mostly one block of at least three consecutive lines
    printing two each (a line of the first half alone — the longer half's last — may end it); rows run together
    here and there (a converter that lost a line break) are not that.
    """
    lines: dict[int, list[int]] = {}
    for index, row in enumerate(rows):
        if row.part == APPLICATIONS and row.has_numbers and row.label_text and row.location.line is not None:
            lines.setdefault(row.location.line, []).append(index)
    counts = "".join(str(min(len(indices), 3)) for indices in lines.values())
    block = re.search(rf"2{{{MIN_PAIRED_LINES},}}1?", counts)  # consecutive lines of two rows, the last maybe one
    if block is None or 2 * len(block.group()) < len(counts) or counts.count("2") != block.group().count("2"):
        return rows
    halves = list(lines.values())[block.start() : block.end()]
    pairs = [indices for indices in halves if len(indices) == 2]
    first = [indices[0] for indices in halves]
    second = [indices[1] for indices in pairs]
    slots = sorted([*first, *second])
    out = list(rows)
    for slot, index in zip(slots, [*first, *second], strict=True):
        out[slot] = rows[index]
    shape.changed(f"{len(pairs)} lines of part 三 printing a row of each half")
    return out


def transposed_table(rows: list[Row], shape: Shape) -> list[Row]:
    """Part 三 transposed (a converter that turned the table's rows into its columns): a row per applicant column
    (自然人 … 总计), each printing one number per form row, under a header row of the rows' labels, is turned back —
    a row per label, its numbers in the columns' order.

    Taken where at least all but one of the applicant columns print a row of more numbers than a row has cells; a
    column not printed is blank, and so is a cell a column's row leaves off at its end where the reader kept the
    columns' positions; where it did not (text whose tabs became spaces), a column's row printing fewer numbers
    than there are rows is lost to every row (Row.lost: the rows are read by the sums or left blank, named).
    """
    form = shape.form
    columns = {bare(printing): index for index, column in enumerate(form.columns) for printing in column.printings}
    found: dict[int, int] = {}  # column → position of its row
    for index, row in enumerate(rows):
        column = columns.get(bare(row.label_text)) if row.part == APPLICATIONS else None
        if column is not None and column not in found and len(row.values) > len(form.columns):
            found[column] = index
    if len(found) < len(form.columns) - 1:
        return rows
    count = max(len(rows[index].values) for index in found.values())  # a row's blank last cells are not printed
    first = min(found.values())
    header = next(
        (i for i in range(first - 1, -1, -1) if rows[i].part == APPLICATIONS and len(rows[i].label) > count), None
    )
    labels = [[cell] for cell in rows[header].label[-count:]] if header is not None else [[] for _ in range(count)]
    placed = {column: _by_place(rows[index].values, labels) for column, index in found.items()}
    # A column's row printing fewer numbers than there are rows, where the reader kept no column positions: which
    # rows its blanks are is lost (its numbers are not the first rows'), so every row lost that column's cell.
    unplaced = {column for column, cells in placed.items() if cells is None}
    by_column = {column: cells for column, cells in placed.items() if cells is not None}
    turned = [
        Row(
            labels[at],
            [by_column[c][at] for c in range(len(form.columns)) if c in by_column],
            lost=len(form.columns) - len(by_column),
        )
        if unplaced
        else Row(labels[at], [by_column[c][at] if c in by_column else Cell("") for c in range(len(form.columns))])
        for at in range(count)
    ]
    for row in turned:
        row.part = APPLICATIONS
    dropped = {*found.values(), *([header] if header is not None else [])}
    shape.changed(f"{len(found)} column rows of {count} numbers turned into {count} rows")
    return [*(row for i, row in enumerate(rows[:first]) if i not in dropped), *turned] + [
        row for i, row in enumerate(rows[first:], start=first) if i not in dropped
    ]


def _by_place(values: list[Cell], labels: list[list[Cell]]) -> list[Cell] | None:
    """A column row's cells under the header's labels: by the printed column where the reader kept it (blank cells
    a text reader dropped at the row's ends leave no gap then), else in order where it prints a number per label;
    None where it prints fewer and where they stood is not known."""
    cols = [label[0].location.col if label else None for label in labels]
    if None not in cols and all(cell.location.col is not None for cell in values):
        printed = {cell.location.col: cell for cell in values}
        return [printed.get(col, Cell("")) for col in cols]
    if len(values) < len(labels):
        return None
    return values[: len(labels)]
