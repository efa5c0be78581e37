"""Passes for digits that lost their cell boundaries: glued to the row's label, or a row of one unbroken run."""

from __future__ import annotations

import re

from pipelines.document.model import Cell, Location
from pipelines.report.cells import clean, is_value
from pipelines.report.form import Form
from pipelines.report.stream import Row, Shape, split_cells

_GLUED = re.compile(r"(?P<digits>\d(?:[\d\s,，]*\d)?(?:\.\d+)?)\s*$")  # thousands separators among the digits
_CONFUSABLE = str.maketrans({"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "|": "1"})
_OCR_NUMBER = re.compile(r"[\dOo〇lI|]+(?:[.,，][\dOo〇lI|]+)*")
_OCR_TAIL = re.compile(r"[\dOo〇lI]*[Oo〇lI][\dOo〇lI]*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def shortest_run(form: Form, part: str | None) -> int | None:
    """How many digits glued to a row's label can be its cells: any for part 二, two for part 三 (a row that
    printed only its first and last cells), one per cell for part 四's row."""
    if part == "active_disclosure":
        return 1
    if part == "applications":
        return 2
    if part == "review_litigation":
        return len(form.review_keys)
    return None


def full_run(form: Form, part: str | None) -> int | None:
    """How many digits make a run a whole row on their own, with no label to vouch for them: a part 三 row's
    cells less one (a row printed one cell short), part 四's fifteen."""
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
    form's sums to split. Where the row has printed cells after the label, the glued digits are its first cell(s)
    ('…公开申请0', '0', '0' …: a dump that lost only the space after the label; '…政府信息 98 1' | '0' …: a Markdown
    row that lost the pipes after its label).
    """
    for row in rows:
        shortest = shortest_run(shape.form, row.part)
        if shortest is None or row.run or not row.label:
            continue
        cell = row.label[-1]
        match = _GLUED.search(cell.text)
        if not match or not _CJK.search(cell.text[: match.start()]):
            continue
        digits = clean(match["digits"])
        spaced = [m for m in re.finditer(r"\S+", match["digits"])]
        if row.printed:
            if not digits.replace(",", "").isdigit():
                continue
            row.label = [*row.label[:-1], sub_cell(cell, 0, match.start())]
            glued = [sub_cell(cell, match.start() + m.start(), match.start() + m.end()) for m in spaced]
            row.values = [*glued, *row.values]
            shape.changed(f"'{row.label_text[:24]}' + first cell(s) '{match['digits'].strip()}'")
            continue
        row.label = [*row.label[:-1], sub_cell(cell, 0, match.start())]
        if len(spaced) > 1:  # the cells kept their spaces: they are printed cells, not a run
            row.values = [sub_cell(cell, match.start() + m.start(), match.start() + m.end()) for m in spaced]
            shape.changed(f"'{row.label_text[:24]}' + {len(spaced)} cells")
            continue
        plain = digits.replace(".", "").replace(",", "")
        if len(plain) < shortest or not plain.isdigit():
            row.label = [*row.label[:-1], cell]
            continue
        row.run = sub_cell(cell, match.start(), match.end())
        row.values = []
        shape.changed(f"'{row.label_text[:24]}' + '{digits[:20]}'")
    return rows


def digit_rows(rows: list[Row], shape: Shape) -> list[Row]:
    """A row that prints nothing but one unbroken run of digits (a table row whose cells were glued) is a run."""
    for row in rows:
        shortest = full_run(shape.form, row.part)
        if shortest is None or row.label_text or row.run:
            continue
        printed = row.printed
        if len(printed) != 1:
            continue
        digits = clean(printed[0].text)
        if digits.isdigit() and len(digits) >= shortest:
            row.run, row.values = printed[0], []
            shape.changed(f"'{digits[:20]}'")
    return rows


def _ocr_number(text: str) -> str | None:
    """The number an OCR'd cell means ('1O' → '10', 'l4' → '14'), where it prints letters for digits; else None."""
    stripped = clean(text)
    if not _OCR_NUMBER.fullmatch(stripped) or stripped.isdigit() or not any(c in "Oo〇lI|" for c in stripped):
        return None
    if not stripped.strip("|"):  # pipes alone are a Markdown table's (its lines run together), not a 1 OCR misread
        return None
    return stripped.translate(_CONFUSABLE)


def ocr_digits(rows: list[Row], shape: Shape) -> list[Row]:
    """Letters OCR reads for digits in a table's number cells ('O' for 0, 'l' for 1) are read as the digits.

    Only the cells after a row's label — from the row's end back to its last cell of text — and only where the
    whole cell is digits and look-alikes; full-width digits and '，' separators are read by the cell reader.
    """
    for row in rows:
        if shortest_run(shape.form, row.part) is None or row.run is not None:
            continue
        cells = row.cells
        index = len(cells)
        fixed: list[tuple[int, str]] = []
        while index and (not cells[index - 1].text.strip() or _value_like(cells[index - 1].text)):
            number = _ocr_number(cells[index - 1].text)
            if number is not None:
                fixed.append((index - 1, number))
            index -= 1
        if index and not fixed:
            last = cells[index - 1]
            tail = _OCR_TAIL.search(clean(last.text))
            if tail and any(c.isdigit() for c in tail.group()) and not row.values:
                fixed.append((index - 1, clean(last.text)[: tail.start()] + tail.group().translate(_CONFUSABLE)))
        if not fixed:
            continue
        for position, text in fixed:
            cells[position] = Cell(text, cells[position].location)
        row.label, row.values = split_cells(cells)
        shape.changed(f"'{row.label_text[:20]}': {len(fixed)} cell(s) read as digits")
    return rows


def _value_like(text: str) -> bool:
    return is_value(text) or _ocr_number(text) is not None
