"""The form's arithmetic → findings. Every rule of templates/rules.yaml, each break with the numbers on both
sides. Nothing is repaired: a report that breaks its own sums is published that way and reported that way.

A rule with a blank term (a cell printed blank, '/', or not printed) cannot be checked: it is not broken.
"""

from __future__ import annotations

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
    findings = _check(report, form)
    unchecked: dict[str, list[str]] = {}
    for finding in findings:
        if finding.rule.endswith(".unchecked"):
            unchecked.setdefault(finding.rule, []).append(finding.location)
    summary = [
        Finding(
            rule,
            Severity.INFO,
            f"{rule.removesuffix('.unchecked')} not checkable where a term is blank: " + "; ".join(places),
            values={"locations": places},
            stage="validate",
        )
        for rule, places in unchecked.items()
    ]
    return [f for f in findings if not f.rule.endswith(".unchecked")] + summary


def _unchecked(rule: Rule, where: str) -> Finding:
    return Finding(f"{rule.id}.unchecked", Severity.INFO, "", where)


def _check(report: Report, form: Form) -> list[Finding]:
    findings: list[Finding] = []
    applications = {key: [v.value for v in values] for key, values in report.applications.items()}
    result_roles = {row.key for row in form.all_application_rows() if row.role == "result"}
    result_rows = [key for key in applications if key in result_roles]
    columns = form.column_keys
    review = [v.value for v in report.review_litigation]
    for rule in form.rules:
        if rule.kind == "column_identity" and applications:
            left_keys, right_keys = _terms(rule.left, result_rows), _terms(rule.right, result_rows)
            if not all(key in applications for key in left_keys + right_keys):
                continue
            for index, column in enumerate(columns):
                left = {key: applications[key][index] for key in left_keys}
                right = {key: applications[key][index] for key in right_keys}
                if None in left.values() or None in right.values():
                    findings.append(_unchecked(rule, f"applications column {column}"))
                elif not _equal(list(left.values()), list(right.values())):
                    findings.append(_finding(rule, f"applications column {column}", left, right))
        elif rule.kind == "row_identity" and applications:
            for key, values in applications.items():
                left = dict(zip(rule.left, (values[columns.index(c)] for c in rule.left), strict=True))
                right = dict(zip(rule.right, (values[columns.index(c)] for c in rule.right), strict=True))
                if None in left.values() or None in right.values():
                    findings.append(_unchecked(rule, f"applications row {key}"))
                elif not _equal(list(left.values()), list(right.values())):
                    findings.append(_finding(rule, f"applications row {key}", left, right))
        elif rule.kind == "block_identity" and len(review) == len(form.review_keys):
            cells = dict(zip(form.review_keys, review, strict=True))
            for block in form.review_blocks:
                left = {f"{block.key}_{m}": cells[f"{block.key}_{m}"] for m in rule.left}
                right = {f"{block.key}_{m}": cells[f"{block.key}_{m}"] for m in rule.right}
                if None in left.values() or None in right.values():
                    findings.append(_unchecked(rule, f"review_litigation block {block.key}"))
                elif not _equal(list(left.values()), list(right.values())):
                    findings.append(_finding(rule, f"review_litigation block {block.key}", left, right))
    return findings
