"""Passes for rows printed as one: the numbers of several part 三 rows after one label."""

from __future__ import annotations

from pipelines.report.arithmetic import APPLICATIONS, row_shape, sum_holds
from pipelines.report.cells import clean
from pipelines.report.passes.digits import sub_cell
from pipelines.report.split import split_summed
from pipelines.report.stream import Row, Shape

MOST_ROWS = 4  # rows one printed row is searched for (a converter that lost the line breaks of a whole group)


def rows_run_together(rows: list[Row], shape: Shape) -> list[Row]:
    """A part 三 row printing the numbers of several rows — each run of the form's cells keeping the row sum — is
    that many rows: the first keeps the label, the others are rows of numbers without one.

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
    if len(values) < 2 * width or len(values) % width or not all(clean(cell.text).isdigit() for cell in values):
        return None
    blocks = [values[start : start + width] for start in range(0, len(values), width)]
    if not all(sum_holds(shape.form, APPLICATIONS, [int(clean(cell.text)) for cell in block]) for block in blocks):
        return None
    return blocks


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
