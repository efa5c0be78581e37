"""Document → the located reading: the row stream, every shape pass run, the parts found.

The form-aware stage between a reader's blocks and the part parsers: flatten the document into rows, run the passes
that need no part (cutting a one-line dump at the form's headings, joining numbers printed one per line …), locate
the parts, then run the passes that work inside a table part.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from pipelines.document.model import Document
from pipelines.findings import FindingsLog
from pipelines.report.form import Form
from pipelines.report.locate import Layout, locate, mark_headers
from pipelines.report.passes import PASSES
from pipelines.report.stream import flatten, renumber, run_passes


def read_layout(document: Document, form: Form, log: FindingsLog) -> Layout:
    before = tuple(step for step in PASSES if not step.located)
    after = tuple(step for step in PASSES if step.located)
    memo: dict[str, Any] = {}  # what the passes before locating learned of the document, for those after
    rows = run_passes(renumber(flatten(document)), before, form, document.media_type, log, memo=memo)
    layout = locate(rows, form, log)
    marks = partial(mark_headers, form=form)
    layout.rows = run_passes(layout.rows, after, form, document.media_type, log, then=marks, memo=memo)
    return layout
