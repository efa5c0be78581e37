"""Passes for rows whose lines were broken apart: numbers one per line, labels apart from their numbers."""

from __future__ import annotations

from pipelines.report.cells import read_cell
from pipelines.report.stream import Row, Shape

_LABELLED_PARTS = ("active_disclosure", "applications")


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


def _floating(row: Row) -> bool:
    """A line of label text in a table: no numbers — or, in part 三, one stray number printed alone."""
    if row.header:
        return False
    if not row.has_numbers:
        return bool(row.label_text)
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
        if _floating(row):
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
