"""Part 四's one row of 15 numbers, printed over several rows."""

from __future__ import annotations

from pipelines.report.arithmetic import REVIEW, sum_holds
from pipelines.report.cells import read_cell
from pipelines.report.stream import Row, Shape

_PART = "review_litigation"


def review_row(rows: list[Row], shape: Shape) -> list[Row]:
    """Part 四's numbers printed over several rows (a block per line, numbers wrapped) join into the form's one row.

    Numbers are taken in order from unlabelled rows, and from labelled rows that print at least a block's worth
    (header text and numbers can share a flattened line), until the form's 15 are there; a labelled row with
    fewer numbers after some were taken ends the row. A number printed alone on a line (a page number, a stray
    fragment) is taken only where the row it completes keeps the blocks' sums.
    """
    used = _numbers_rows(rows, shape, lone=True)
    if not _holds(used, shape):
        strays = {id(row) for row in used if _lone(row)}
        rows = [row for row in rows if id(row) not in strays]
        shape.changed(f"{len(strays)} number(s) printed alone dropped: the row they would complete breaks its sums")
        used = _numbers_rows(rows, shape, lone=False)
    if len(used) < 2:
        return rows
    first = used[0]
    first.values = [cell for row in used for cell in row.values]
    shape.changed(f"{len(used)} rows of part 四 joined into one of {len(first.values)} cells")
    dropped = {id(row) for row in used[1:]}
    return [row for row in rows if id(row) not in dropped]


def _numbers_rows(rows: list[Row], shape: Shape, lone: bool) -> list[Row]:
    """The rows whose numbers make part 四's row; ``lone``: with numbers printed alone on a line."""
    width, block = len(shape.form.review_keys), len(shape.form.review_measures)
    used: list[Row] = []
    count = 0
    for row in rows:
        if row.part != _PART or not row.has_numbers:
            continue
        if row.run is not None:
            break
        printed = len(row.printed)
        if not lone and _lone(row):
            continue
        if row.label_text and used and printed < block:
            break
        if not row.label_text or printed >= block:
            used.append(row)
            count += len(row.values)
        if count >= width:
            break
    return used


def _holds(used: list[Row], shape: Shape) -> bool:
    """Whether the rows' numbers are a whole part 四 row keeping its blocks' sums — or take no lone number."""
    if not any(_lone(row) for row in used):
        return True
    numbers = [read_cell(cell.text).value for row in used for cell in row.values]
    return sum_holds(shape.form, REVIEW, numbers)


def _lone(row: Row) -> bool:
    return not row.label_text and len(row.values) == 1
