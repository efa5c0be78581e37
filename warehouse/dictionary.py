"""The data dictionary: every column of every table and view — its Chinese label, what it means, its unit.

Defined once and read everywhere people meet the data: the catalog's ``COMMENT ON`` statements (so any DuckDB
client shows them), every export's dictionary file and sheet, the explorer's labels and Dagster's column schemas.
Form cells (``granted__natural_person``, ``review_upheld``, a part 三 row's 总计 ``granted``) are described from the
form model, so a new row needs no entry here; every other column is described in ``sql/columns.yaml``, globally or
per view where a name means something else there. A test keeps every catalog column described.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources
from typing import Any

import yaml

from pipelines.report.form import Form, Label, Measure, load_form
from warehouse.schema import application_column

COUNT_UNIT = "件"
"""Parts 三 and 四 count requests and cases (件)."""


@dataclass(frozen=True)
class ColumnDoc:
    """What one column holds: a Chinese label, its meaning (in English) and its unit, if any."""

    label: str
    meaning: str
    unit: str | None = None

    @property
    def comment(self) -> str:
        """The text of the column's ``COMMENT ON``: label — meaning [单位：unit]."""
        unit = f" [单位：{self.unit}]" if self.unit else ""
        return f"{self.label} — {self.meaning}{unit}"


@dataclass(frozen=True)
class FormCell:
    """One cell the form prints: part, row and column keys with their printed labels (ordinals included)."""

    part: str
    part_label: str
    row: str
    row_label: str
    row_group: str | None
    column: str
    column_label: str
    column_group: str | None
    unit: str | None
    templates: tuple[str, ...]
    wide_column: str | None
    """The ``statistics`` column holding the cell (parts 三 and 四); None for part 二, which is stored long."""


def _printed(label: Label) -> str:
    """A label as printed with its ordinal: 一、本年新收…, （三）不予公开, 1.属于国家秘密."""
    if not label.ordinal:
        return label.label
    ordinal = label.ordinal
    if ordinal.isdigit():
        return f"{ordinal}.{label.label}"
    return f"{ordinal}{label.label}" if ordinal.startswith("（") else f"{ordinal}、{label.label}"


def _section(form: Form, key: str) -> str:
    return _printed(next(section for section in form.sections if section.key == key))


def _measure_unit(measure: Measure) -> str | None:
    """Part 二's unit: a count's 件; an amount's 万元 where its label says so, else the unit printed beside it."""
    if not measure.amount:
        return COUNT_UNIT
    return "万元" if "万元" in measure.label else None  # printed beside the number: the row's unit column holds it


@cache
def form_cells() -> tuple[FormCell, ...]:
    """Every cell of parts 二, 三 and 四 that some template prints, in form order."""
    form = load_form()
    groups = {group.key: _printed(group) for group in form.groups}
    cells: dict[tuple[str, str, str], FormCell] = {}
    for template in form.templates.values():
        for item in template.items:
            for measure in item.measures:
                key = ("active_disclosure", item.key, measure.key)
                if key in cells:
                    cells[key] = replace(cells[key], templates=(*cells[key].templates, template.id))
                    continue
                cells[key] = FormCell(
                    "active_disclosure",
                    _section(form, "active_disclosure"),
                    item.key,
                    item.label,
                    item.band or None,
                    measure.key,
                    measure.label,
                    None,
                    _measure_unit(measure),
                    (template.id,),
                    None,
                )
    for row in form.all_application_rows():
        templates = tuple(t.id for t in form.templates.values() if any(r.key == row.key for r in t.rows))
        for column in form.columns:
            cells[("applications", row.key, column.key)] = FormCell(
                "applications",
                _section(form, "applications"),
                row.key,
                _printed(row),
                groups.get(row.group or ""),
                column.key,
                column.label,
                column.group,
                COUNT_UNIT,
                templates,
                application_column(row.key, column.key),
            )
    tables = tuple(t.id for t in form.templates.values() if t.has_tables)
    for block in form.review_blocks:
        for result in form.review_measures:
            cells[("review_litigation", block.key, result.key)] = FormCell(
                "review_litigation",
                _section(form, "review_litigation"),
                block.key,
                block.label,
                block.group,
                result.key,
                result.label,
                None,
                COUNT_UNIT,
                tables,
                f"{block.key}_{result.key}",
            )
    return tuple(cells.values())


@cache
def _form_docs() -> dict[str, ColumnDoc]:
    """Docs of the columns named after form keys: wide cells, a row's 总计, a group's 总计, part 四's cells."""
    form = load_form()
    total = form.column_keys[-1]
    docs: dict[str, ColumnDoc] = {}
    for cell in form_cells():
        if cell.wide_column is None:
            continue
        if cell.part == "applications":
            column = f"{cell.column_group}·{cell.column_label}" if cell.column_group else cell.column_label
            docs[cell.wide_column] = ColumnDoc(
                f"{cell.row_label}｜{column}",
                f"part 三, row {cell.row} in column {cell.column}: requests as printed (null: blank or not printed)",
                COUNT_UNIT,
            )
            if cell.column == total:
                docs[cell.row] = ColumnDoc(
                    f"{cell.row_label}（总计）",
                    f"part 三, row {cell.row} in the 总计 column: requests as printed",
                    COUNT_UNIT,
                )
        else:
            block = f"{cell.row_group}·{cell.row_label}" if cell.row_group else cell.row_label
            docs[cell.wide_column] = ColumnDoc(
                f"{block}｜{cell.column_label}",
                f"part 四, {cell.row} cases with result {cell.column}, as printed",
                COUNT_UNIT,
            )
    for group in form.groups:
        rows = [row for row in form.all_application_rows() if row.group == group.key]
        if rows and all(row.role == "result" for row in rows):
            docs[group.key] = ColumnDoc(
                f"{_printed(group)}（合计，总计列）",
                f"part 三, the sum of the {group.key} rows ({', '.join(row.key for row in rows)}) in the 总计 column",
                COUNT_UNIT,
            )
    return docs


@cache
def _yaml() -> dict[str, Any]:
    text = resources.files("warehouse").joinpath("sql", "columns.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _doc(entry: dict[str, Any]) -> ColumnDoc:
    return ColumnDoc(**entry)  # an unknown key (a comma left unquoted in the YAML) fails here, loudly


def describe(relation: str, column: str) -> ColumnDoc | None:
    """The doc of ``column`` in table or view ``relation``; None when nothing describes it (a test forbids that)."""
    data = _yaml()
    for pattern, special in (data.get("views") or {}).items():
        if fnmatchcase(relation, pattern) and column in special:
            return _doc(special[column])
    if column in _form_docs():
        return _form_docs()[column]
    if column in data["columns"]:
        return _doc(data["columns"][column])
    return None
