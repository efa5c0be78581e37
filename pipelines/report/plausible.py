"""Values the form cannot hold, set aside: a count printed negative or with a fraction, a value beyond any organ's
scale, a value the warehouse's number types cannot store.

The rule: such a value is left blank (None) — it is not a number the report can mean, and a wrong number is worse
than a blank — while its printing stays in the cell's raw string and location, and a warning names it with both.
Nothing else is touched; the arithmetic is checked afterwards on what is left (a blank term makes a rule uncheckable,
not broken).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pipelines.findings import FindingsLog
from pipelines.report.form import Form, Template
from pipelines.report.model import Report, Value

COUNT_MAX = 2**63 - 1  # counts are stored as int64 (warehouse/schema.py; tests/report/test_plausible.py checks it)
AMOUNT_DIGITS = 15  # amounts are stored as float64: exact to 15 significant digits


def _cells(report: Report, template: Template, form: Form) -> Iterator[tuple[str, str, Value, bool, bool]]:
    """(part, where, value, is an amount, may be negative) for every value of the report."""
    measures = {m.key: m for m in template.measures}
    for item, values in report.active_disclosure.items():
        for key, value in values.items():
            measure = measures.get(key)
            amount, signed = (measure.amount, measure.signed) if measure else (False, False)
            yield "active_disclosure", f"part 二 {item}.{key}", value, amount, signed
    for row, row_values in report.applications.items():
        for column, value in zip(form.column_keys, row_values, strict=False):
            yield "applications", f"part 三 {row}.{column}", value, False, False
    for key, value in zip(form.review_keys, report.review_litigation, strict=False):
        yield "review_litigation", f"part 四 {key}", value, False, False


@dataclass(frozen=True)
class Problem:
    rule: str
    why: str


def _problem(value: int | float, part: str, amount: bool, signed: bool, form: Form) -> Problem | None:
    """What is wrong with a value the form cannot hold, or None."""
    if amount:
        digits = len(f"{abs(value):.15g}".replace(".", "").lstrip("0")) if value else 0
        if (isinstance(value, int) and len(str(abs(value))) > AMOUNT_DIGITS) or digits > AMOUNT_DIGITS:
            return Problem(rule="value.overflow", why=f"more than {AMOUNT_DIGITS} significant digits (float64)")
    elif isinstance(value, float) and not value.is_integer():
        return Problem(rule="value.fractional", why="a count with a fraction")
    elif abs(value) > COUNT_MAX:
        return Problem(rule="value.overflow", why="beyond the int64 the warehouse stores counts in")
    if value < 0 and not signed:
        return Problem(rule="value.negative", why="a negative count")
    limit = form.plausible["amount" if amount else part]
    if abs(value) > limit:
        return Problem(rule="value.implausible", why=f"beyond any organ's scale for part {part} (at most {limit:,.0f})")
    return None


def check_values(report: Report, template: Template, form: Form, log: FindingsLog) -> None:
    """Blank every value the form cannot hold, with a warning naming it, its printing and why."""
    for part, where, value, amount, signed in _cells(report, template, form):
        if value.value is None:
            continue
        problem = _problem(value.value, part, amount, signed, form)
        if problem is None:
            continue
        log.warning(
            problem.rule,
            f"{where}: printed '{value.raw.strip()}' is {problem.why}; left blank",
            value.location,
            form_key=part,
            printed=value.raw,
            read=str(value.value),
            cell=where,
        )
        value.value = None
