"""The shape passes: each repairs one way report text loses its table structure, in the order they run.

A pass takes the rows and gives rows back; what it changed it tells its Shape, and the stream logs it as an info
finding ``shape.<name>`` (the catalogue's meaning is the first line of the pass's docstring). A new shape of report
text is a new pass here, not an edit in the part parsers. Passes marked ``located`` run after locate.py has tagged
every row with its part; the others run on the whole document before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipelines.report.passes.delimited import delimited_cells, piped_cells
from pipelines.report.passes.digits import digit_rows, glued_digits, ocr_digits
from pipelines.report.passes.dump import cut_rows, cut_sections
from pipelines.report.passes.lines import (
    continued_rows,
    floating_labels,
    labels_after_numbers,
    lone_numbers,
    placeholder_rows,
    stacked_cells,
)
from pipelines.report.passes.pages import glued_page_numbers, page_footers
from pipelines.report.passes.review import review_row
from pipelines.report.passes.rows import rows_run_together, side_by_side, transposed_table
from pipelines.report.stream import Row, Shape


@dataclass(frozen=True)
class Pass:
    repair: Callable[[list[Row], Shape], list[Row]]
    located: bool = False

    @property
    def name(self) -> str:
        return self.repair.__name__

    @property
    def rule(self) -> str:
        return f"shape.{self.name}"

    @property
    def meaning(self) -> str:
        return " ".join((self.repair.__doc__ or self.name).strip().split("\n\n")[0].split())


PASSES: tuple[Pass, ...] = (
    Pass(page_footers),
    Pass(cut_sections),
    Pass(delimited_cells),
    Pass(piped_cells),
    Pass(stacked_cells),
    Pass(lone_numbers),
    Pass(transposed_table, located=True),
    Pass(cut_rows, located=True),
    Pass(side_by_side, located=True),
    Pass(ocr_digits, located=True),
    Pass(glued_digits, located=True),
    Pass(digit_rows, located=True),
    Pass(glued_page_numbers, located=True),
    Pass(rows_run_together, located=True),
    Pass(placeholder_rows, located=True),
    Pass(labels_after_numbers, located=True),
    Pass(continued_rows, located=True),
    Pass(floating_labels, located=True),
    Pass(continued_rows, located=True),
    Pass(review_row, located=True),
)
