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
                    disclosure[item][f"{measure}_unit"] = value.unit
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
