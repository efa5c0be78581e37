"""The form's arithmetic → findings. Every check of templates/rules.yaml (evaluated by arithmetic.py), each break
with the numbers on both sides. Nothing is repaired: a report that breaks its own sums is published that way and
reported that way.

A check with a blank term (a cell printed blank, '/', or not printed) cannot be made: it is not broken.
"""

from __future__ import annotations

from pipelines.findings import FindingsLog
from pipelines.report.arithmetic import APPLICATIONS, REVIEW, CellRef, Number, Outcome, checks, evaluate
from pipelines.report.form import Form
from pipelines.report.model import Report


def report_values(report: Report, form: Form) -> dict[CellRef, Number | None]:
    """Every printed cell of parts 三 and 四 by its form reference (a blank cell is there, as None)."""
    cells: dict[CellRef, Number | None] = {}
    for row, values in report.applications.items():
        for column, value in zip(form.column_keys, values, strict=False):
            cells[(APPLICATIONS, row, column)] = value.value
    if len(report.review_litigation) == len(form.review_keys):
        refs = [(REVIEW, block.key, m.key) for block in form.review_blocks for m in form.review_measures]
        for ref, value in zip(refs, report.review_litigation, strict=True):
            cells[ref] = value.value
    return cells


def validate(report: Report, form: Form, log: FindingsLog) -> None:
    """An error finding per break, then one info finding per rule listing where a blank term stopped it."""
    template = form.templates.get(report.template_variant or "")
    if template is None or not template.has_tables:
        return
    cells = report_values(report, form)
    unchecked: dict[str, list[str]] = {}
    for check in checks(form, (template,)):
        if not check.cells <= cells.keys():
            continue  # the part is not printed at all: nothing to check (its absence is a finding of its own)
        outcome = evaluate(check, cells.get)
        if not outcome.checkable:
            unchecked.setdefault(check.rule.id, []).append(check.where)
        elif outcome.broken:
            _log_break(outcome, log)
    for rule_id, places in unchecked.items():
        log.info(
            f"{rule_id}.unchecked",
            f"{rule_id} not checkable where a term is blank: " + "; ".join(places),
            locations=places,
        )


def _log_break(outcome: Outcome, log: FindingsLog) -> None:
    check = outcome.check
    log.error(
        check.rule.id,
        f"{check.where}: {' + '.join(outcome.left)} = {outcome.left_sum:g} but {' + '.join(outcome.right)} = "
        f"{outcome.right_sum:g} ({check.rule.description})",
        check.where,
        form_key=check.rule.part,
        left=outcome.left,
        right=outcome.right,
        left_sum=outcome.left_sum,
        right_sum=outcome.right_sum,
    )
