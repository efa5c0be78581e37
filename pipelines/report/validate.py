"""The form's arithmetic → findings. Every rule of templates/rules.yaml, each break with the numbers on both
sides. Nothing is repaired: a report that breaks its own sums is published that way and reported that way.

A rule with a blank term (a cell printed blank, '/', or not printed) cannot be checked: it is not broken.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipelines.findings import Finding, Severity
from pipelines.report.form import Form, Rule
from pipelines.report.model import Report

Number = int | float


def _terms(rule_side: tuple[str, ...], result_rows: list[str]) -> list[str]:
    return result_rows if rule_side == ("@result",) else list(rule_side)


def _equal(left: list[Number], right: list[Number]) -> bool:
    return abs(sum(left) - sum(right)) < 1e-9


def _finding(rule: Rule, where: str, left: dict[str, Number], right: dict[str, Number]) -> Finding:
    left_sum, right_sum = sum(left.values()), sum(right.values())
    return Finding(
        rule=rule.id,
        severity=Severity.ERROR,
        message=f"{where}: {' + '.join(left)} = {left_sum:g} but {' + '.join(right)} = {right_sum:g} "
        f"({rule.description})",
        location=where,
        values={"left": left, "right": right, "left_sum": left_sum, "right_sum": right_sum},
        stage="validate",
        form_key=rule.part,
    )


def validate(report: Report, form: Form) -> list[Finding]:
    """An error finding per break, then one info finding per rule listing where a blank term stopped it."""
    breaks: list[Finding] = []
    unchecked: dict[str, list[str]] = {}
    for rule in form.rules:
        for where, left, right in _instances(rule, report, form):
            if None in left.values() or None in right.values():
                unchecked.setdefault(rule.id, []).append(where)
            elif not _equal(list(left.values()), list(right.values())):
                breaks.append(_finding(rule, where, left, right))
    return breaks + [
        Finding(
            f"{rule_id}.unchecked",
            Severity.INFO,
            f"{rule_id} not checkable where a term is blank: " + "; ".join(places),
            values={"locations": places},
            stage="validate",
        )
        for rule_id, places in unchecked.items()
    ]


Terms = dict[str, Number | None]


def _instances(rule: Rule, report: Report, form: Form) -> Iterator[tuple[str, Terms, Terms]]:
    """Every place a rule applies — each column, row or block — as (where, left terms, right terms)."""
    applications = {key: [v.value for v in values] for key, values in report.applications.items()}
    columns = form.column_keys
    if rule.kind == "column_identity" and applications:
        result_roles = {row.key for row in form.all_application_rows() if row.role == "result"}
        result_rows = [key for key in applications if key in result_roles]
        left_keys, right_keys = _terms(rule.left, result_rows), _terms(rule.right, result_rows)
        if not all(key in applications for key in left_keys + right_keys):
            return
        for index, column in enumerate(columns):
            yield (
                f"applications column {column}",
                {key: applications[key][index] for key in left_keys},
                {key: applications[key][index] for key in right_keys},
            )
    elif rule.kind == "row_identity":
        for key, values in applications.items():
            yield (
                f"applications row {key}",
                {c: values[columns.index(c)] for c in rule.left},
                {c: values[columns.index(c)] for c in rule.right},
            )
    elif rule.kind == "block_identity" and len(report.review_litigation) == len(form.review_keys):
        cells = dict(zip(form.review_keys, (v.value for v in report.review_litigation), strict=True))
        for block in form.review_blocks:
            yield (
                f"review_litigation block {block.key}",
                {f"{block.key}_{m}": cells[f"{block.key}_{m}"] for m in rule.left},
                {f"{block.key}_{m}": cells[f"{block.key}_{m}"] for m in rule.right},
            )
