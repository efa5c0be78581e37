"""The form's arithmetic, evaluated by one piece of code: the rules of templates/rules.yaml as checks.

Each rule is a linear identity ``sum(left) = sum(right)`` applied over every column, row or block of a part. It is
expanded here, once, into the checks it makes — one per place it applies, each naming the cells on both sides —
and evaluated on any values: a parsed report (validate.py), a trial reading of run-together digits (digits.py),
and, compiled to SQL from the same objects, the warehouse's tables (warehouse/generated.py).

A term with a blank cell is unknown; a check with an unknown term is not checkable, never broken.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from pipelines.report.form import Form, Rule, Template

Number = int | float
CellRef = tuple[str, str, str]
"""A cell of the form: (part, row, column) — ('applications', 'total', 'natural_person'), or for part 四
('review_litigation', block, measure)."""

APPLICATIONS = "applications"
REVIEW = "review_litigation"
RESULT_ROWS = "@result"  # rules.yaml's name for every row whose role is result


@dataclass(frozen=True)
class Term:
    """One term of a check: the sum of one option's cells, the first option whose cells are all printed.

    Most terms are one cell. Checked over every template at once (the warehouse's SQL), a group that templates
    print in different rows — （六）其他处理 as three rows (2021) or one (2019) — is one term of two options.
    """

    name: str
    options: tuple[tuple[CellRef, ...], ...]

    @classmethod
    def cell(cls, name: str, ref: CellRef) -> Term:
        return cls(name, ((ref,),))

    @property
    def cells(self) -> tuple[CellRef, ...]:
        return tuple(ref for option in self.options for ref in option)


Entry = tuple[Term, ...]
"""What one key of a rule's side expands to: a cell, or every result row for ``@result``."""


@dataclass(frozen=True)
class Check:
    """One place a rule applies: ``where`` (e.g. 'applications column natural_person') and its two sides."""

    rule: Rule
    where: str
    key: str  # the column, row or block the check is about
    left: tuple[Entry, ...]
    right: tuple[Entry, ...]

    @cached_property
    def terms(self) -> tuple[Term, ...]:
        return tuple(term for entry in (*self.left, *self.right) for term in entry)

    @cached_property
    def cells(self) -> frozenset[CellRef]:
        return frozenset(ref for term in self.terms for ref in term.cells)


@dataclass(frozen=True)
class Outcome:
    """A check evaluated: the value of every term (None: blank), and whether it holds."""

    check: Check
    left: dict[str, Number | None]
    right: dict[str, Number | None]

    @property
    def checkable(self) -> bool:
        return None not in self.left.values() and None not in self.right.values()

    @property
    def left_sum(self) -> Number:
        return sum(value for value in self.left.values() if value is not None)

    @property
    def right_sum(self) -> Number:
        return sum(value for value in self.right.values() if value is not None)

    @property
    def broken(self) -> bool:
        return self.checkable and abs(self.left_sum - self.right_sum) > 1e-9

    @property
    def possible(self) -> bool:
        """Not broken, and where a term is blank, not beyond what a count (never negative) there could make up.

        '9 + 0 + blank = 8' cannot hold whatever the blank is; '9 + 0 + blank = 12' can. A trial reading of
        run-together digits is judged so; a printed report is only ever judged by ``broken``.
        """
        if self.checkable:
            return not self.broken
        left_open, right_open = None in self.left.values(), None in self.right.values()
        if left_open and right_open:
            return True
        if left_open:
            return self.left_sum <= self.right_sum + 1e-9
        return self.right_sum <= self.left_sum + 1e-9


Values = Callable[[CellRef], Number | None]


def _term_value(term: Term, values: Values) -> Number | None:
    for option in term.options:
        numbers = [values(ref) for ref in option]
        if all(number is not None for number in numbers):
            return sum(number for number in numbers if number is not None)
    return None


def evaluate(check: Check, values: Values) -> Outcome:
    """The check on ``values`` (a cell → its number, None where blank or unknown)."""

    def side(entries: tuple[Entry, ...]) -> dict[str, Number | None]:
        return {term.name: _term_value(term, values) for entry in entries for term in entry}

    return Outcome(check, side(check.left), side(check.right))


def evaluate_all(checks: Iterable[Check], values: Values) -> list[Outcome]:
    return [evaluate(check, values) for check in checks]


# --- expanding the rules ---------------------------------------------------------------------------------------


@cache
def checks(form: Form, templates: tuple[Template, ...]) -> tuple[Check, ...]:
    """Every check the form's rules make on a report of one of ``templates``.

    One template: a parsed report's checks. Several (every template with tables): checks that hold whichever
    template a report used, for data that does not say (the warehouse's tables).
    """
    out: list[Check] = []
    for rule in form.rules:
        out.extend(_rule_checks(rule, form, templates))
    return tuple(out)


def table_templates(form: Form) -> tuple[Template, ...]:
    return tuple(template for template in form.templates.values() if template.has_tables)


def _rule_checks(rule: Rule, form: Form, templates: tuple[Template, ...]) -> list[Check]:
    if rule.kind == "column_identity":
        return [
            Check(
                rule,
                f"{APPLICATIONS} column {column}",
                column,
                tuple(_row_entry(key, column, templates) for key in rule.left),
                tuple(_row_entry(key, column, templates) for key in rule.right),
            )
            for column in form.column_keys
        ]
    if rule.kind == "row_identity":
        rows = _rows(form, templates)
        return [
            Check(
                rule,
                f"{APPLICATIONS} row {row}",
                row,
                tuple((Term.cell(column, (APPLICATIONS, row, column)),) for column in rule.left),
                tuple((Term.cell(column, (APPLICATIONS, row, column)),) for column in rule.right),
            )
            for row in rows
        ]
    if rule.kind == "block_identity":
        return [
            Check(
                rule,
                f"{REVIEW} block {block.key}",
                block.key,
                tuple((Term.cell(f"{block.key}_{m}", (REVIEW, block.key, m)),) for m in rule.left),
                tuple((Term.cell(f"{block.key}_{m}", (REVIEW, block.key, m)),) for m in rule.right),
            )
            for block in form.review_blocks
        ]
    raise ValueError(f"rule {rule.id}: unknown kind {rule.kind!r}")


def _rows(form: Form, templates: tuple[Template, ...]) -> list[str]:
    """Every part 三 row of the templates, in the form's order."""
    keys = {row.key for template in templates for row in template.rows}
    return [row.key for row in form.all_application_rows() if row.key in keys]


def _row_entry(key: str, column: str, templates: tuple[Template, ...]) -> Entry:
    if key != RESULT_ROWS:
        return (Term.cell(key, (APPLICATIONS, key, column)),)
    return result_terms(column, templates)


def result_terms(column: str, templates: tuple[Template, ...]) -> Entry:
    """Part 三's result rows in one column: the rows every template has, each a term, then — where templates
    differ — one term whose options are each template's own rows."""
    results = [[row.key for row in template.result_rows] for template in templates]
    shared = [key for key in results[0] if all(key in keys for keys in results)]
    alternatives: list[list[str]] = []
    for keys in results:
        specific = [key for key in keys if key not in shared]
        if specific and specific not in alternatives:
            alternatives.append(specific)
    terms = [Term.cell(key, (APPLICATIONS, key, column)) for key in shared]
    if len(alternatives) == 1:
        terms += [Term.cell(key, (APPLICATIONS, key, column)) for key in alternatives[0]]
    elif alternatives:
        options = tuple(tuple((APPLICATIONS, key, column) for key in keys) for keys in alternatives)
        terms.append(Term(" | ".join("+".join(keys) for keys in alternatives), options))
    return tuple(terms)


@cache
def row_shape(form: Form, part: str) -> tuple[int, int]:
    """(blocks, cells per block) of one printed row of a part, each block summing to its last cell by the form's
    own rules: (1, 7) for a part 三 row (the six applicant columns sum to 总计), (3, 5) for part 四's row.

    The digit splitter enumerates readings of run-together digits by this shape; every reading is then checked
    by ``evaluate`` like any other values.
    """
    for rule in form.rules:
        if rule.part != part:
            continue
        if rule.kind == "row_identity" and [*rule.left, *rule.right] == list(form.column_keys):
            return 1, len(form.column_keys)
        if rule.kind == "block_identity" and len(rule.right) == 1:
            measures = [m.key for m in form.review_measures]
            if [*rule.left, *rule.right] == measures:
                return len(form.review_blocks), len(measures)
    raise ValueError(f"no rule of part {part} makes each printed row sum to its last cell")


def sum_holds(form: Form, part: str, numbers: Sequence[Number | None], short: bool = False) -> bool:
    """Whether a printed row's numbers keep the sums of the part's row shape (row_shape): each block's last the
    sum of the others. ``short``: a row printed with fewer cells, one block whose last is the sum of the others."""
    blocks, parts = (1, len(numbers)) if short else row_shape(form, part)
    if len(numbers) != blocks * parts or None in numbers:
        return False
    values = [number for number in numbers if number is not None]
    return all(
        abs(sum(values[b * parts : (b + 1) * parts - 1]) - values[(b + 1) * parts - 1]) < 1e-9 for b in range(blocks)
    )


def room_for_blanks(form: Form, part: str, numbers: Sequence[Number | None]) -> bool:
    """Whether a printed row's blank cells could be counts (never negative) that keep its blocks' sums: '·, 140, 0,
    0, 0, 0, 14' could not — 140 alone is more than the total. A row printing every cell is not judged here."""
    blocks, parts = row_shape(form, part)
    if len(numbers) != blocks * parts:
        return True
    for block in range(blocks):
        *terms, total = numbers[block * parts : (block + 1) * parts]
        known = sum(term for term in terms if term is not None)
        if None in terms and total is not None and known > total + 1e-9:
            return False
    return True
