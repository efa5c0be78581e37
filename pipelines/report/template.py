"""Which template a report prints, judged from the form's data: what each template prints, then its years.

A parser detects the template from the tables, not from the year (spec/report-form.md): part 二's header labels
that only one template prints (its ``markers``), then which template's part 三 rows the printed rows align with best
(the rows that tell templates apart — （六）其他处理 in three rows or one — decide it), then the years of the reports
each template is printed for. A document with no tables of any template is a free-form report where the year or
its markers say so. No template is named in code: adding one is a YAML file in templates/ (and its name in
parts.yaml's list).
"""

from __future__ import annotations

from pipelines.report.align import SKIP_FORM, align
from pipelines.report.form import Form, Template
from pipelines.report.locate import Layout
from pipelines.report.normalize import bare
from pipelines.report.parts import row_segments


def _printed(markers: tuple[str, ...], text: str) -> int:
    return sum(bare(marker) in text for marker in markers)


def choose_template(layout: Layout, form: Form, year: int | None) -> Template | None:
    tables = [t for t in form.templates.values() if t.has_tables]
    free_form = [t for t in form.templates.values() if not t.has_tables]
    disclosure = bare("".join(row.text for row in layout.part("active_disclosure")))
    applications = [row for row in layout.part("applications") if row.has_numbers]
    votes = {t.id: _printed(t.markers, disclosure) for t in tables}
    best = max(votes.values(), default=0)
    if not applications and not disclosure:
        text = bare("".join(row.text for row in layout.rows))
        # its markers say so only where no template with tables is printed for its year: a 2023 report whose
        # tables a converter broke is not free-form for printing '主动公开政府信息' in a heading
        tabled_year = year is not None and any(t.covers(year) for t in tables)
        chosen = next((t for t in free_form if t.covers(year) or (not tabled_year and _printed(t.markers, text))), None)
        if chosen:
            return chosen
    if best == 0:
        chosen = next((t for t in free_form if t.covers(year)), None)
        if chosen:
            return chosen
    candidates = [t for t in tables if votes[t.id] == best]
    if len(candidates) > 1 and applications:
        printed = [row_segments(row) for row in applications]
        # A form row not printed costs its skip in every template alike: a template of fewer rows (one （六） row
        # for three) must not win for what nobody printed, only for what was.
        scores = {t.id: align(printed, t.rows)[1] - SKIP_FORM * len(t.rows) for t in candidates}
        top = max(scores.values())
        candidates = [t for t in candidates if scores[t.id] >= top - 1e-9]
    printed_for = [t for t in candidates if t.covers(year)]
    return next(iter(printed_for or candidates), None)
