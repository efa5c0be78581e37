"""Part 四's one row of 15 numbers, printed over several rows."""

from __future__ import annotations

from pipelines.report.stream import Row, Shape

_PART = "review_litigation"


def review_row(rows: list[Row], shape: Shape) -> list[Row]:
    """Part 四's numbers printed over several rows (a block per line, numbers wrapped) join into the form's one row.

    Numbers are taken in order from unlabelled rows, and from labelled rows that print at least a block's worth
    (header text and numbers can share a flattened line), until the form's 15 are there; a labelled row with
    fewer numbers after some were taken ends the row.
    """
    width, block = len(shape.form.review_keys), len(shape.form.review_measures)
    used: list[Row] = []
    count = 0
    for row in rows:
        if row.part != _PART or not row.has_numbers:
            continue
        if row.run is not None:
            break
        printed = len(row.printed)
        if row.label_text and used and printed < block:
            break
        if not row.label_text or printed >= block:
            used.append(row)
            count += len(row.values)
        if count >= width:
            break
    if len(used) < 2:
        return rows
    first = used[0]
    first.values = [cell for row in used for cell in row.values]
    shape.changed(f"{len(used)} rows of part 四 joined into one of {len(first.values)} cells")
    dropped = {id(row) for row in used[1:]}
    return [row for row in rows if id(row) not in dropped]
