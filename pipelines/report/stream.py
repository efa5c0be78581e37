"""The row stream: any document as one normalised reading — rows of a label and its values — before the parts are read.

Readers give blocks in whatever shape the publisher or a converter left them: tidy tables, one cell per line, a whole
page dumped on one line, PDF text with page footers, OCR Markdown with a table per row group. Flattening makes every
block a row (a paragraph is a row of one cell); the shape passes (passes/) then repair what each shape broke, each
logging an info finding when it changes something; locating the parts (locate.py) runs between the passes that need
no part and those that do. The part parsers read only the result: rows of a label, and the row's values as printed
— or a run of digits whose cell boundaries were lost — every cell pointing back to where it was printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipelines.document.model import Cell, Document, Location, Paragraph
from pipelines.findings import FindingsLog
from pipelines.report.cells import is_value
from pipelines.report.form import Form


@dataclass
class Row:
    """One row of the reading: label cells, then value cells — or a run of digits — and label text printed above."""

    label: list[Cell]
    values: list[Cell] = field(default_factory=list)
    position: int = 0
    run: Cell | None = None  # digits printed without cell boundaries, split by the form's sums when read
    above: str = ""  # label lines printed above the row: a wrapped label's first half, a group label
    part: str | None = None  # the section the row is printed in (set by locate)
    header: bool = False  # a table's header row (column labels, captions)
    lost: int = 0  # cells fewer than the other rows of its Markdown table print: separators ('|') lost

    @property
    def cells(self) -> list[Cell]:
        return [*self.label, *self.values, *([self.run] if self.run else [])]

    @property
    def text(self) -> str:
        return "".join(cell.text for cell in self.cells)

    @property
    def label_text(self) -> str:
        return "".join(cell.text for cell in self.label if cell.text.strip())

    @property
    def printed(self) -> list[Cell]:
        """The value cells that print something (a number or a mark such as '/')."""
        return [cell for cell in self.values if cell.text.strip()]

    @property
    def has_numbers(self) -> bool:
        return bool(self.run) or bool(self.printed)

    @property
    def location(self) -> Location:
        cells = self.cells
        return cells[0].location if cells else Location()

    def where(self) -> str:
        described = self.location.describe()
        return f"row {self.position}" + (f" ({described})" if described else "")


def split_cells(cells: list[Cell]) -> tuple[list[Cell], list[Cell]]:
    """(label cells, value cells): the values are the cells after the last cell that prints text."""
    last_label = -1
    for index, cell in enumerate(cells):
        if not is_value(cell.text):
            last_label = index
    return cells[: last_label + 1], cells[last_label + 1 :]


def flatten(document: Document) -> list[Row]:
    """Every paragraph and table row of the document as a row, in reading order.

    In tab-separated plain text a merged label leaves empty cells before the numbers and a line can end with a
    tab: blank cells at the ends of a text row are layout, not printed blanks, and are dropped here. In HTML,
    Markdown and the rest a blank cell is a printed blank and stays. A Markdown table prints its rows with as many
    cells: a row with fewer than the widest lost separators ('| 0 | 00 | …') — or its header printed one more —
    and says how many.
    """
    layout_blanks = document.media_type == "text/plain"
    markdown = document.media_type == "text/markdown"
    rows: list[Row] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            printed = [[Cell(block.text, block.location)]]
        else:
            printed = [list(cells) for cells in block.rows if cells]
        width = max((len(cells) for cells in printed), default=0) if markdown and len(printed) > 1 else 0
        for cells in printed:
            label, values = split_cells(cells)
            if layout_blanks:
                values = _strip_blank_ends(values)
            rows.append(Row(label, values, len(rows), lost=max(0, width - len(cells))))
    return rows


def _strip_blank_ends(values: list[Cell]) -> list[Cell]:
    start, end = 0, len(values)
    while start < end and not values[start].text.strip():
        start += 1
    while end > start and not values[end - 1].text.strip():
        end -= 1
    return values[start:end]


def renumber(rows: list[Row]) -> list[Row]:
    for position, row in enumerate(rows):
        row.position = position
    return rows


@dataclass
class Shape:
    """What a shape pass works with: the form, the document's media type, the changes it made (for its finding),
    what it could not repair (warnings: values it left blank), and ``memo`` — what an earlier pass learned of the
    whole document for a later one (page_footers: the page numbers found, for glued_page_numbers)."""

    form: Form
    media_type: str
    changes: list[str] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict)
    warnings: list[tuple[str, str, str, str | None, dict[str, Any]]] = field(default_factory=list)

    def changed(self, what: str) -> None:
        self.changes.append(what)

    def warn(self, rule: str, message: str, where: str, form_key: str | None = None, **values: Any) -> None:
        """A value the pass left blank, and why: logged as a warning finding of ``rule``."""
        self.warnings.append((rule, message, where, form_key, values))


def run_passes(
    rows: list[Row],
    passes: tuple,
    form: Form,
    media_type: str,
    log: FindingsLog,
    then: Callable[[list[Row]], None] | None = None,
    memo: dict[str, Any] | None = None,
) -> list[Row]:
    """Run each pass over the rows (``then`` after each); a pass that changed something is logged as an info
    finding naming it, what a pass left blank as its warning. ``memo`` is shared by every pass of one document."""
    memo = {} if memo is None else memo
    for step in passes:
        shape = Shape(form, media_type, memo=memo)
        rows = renumber(step.repair(rows, shape))
        for rule, message, where, form_key, values in shape.warnings:
            log.warning(rule, message, where, form_key=form_key, **values)
        if then is not None and shape.changes:
            then(rows)
        if shape.changes:
            log.info(
                step.rule,
                f"{step.meaning} ({len(shape.changes)} change(s), e.g. {shape.changes[0]})",
                changes=len(shape.changes),
                examples=shape.changes[:5],
            )
    return rows
