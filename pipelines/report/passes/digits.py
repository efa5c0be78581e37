"""Passes for digits that lost their cell boundaries: glued to the row's label, or a row of one unbroken run."""

from __future__ import annotations

import re

from pipelines.document.model import Cell, Location
from pipelines.report.cells import clean
from pipelines.report.form import Form
from pipelines.report.stream import Row, Shape

_GLUED = re.compile(r"(?P<digits>\d[\d\s]*(?:\.\d+)?)\s*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def shortest_run(form: Form, part: str | None) -> int | None:
    """How many digits a run must have to be a row's cells rather than a number: a part 三 row prints at least
    one digit per cell (one cell may be missing), part 四's row at least one per cell; part 二 any."""
    if part == "active_disclosure":
        return 1
    if part == "applications":
        return len(form.columns) - 1
    if part == "review_litigation":
        return len(form.review_keys)
    return None


def sub_cell(cell: Cell, start: int, end: int) -> Cell:
    """The text cell[start:end] as a cell of its own, its location narrowed to that span."""
    base = cell.location.span[0] if cell.location.span else 0
    where = cell.location
    location = Location(
        where.table, where.row, where.col, where.line, where.page, where.bbox, (base + start, base + end)
    )
    return Cell(cell.text[start:end], location)


def glued_digits(rows: list[Row], shape: Shape) -> list[Row]:
    """Digits glued to the end of their row's label ('（七）总计12310000124') become the row's cells, or its run.

    Digits that kept their spaces ('规章 0 0 0') are printed cells; digits without ('11410000115') a run for the
    form's sums to split. Where the row has printed cells after the label, the glued digits are its first cell
    ('…公开申请0', '0', '0' …: a dump that lost only the space after the label).
    """
    for row in rows:
        shortest = shortest_run(shape.form, row.part)
        if shortest is None or row.run or not row.label:
            continue
        cell = row.label[-1]
        match = _GLUED.search(cell.text)
        if not match or not _CJK.search(cell.text[: match.start()]):
            continue
        if row.printed:
            if " " in match["digits"].strip() or not clean(match["digits"]).isdigit():
                continue
            row.label = [*row.label[:-1], sub_cell(cell, 0, match.start())]
            row.values = [sub_cell(cell, match.start(), match.end()), *row.values]
            shape.changed(f"'{row.label_text[:24]}' + first cell '{clean(match['digits'])}'")
            continue
        digits = clean(match["digits"])
        spaced = [m for m in re.finditer(r"\S+", match["digits"])]
        row.label = [*row.label[:-1], sub_cell(cell, 0, match.start())]
        if len(spaced) > 1:  # the cells kept their spaces: they are printed cells, not a run
            row.values = [sub_cell(cell, match.start() + m.start(), match.start() + m.end()) for m in spaced]
            shape.changed(f"'{row.label_text[:24]}' + {len(spaced)} cells")
            continue
        if len(digits.replace(".", "")) < shortest or not digits.replace(".", "").isdigit():
            row.label = [*row.label[:-1], cell]
            continue
        row.run = sub_cell(cell, match.start(), match.end())
        row.values = []
        shape.changed(f"'{row.label_text[:24]}' + '{digits[:20]}'")
    return rows


def digit_rows(rows: list[Row], shape: Shape) -> list[Row]:
    """A row that prints nothing but one unbroken run of digits (a table row whose cells were glued) is a run."""
    for row in rows:
        shortest = shortest_run(shape.form, row.part)
        if shortest is None or row.part == "active_disclosure" or row.label_text or row.run:
            continue
        printed = row.printed
        if len(printed) != 1:
            continue
        digits = clean(printed[0].text)
        if digits.isdigit() and len(digits) >= shortest:
            row.run, row.values = printed[0], []
            shape.changed(f"'{digits[:20]}'")
    return rows
