"""The parsed report: the form's values keyed by form keys, each with its provenance, plus findings.

`Report.to_json()` is the contract of spec/report-json.md (`govreports parse` prints it; the warehouse reads it).
Values are as printed: a number, or None where the cell is blank or holds '/', '-', '无' …; the raw string, unit,
note and location of every value travel in `cells` so every number can be traced to where it was printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipelines.document.model import Location
from pipelines.findings import Finding
from pipelines.report.form import load_form


@dataclass
class Value:
    """One printed cell read as a value."""

    value: int | float | None
    raw: str
    location: Location = field(default_factory=Location)
    unit: str | None = None
    note: str | None = None

    @classmethod
    def missing(cls) -> Value:
        """A cell the form has but the report did not print."""
        return cls(value=None, raw="")

    @classmethod
    def from_json(cls, value: Any, cell: dict[str, Any] | None = None, *, unit: str | None = None) -> Value:
        """A value of the report JSON with its provenance ``cell``; without one, it was printed as the plain number.

        Raises ValueError for anything but a number or null (the JSON of a Report holds nothing else)."""
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ValueError(f"{value!r} is not a number")
        if cell is None:
            return cls(value=value, raw=plain(value), unit=unit)
        return cls(
            value=value,
            raw=str(cell.get("raw", "")),
            location=Location.from_json(cell.get("location")),
            unit=cell.get("unit", unit),
            note=cell.get("note"),
        )


@dataclass
class Report:
    source: str
    sha256: str
    media_type: str
    parser_version: str
    agency: str | None = None
    year: int | None = None
    template: str | None = None
    template_variant: str | None = None
    active_disclosure: dict[str, dict[str, Value]] = field(default_factory=dict)
    applications: dict[str, list[Value]] = field(default_factory=dict)
    review_litigation: list[Value] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        disclosure: dict[str, dict[str, Any]] = {}
        for item, measures in self.active_disclosure.items():
            disclosure[item] = {}
            for measure, value in measures.items():
                disclosure[item][measure] = value.value
                if value.unit:
                    disclosure[item][measure + UNIT_SUFFIX] = value.unit
        return {
            "document": {"source": self.source, "sha256": self.sha256, "media_type": self.media_type},
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "template_variant": self.template_variant,
            "active_disclosure": disclosure,
            "applications": {row: [v.value for v in values] for row, values in self.applications.items()},
            "review_litigation": [v.value for v in self.review_litigation],
            "findings": [finding.to_json() for finding in self.findings],
            "parser_version": self.parser_version,
            "cells": list(self._cells()),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """The Report whose ``to_json()`` is ``data``, exactly: every value with its raw string, unit, note and
        location (from ``cells``), and every finding. This is how the parse stage's persisted reports come back as
        typed objects. JSON without ``cells`` (the seeds' expected values) reads each value as printed plainly.
        Raises ValueError naming the part that does not fit."""
        if not isinstance(data, dict):
            raise ValueError(f"a report is a JSON object, not {type(data).__name__}")
        form = load_form()
        cells: dict[tuple[str, str, str], dict[str, Any]] = {}
        for cell in data.get("cells") or ():
            cells[(cell["part"], cell["row"], cell["column"])] = cell
        document = data.get("document") or {}
        report = cls(
            source=str(document.get("source", "")),
            sha256=str(document.get("sha256", "")),
            media_type=str(document.get("media_type", "")),
            parser_version=str(data.get("parser_version", "")),
            agency=_optional(data, "agency", str),
            year=_optional(data, "year", int),
            template=_optional(data, "template", str),
            template_variant=_optional(data, "template_variant", str),
        )
        for item, measures in _mapping(data, "active_disclosure").items():
            if not isinstance(measures, dict):
                raise ValueError(f"active_disclosure.{item}: {measures!r} is not an object")
            report.active_disclosure[item] = {}
            for measure, value in measures.items():
                if measure.endswith(UNIT_SUFFIX) and measure.removesuffix(UNIT_SUFFIX) in measures:
                    continue
                where = f"active_disclosure.{item}.{measure}"
                report.active_disclosure[item][measure] = _value(
                    where, value, cells.get(("active_disclosure", item, measure)), measures.get(measure + UNIT_SUFFIX)
                )
        for row, values in _mapping(data, "applications").items():
            if not isinstance(values, list):
                raise ValueError(f"applications.{row}: {values!r} is not a list")
            columns = [*form.column_keys, *(None for _ in values[len(form.column_keys) :])]
            report.applications[row] = [
                _value(f"applications.{row}[{index}]", value, cells.get(("applications", row, str(column))))
                for index, (value, column) in enumerate(zip(values, columns, strict=False))
            ]
        review = data.get("review_litigation") or []
        if not isinstance(review, list):
            raise ValueError(f"review_litigation: {review!r} is not a list")
        keys = [*form.review_keys, *(None for _ in review[len(form.review_keys) :])]
        for index, (value, key) in enumerate(zip(review, keys, strict=False)):
            block, _, measure = (key or "").rpartition("_")
            cell = cells.get(("review_litigation", block, measure)) if key else None
            report.review_litigation.append(_value(f"review_litigation[{index}]", value, cell))
        report.findings = [Finding.from_json(finding) for finding in data.get("findings") or ()]
        return report

    def _cells(self):
        """Provenance of every value: part, row, column, value, raw string, unit, note and location."""
        for item, measures in self.active_disclosure.items():
            for measure, value in measures.items():
                yield _cell("active_disclosure", item, measure, value)
        form = load_form()
        for row, values in self.applications.items():
            for column, value in zip(form.column_keys, values, strict=False):
                yield _cell("applications", row, column, value)
        for key, value in zip(form.review_keys, self.review_litigation, strict=False):
            yield _cell("review_litigation", key.rsplit("_", 1)[0], key.rsplit("_", 1)[1], value)


UNIT_SUFFIX = "_unit"
"""Part 二 prints a cell's unit beside its measure: ``amount`` and ``amount_unit``."""


def plain(value: int | float | None) -> str:
    """A number as plainly printed: '' for blank, '2' for 2.0, '29458.49'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _value(where: str, value: Any, cell: dict[str, Any] | None, unit: str | None = None) -> Value:
    try:
        return Value.from_json(value, cell, unit=unit)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ValueError(f"{key}: {value!r} is not an object")
    return value


def _optional(data: dict[str, Any], key: str, kind: type) -> Any:
    value = data.get(key)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise ValueError(f"{key}: {value!r} is not a {kind.__name__}")
    return value


def _cell(part: str, row: str, column: str, value: Value) -> dict[str, Any]:
    cell: dict[str, Any] = {"part": part, "row": row, "column": column, "value": value.value, "raw": value.raw}
    if value.unit:
        cell["unit"] = value.unit
    if value.note:
        cell["note"] = value.note
    location = value.location.to_json()
    if location:
        cell["location"] = location
    return cell
