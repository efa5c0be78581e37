"""A report's three tables laid out as the form prints them, from the form model: headers, labels with their
ordinals, grouped rows and columns — and in every value cell what was printed there, where, and which of the form's
sums it breaks.

The grid is built from the template the report printed (parts 二 and 三 differ between templates); a cell is
whatever the page needs (one report's value, or two side by side), made by the ``value`` callback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipelines.report.arithmetic import checks, evaluate_all
from pipelines.report.form import Form, Rule, Template, load_form

CellKey = tuple[str, str, str]
"""(part, row, column): ('applications', 'granted', 'total'); for part 四 (block, measure)."""


@dataclass
class Header:
    text: str
    colspan: int = 1
    rowspan: int = 1
    kind: str = "head"  # head | label | group


@dataclass
class Printed:
    """One value cell of one report: the number, its printing and where it was printed."""

    key: CellKey
    label: str
    value: Any = None
    printed: str | None = None
    unit: str | None = None
    note: str | None = None
    location: dict[str, Any] = field(default_factory=dict)
    sides: set[str] = field(default_factory=set)
    """'left' / 'right': the side of a broken sum this cell is on."""
    breaks: list[int] = field(default_factory=list)
    """Indices of the breaks (in the page's list) this cell takes part in."""

    @property
    def shown(self) -> str:
        """The value as the page shows it: the number (a whole float without its .0), blank when not printed."""
        if self.value is None:
            return self.printed or ""
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value)

    @property
    def where(self) -> str:
        """The location in words: 'page 4, table 2, row 5, column 3' or 'line 40, item 2'."""
        location = self.location
        parts = []
        if "page" in location:
            parts.append(f"page {location['page']}")
        if "table" in location:
            parts.append(f"table {location['table'] + 1}")
        if "row" in location:
            parts.append(f"row {location['row'] + 1}")
        if "line" in location:
            parts.append(f"line {location['line']}")
        if "col" in location:
            parts.append(f"cell {location['col'] + 1}")
        return ", ".join(parts)


Row = list[Any]
Value = Callable[[CellKey, str], Any]


@dataclass
class Grid:
    """A part of the form: its heading and its rows of Header and value cells."""

    part: str
    title: str
    rows: list[Row]


def _printed(label: Any) -> str:
    ordinal = label.ordinal
    if not ordinal:
        return label.label
    if ordinal.isdigit():
        return f"{ordinal}.{label.label}"
    return f"{ordinal}{label.label}" if ordinal.startswith("（") else f"{ordinal}、{label.label}"


def _section(form: Form, key: str) -> str:
    return _printed(next(section for section in form.sections if section.key == key))


def table_template(form: Form, template_id: str | None) -> Template | None:
    """The template to lay a report out by: the one it printed, when that one has tables."""
    template = form.templates.get(template_id or "")
    return template if template is not None and template.has_tables else None


def disclosure_grid(template: Template, value: Value, form: Form | None = None) -> Grid:
    """Part 二: per article band, a header of its measures, then its items."""
    form = form or load_form()
    rows: list[Row] = []
    previous: tuple[str, tuple[str, ...]] | None = None
    width = 1 + max(len(item.measures) for item in template.items)
    for item in template.items:
        measures = tuple(measure.key for measure in item.measures)
        pad = [Header("", colspan=width - 1 - len(measures), kind="blank")] if width - 1 > len(measures) else []
        if (item.band, measures) != previous:
            rows.append([Header(item.band, colspan=width, kind="group")])
            rows.append([Header(form.headers["active_disclosure"]), *(Header(m.label) for m in item.measures), *pad])
            previous = (item.band, measures)
        cells: Row = [Header(item.label, kind="label")]
        cells += [value(("active_disclosure", item.key, m.key), f"{item.label}｜{m.label}") for m in item.measures]
        rows.append([*cells, *pad])
    return Grid("active_disclosure", _section(form, "active_disclosure"), rows)


def _column_headers(form: Form) -> tuple[Row, Row]:
    """Part 三's applicant columns as the form prints them: 自然人 | 法人或其他组织 (five) | 总计."""
    top: Row = []
    below: Row = []
    groups: list[tuple[str | None, list[Any]]] = []
    for column in form.columns:
        if groups and column.group and groups[-1][0] == column.group:
            groups[-1][1].append(column)
        else:
            groups.append((column.group, [column]))
    for group, columns in groups:
        if group is None:
            top.extend(Header(column.label, rowspan=2) for column in columns)
        else:
            top.append(Header(group, colspan=len(columns)))
            below.extend(Header(column.label) for column in columns)
    return top, below


def applications_grid(template: Template, value: Value, form: Form | None = None) -> Grid:
    """Part 三: the applicant columns, then every row with its ordinal, the result rows grouped as printed."""
    form = form or load_form()
    columns = form.column_keys
    groups = {group.key: group for group in form.groups}
    top, below = _column_headers(form)
    rows: list[Row] = [
        [
            Header(form.headers["applications_note"], colspan=3, rowspan=3),
            Header(form.headers["applicants"], colspan=len(columns)),
        ],
        top,
        below,
    ]
    results = [row for row in template.rows if row.role in ("result", "total")]
    seen_groups: set[str] = set()
    for row in template.rows:
        cells: Row = []
        if row.role in ("input", "output"):
            cells.append(Header(_printed(row), colspan=3, kind="label"))
        else:
            if row is results[0]:
                cells.append(Header(_printed(groups["results"]), rowspan=len(results), kind="group"))
            if row.group == "results":
                cells.append(Header(_printed(row), colspan=2, kind="label"))
            else:
                if row.group and row.group not in seen_groups:
                    members = [r for r in template.rows if r.group == row.group]
                    cells.append(Header(_printed(groups[row.group]), rowspan=len(members), kind="group"))
                    seen_groups.add(row.group or "")
                cells.append(Header(_printed(row), kind="label"))
        column_labels = {column.key: column.label for column in form.columns}
        label = _printed(row)
        cells += [value(("applications", row.key, column), f"{label}｜{column_labels[column]}") for column in columns]
        rows.append(cells)
    return Grid("applications", _section(form, "applications"), rows)


def review_grid(value: Value, form: Form | None = None) -> Grid:
    """Part 四: 行政复议 and the two 行政诉讼 blocks, five results each, one row of 15 values."""
    form = form or load_form()
    measures = form.review_measures
    top: Row = []
    middle: Row = []
    for block in form.review_blocks:
        if block.group is None:
            top.append(Header(block.label, colspan=len(measures), rowspan=2))
        else:
            if not top or top[-1].text != block.group:
                top.append(Header(block.group, colspan=0))
            top[-1].colspan += len(measures)
            middle.append(Header(block.label, colspan=len(measures)))
    heads: Row = [Header(measure.label) for _ in form.review_blocks for measure in measures]
    values: Row = [
        value(("review_litigation", block.key, measure.key), f"{block.label}｜{measure.label}")
        for block in form.review_blocks
        for measure in measures
    ]
    return Grid("review_litigation", _section(form, "review_litigation"), [top, middle, heads, values])


def grids(template: Template | None, value: Value) -> list[Grid]:
    """The report's three tables (part 二 only when its template has items, parts 三 and 四 when it has tables)."""
    if template is None:
        return []
    form = load_form()
    out = []
    if template.items:
        out.append(disclosure_grid(template, value, form))
    out.append(applications_grid(template, value, form))
    out.append(review_grid(value, form))
    return out


@dataclass(frozen=True)
class BrokenSum:
    """One place a form rule does not add up: the rule, where (its column, row or block), both sides' cells."""

    rule: Rule
    where: str
    left: tuple[CellKey, ...]
    right: tuple[CellKey, ...]
    left_sum: float
    right_sum: float


def broken_sums(
    template: Template | None, value: Callable[[CellKey], Any], form: Form | None = None
) -> list[BrokenSum]:
    """The form's rules checked on one report's values by the one rule evaluator (pipelines/report/arithmetic.py,
    as the validator and the form_breaks view use it): every place a sum does not add up, with its cells."""
    if template is None:
        return []
    form = form or load_form()
    out = []
    for outcome in evaluate_all(checks(form, (template,)), value):
        if outcome.broken:
            check = outcome.check
            sides = [
                tuple(ref for entry in side for term in entry for ref in term.cells)
                for side in (check.left, check.right)
            ]
            out.append(BrokenSum(check.rule, check.key, *sides, outcome.left_sum, outcome.right_sum))
    return out
