"""Report JSON → warehouse rows: one parsed document becomes its rows in every table, keyed by report id.

The input is the report JSON of spec/report-json.md (``Report.to_json()``), optionally with ``cells`` provenance;
nothing printed is changed on the way. A value the warehouse cannot hold as printed (a fractional application
count) is kept out of the number column and reported as a finding with the value, never rounded.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import pyarrow as pa

from pipelines.report.form import load_form
from warehouse.schema import application_column, review_cells, spec
from warehouse.schema import tables as all_tables

REPORT_ID_LENGTH = 16


def report_id(sha256: str) -> str:
    """A report is its document: the id is the document's sha256 prefix (64 bits, collision-free at our scale)."""
    return sha256[:REPORT_ID_LENGTH]


@dataclass
class Outcome:
    """What building made of one archived document: the report JSON, or None when it could not be read/parsed."""

    sha256: str
    source: str
    source_id: str | None
    media_type: str | None
    report: dict[str, Any] | None
    parser_version: str
    organ_id: str | None = None
    region_code: str | None = None
    failure: str | None = None
    failure_rule: str = "read.unreadable"
    extra_findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.report is None:
            return "unreadable" if self.failure_rule.startswith("read.") else "failed"
        template = self.report.get("template")
        if template is None:
            return "not_report"
        return "legacy" if template == "legacy" else "parsed"

    @property
    def year(self) -> int | None:
        year = (self.report or {}).get("year")
        return year if isinstance(year, int) else None


def _amount(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    raise ValueError(value)


def _count(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(value)


class _Batch:
    """Accumulates row dicts per table; one conversion to Arrow per table at the end."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows[table].append(row)

    def tables(self) -> dict[str, pa.Table]:
        out = {}
        for name, rows in self.rows.items():
            schema = spec(name).schema.append(pa.field("year", pa.int32()))
            out[name] = pa.Table.from_pylist(rows, schema=schema)
        return out


def batch_tables(outcomes: list[Outcome]) -> dict[str, pa.Table]:
    """Rows of every partitioned table for ``outcomes`` (each with a ``year`` column).

    A report JSON the tables cannot hold (a parser bug: a string where a number belongs) becomes that document's
    failure finding instead of failing the batch.
    """
    try:
        return _tables(outcomes)
    except _SHAPE_ERRORS:
        checked = []
        for outcome in outcomes:
            try:
                _tables([outcome])
                checked.append(outcome)
            except _SHAPE_ERRORS as error:
                checked.append(
                    replace(
                        outcome,
                        report=None,
                        failure=f"{outcome.source}: report JSON does not fit the tables: {error!r}",
                        failure_rule="build.rows_failed",
                    )
                )
        return _tables(checked)


_SHAPE_ERRORS = (pa.ArrowException, TypeError, ValueError, AttributeError, KeyError)


def _tables(outcomes: list[Outcome]) -> dict[str, pa.Table]:
    batch = _Batch()
    for outcome in outcomes:
        _add(batch, outcome)
    tables = batch.tables()
    for name in (name for name, table_spec in all_tables().items() if table_spec.partitioned):
        tables.setdefault(name, spec(name).schema.append(pa.field("year", pa.int32())).empty_table())
    return tables


def _finding(rid: str, outcome: Outcome, finding: dict[str, Any], year: int | None) -> dict[str, Any]:
    values = finding.get("values")
    return {
        "report_id": rid,
        "sha256": outcome.sha256,
        "stage": finding.get("stage", "parse"),
        "rule": finding.get("rule"),
        "severity": str(finding.get("severity", "warning")),
        "message": finding.get("message", ""),
        "location": finding.get("location") or None,
        "form_key": finding.get("form_key"),
        "values": json.dumps(values, ensure_ascii=False, sort_keys=True) if values else None,
        "year": year,
    }


def _add(batch: _Batch, outcome: Outcome) -> None:
    rid = report_id(outcome.sha256)
    report = outcome.report or {}
    year = outcome.year
    organ = outcome.organ_id
    batch.add(
        "reports",
        {
            "report_id": rid,
            "organ_id": organ,
            "agency": report.get("agency"),
            "region_code": outcome.region_code,
            "template": report.get("template"),
            "template_variant": report.get("template_variant"),
            "source_id": outcome.source_id,
            "source": outcome.source,
            "sha256": outcome.sha256,
            "media_type": outcome.media_type or (report.get("document") or {}).get("media_type"),
            "parser_version": outcome.parser_version,
            "status": outcome.status,
            "year": year,
        },
    )
    findings = list(report.get("findings", ())) + outcome.extra_findings
    if outcome.failure:
        findings.append(
            {"rule": outcome.failure_rule, "severity": "error", "message": outcome.failure, "stage": "build"}
        )
    provenance = {(c.get("part"), c.get("row"), c.get("column")): c for c in report.get("cells", ())}
    for cell in report.get("cells", ()):  # every printed value: its string, unit, note and location
        location = cell.get("location")
        batch.add(
            "cells",
            {
                "report_id": rid,
                "part": cell.get("part"),
                "row": cell.get("row"),
                "column": cell.get("column"),
                "raw": cell.get("raw"),
                "unit": cell.get("unit"),
                "note": cell.get("note"),
                "location": json.dumps(location, ensure_ascii=False, sort_keys=True) if location else None,
                "year": year,
            },
        )
    for item, measures in (report.get("active_disclosure") or {}).items():
        for measure, value in measures.items():
            if measure.endswith("_unit"):
                continue
            printed = provenance.get(("active_disclosure", item, measure), {})
            try:
                amount = _amount(value)
            except ValueError:
                amount = None
                findings.append(
                    _warehouse_finding(
                        "warehouse.not_a_number",
                        f"part 二 {item}/{measure} printed {value!r}, not a number (kept here only)",
                        f"{item}/{measure}",
                        {"value": value},
                    )
                )
            batch.add(
                "active_disclosure",
                {
                    "report_id": rid,
                    "organ_id": organ,
                    "item": item,
                    "measure": measure,
                    "value": amount,
                    "unit": measures.get(f"{measure}_unit"),
                    "raw": printed.get("raw"),
                    "year": year,
                },
            )
    form = load_form()
    applications = report.get("applications") or {}
    review = report.get("review_litigation") or []
    statistics: dict[str, Any] = {
        "report_id": rid,
        "organ_id": organ,
        "has_applications": bool(applications),
        "has_review": bool(review),
        "year": year,
    }
    if applications:
        known = {row.key for row in form.all_application_rows()}
        for row, values in applications.items():
            if row not in known:
                findings.append(
                    _warehouse_finding("warehouse.unknown_row", f"part 三 row {row!r} is not in the form", row)
                )
                continue
            for column, value in zip(form.column_keys, values, strict=False):
                try:
                    statistics[application_column(row, column)] = _count(value)
                except ValueError:
                    findings.append(
                        _warehouse_finding(
                            "warehouse.not_a_count",
                            f"part 三 {row}/{column} printed {value!r}, not a whole number (kept here only)",
                            f"{row}/{column}",
                            {"value": value},
                        )
                    )
    if review:
        for (key, _, _), value in zip(review_cells(), review, strict=False):
            try:
                statistics[key] = _count(value)
            except ValueError:
                findings.append(
                    _warehouse_finding(
                        "warehouse.not_a_count",
                        f"part 四 {key} printed {value!r}, not a whole number",
                        key,
                        {"value": value},
                    )
                )
    if applications or review:
        batch.add("statistics", statistics)
    for finding in findings:
        batch.add("findings", _finding(rid, outcome, finding, year))


def _warehouse_finding(rule: str, message: str, form_key: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "rule": rule,
        "severity": "warning",
        "message": message,
        "location": "",
        "form_key": form_key,
        "values": values or {},
        "stage": "warehouse",
    }
