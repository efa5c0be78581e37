"""A pass for tables exported as comma-separated lines and pasted into a page."""

from __future__ import annotations

from pipelines.report.cells import read_cell
from pipelines.report.passes.digits import sub_cell
from pipelines.report.stream import Row, Shape


def delimited_cells(rows: list[Row], shape: Shape) -> list[Row]:
    """A line of comma-separated cells (a spreadsheet exported as CSV and pasted in) is cut into its cells: where a
    one-cell line's last comma-separated fields are two or more numbers (or blanks) after its label."""
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
        if not tail.count("number") or len(tail) < 2:
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
