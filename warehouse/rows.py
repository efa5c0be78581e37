"""Typed Reports → warehouse rows: one function per table, each row keyed by the report id.

The input is what the parse stage persisted (``ParsedDocument``: a ``Report`` or the reason there is none) plus
what the warehouse knows of the document (source id, organ, region). Nothing printed is changed on the way.

A value the number columns cannot hold as printed — a fractional application count, a count of 20 digits that
overflows int64, an amount beyond float64's exact integers, a negative count, a NaN — stays out of its number
column (null there), is kept as printed in ``cells`` (provenance), and becomes a warehouse finding with the
value; the rest of the report lands. The checks are explicit (``_held``); and should making a document's rows fail
anyway, that document alone becomes a failed report with a finding, never the batch.
"""

from __future__ import annotations

import json
import math
import traceback
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pyarrow as pa

from pipelines.findings import Finding, FindingsLog
from pipelines.report.form import load_form
from pipelines.report.model import Report, Value, plain
from pipelines.report.outcome import ParsedDocument
from warehouse.schema import UNKNOWN_YEAR, application_column, review_cells, spec
from warehouse.schema import tables as all_tables

REPORT_ID_LENGTH = 16
INT64_MAX = 2**63 - 1
EXACT_FLOAT = 2**53
"""Integers up to this are exact in float64 (part 二's value column); a larger printed integer would be rounded."""
FIRST_YEAR, LAST_YEAR = 1949, 2999
"""Years a report can cover; anything else (an OCR slip, a run of digits) files the report under year 0."""


def report_id(sha256: str) -> str:
    """A report is its document: the id is the document's sha256 prefix (64 bits, collision-free at our scale)."""
    return sha256[:REPORT_ID_LENGTH]


@dataclass
class Outcome:
    """One document as the warehouse loads it: what the parse stage made of it, and where it belongs."""

    parsed: ParsedDocument
    source_id: str | None
    media_type: str | None = None
    """The manifest's media type, for a document the parser could not read (a report names its own)."""
    organ_id: str | None = None
    region_code: str | None = None

    @property
    def sha256(self) -> str:
        return self.parsed.sha256

    @property
    def report(self) -> Report | None:
        return self.parsed.report

    @property
    def status(self) -> str:
        return self.parsed.status


@dataclass
class _Held:
    """What the number columns hold of one report, and which printed cells they could not hold."""

    year: int | None = None
    disclosure: dict[tuple[str, str], float | None] = field(default_factory=dict)
    statistics: dict[str, int | None] = field(default_factory=dict)
    not_held: set[tuple[str, str, str]] = field(default_factory=set)
    """(part, row, column) of values kept only as printed, in ``cells``."""
    findings: list[Finding] = field(default_factory=list)
    """The warehouse's own findings: each value it could not hold."""


class _Problem(NamedTuple):
    """Why a value does not fit its column: the finding's rule and its reason."""

    rule: str
    why: str


def batch_tables(outcomes: list[Outcome]) -> dict[str, pa.Table]:
    """Rows of every partitioned table for ``outcomes`` (each with a ``year`` column)."""
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    per_document = [_document_rows(outcome) for outcome in outcomes]
    for document in per_document:
        for name, table_rows in document.items():
            rows[name].extend(table_rows)
    try:
        return _arrow(rows)
    except Exception:  # a value _held let through; find the document, fail it alone
        return _arrow_per_document(outcomes, per_document)


def _document_rows(outcome: Outcome) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows for one document; a document whose rows cannot be made is a failed report instead."""
    try:
        held = _held(outcome)
        rows = {
            "reports": [report_row(outcome, held)],
            "active_disclosure": disclosure_rows(outcome, held),
            "statistics": statistics_rows(outcome, held),
            "cells": cell_rows(outcome, held),
        }
        rows["findings"] = finding_rows(outcome, held)
        return rows
    except Exception as error:  # per-document isolation: one odd report never stops the batch
        return _document_rows(_failed(outcome, error))


def _failed(outcome: Outcome, error: BaseException) -> Outcome:
    where = traceback.format_exception(error)[-2].strip().splitlines()[0] if error.__traceback__ else ""
    finding = FindingsLog(outcome.parsed.source, "warehouse").error(
        "warehouse.rows_failed",
        f"{outcome.parsed.source}: the report does not fit the tables: {type(error).__name__}: {error} ({where})",
    )
    parsed = ParsedDocument(outcome.sha256, outcome.parsed.source, outcome.parsed.parser_version, failure=finding)
    media_type = outcome.report.media_type if outcome.report else outcome.media_type
    return Outcome(parsed, outcome.source_id, media_type, outcome.organ_id, outcome.region_code)


def _schema(name: str) -> pa.Schema:
    return spec(name).schema.append(pa.field("year", pa.int32()))


def _arrow(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    names = [name for name, table_spec in all_tables().items() if table_spec.partitioned]
    return {name: pa.Table.from_pylist(rows.get(name, []), schema=_schema(name)) for name in names}


def _arrow_per_document(
    outcomes: list[Outcome], per_document: list[dict[str, list[dict[str, Any]]]]
) -> dict[str, pa.Table]:
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for outcome, document in zip(outcomes, per_document, strict=True):
        try:
            _arrow(document)
        except Exception as error:  # this document's rows do not convert: it alone fails
            document = _document_rows(_failed(outcome, error))
        for name, table_rows in document.items():
            rows[name].extend(table_rows)
    return _arrow(rows)


# --- what the number columns can hold ----------------------------------------------------------------------------


def _held(outcome: Outcome) -> _Held:
    """Check every value of the report against its column; what does not fit becomes a finding (and provenance)."""
    held = _Held()
    report = outcome.report
    if report is None:
        return held
    log = FindingsLog(outcome.parsed.source, "warehouse", held.findings)
    if report.year is not None:
        if isinstance(report.year, int) and FIRST_YEAR <= report.year <= LAST_YEAR:
            held.year = report.year
        else:
            log.warning("warehouse.implausible_year", f"year {report.year!r} filed under year {UNKNOWN_YEAR}")
    for item, measures in report.active_disclosure.items():
        for measure, value in measures.items():
            held.disclosure[(item, measure)] = _hold(value, ("active_disclosure", item, measure), _amount, held, log)
    form = load_form()
    known = {row.key for row in form.all_application_rows()}
    for row, values in report.applications.items():
        if row not in known:
            log.warning("warehouse.unknown_row", f"part 三 row {row!r} is not in the form", form_key=row)
            continue
        if len(values) > len(form.column_keys):
            extra = [value.raw for value in values[len(form.column_keys) :]]
            log.warning(
                "warehouse.extra_values", f"part 三 {row}: values beyond the form's columns", form_key=row, extra=extra
            )
        for column, value in zip(form.column_keys, values, strict=False):
            held.statistics[application_column(row, column)] = _hold(
                value, ("applications", row, column), _count, held, log
            )
    cells = review_cells()
    if len(report.review_litigation) > len(cells):
        extra = [value.raw for value in report.review_litigation[len(cells) :]]
        log.warning("warehouse.extra_values", "part 四: values beyond the form's 15 cells", extra=extra)
    for (key, block, measure), value in zip(cells, report.review_litigation, strict=False):
        held.statistics[key] = _hold(value, ("review_litigation", block, measure), _count, held, log)
    return held


Check = Callable[[Any], "tuple[Any, _Problem | None]"]


def _hold(value: Value, where: tuple[str, str, str], check: Check, held: _Held, log: FindingsLog) -> Any:
    number, problem = check(value.value)
    if problem is None:
        return number
    part, row, column = where
    printed = value.raw or plain(_number(value.value)) or repr(value.value)
    message = f"{part} {row}/{column} printed {printed!r}: {problem.why}; kept as printed in cells, not as a number"
    log.warning(problem.rule, message, form_key=f"{row}/{column}", value=printed)
    held.not_held.add(where)
    return None


def _number(value: Any) -> int | float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _count(value: Any) -> tuple[int | None, _Problem | None]:
    """A count for an int64 column: a whole number from 0 to 2⁶³−1."""
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, _Problem(rule="warehouse.not_a_count", why="not a number")
    if isinstance(value, float) and not math.isfinite(value):
        return None, _Problem(rule="warehouse.not_a_count", why="not a finite number")
    if isinstance(value, float) and not value.is_integer():
        return None, _Problem(rule="warehouse.not_a_count", why="not a whole number")
    if value < 0:
        return None, _Problem(rule="warehouse.negative_count", why="a count cannot be negative")
    if value > INT64_MAX:
        return None, _Problem(rule="warehouse.out_of_range", why="beyond the largest count the warehouse holds (2⁶³−1)")
    return int(value), None


def _amount(value: Any) -> tuple[float | None, _Problem | None]:
    """A part 二 value for a float64 column: finite, not negative, and exact (an integer up to 2⁵³)."""
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, _Problem(rule="warehouse.not_a_number", why="not a number")
    if isinstance(value, float) and not math.isfinite(value):
        return None, _Problem(rule="warehouse.not_a_number", why="not a finite number")
    if value < 0:
        return None, _Problem(rule="warehouse.negative_count", why="a count or amount cannot be negative")
    if isinstance(value, int) and value > EXACT_FLOAT:
        return None, _Problem(rule="warehouse.out_of_range", why="beyond the integers a float64 holds exactly (2⁵³)")
    return float(value), None


# --- one function per table --------------------------------------------------------------------------------------


def report_row(outcome: Outcome, held: _Held) -> dict[str, Any]:
    """``reports``: one row per document, whatever became of it."""
    report = outcome.report
    return {
        "report_id": report_id(outcome.sha256),
        "organ_id": outcome.organ_id,
        "agency": report.agency if report else None,
        "region_code": outcome.region_code,
        "template": report.template if report else None,
        "template_variant": report.template_variant if report else None,
        "source_id": outcome.source_id,
        "source": outcome.parsed.source,
        "sha256": outcome.sha256,
        "media_type": (report.media_type if report else None) or outcome.media_type,
        # An archive fault is no parser's verdict: no version, so the next build loads the document again.
        "parser_version": None if outcome.parsed.archive_fault else outcome.parsed.parser_version,
        "status": outcome.status,
        "year": held.year,
    }


def disclosure_rows(outcome: Outcome, held: _Held) -> list[dict[str, Any]]:
    """``active_disclosure`` (part 二): one row per (item, measure) printed, its raw string beside the number."""
    report = outcome.report
    if report is None:
        return []
    return [
        {
            "report_id": report_id(outcome.sha256),
            "organ_id": outcome.organ_id,
            "item": item,
            "measure": measure,
            "value": held.disclosure.get((item, measure)),
            "unit": value.unit,
            "raw": value.raw,
            "year": held.year,
        }
        for item, measures in report.active_disclosure.items()
        for measure, value in measures.items()
    ]


def statistics_rows(outcome: Outcome, held: _Held) -> list[dict[str, Any]]:
    """``statistics`` (parts 三 and 四 wide): one row for a report that printed either part, none otherwise."""
    report = outcome.report
    if report is None or not (report.applications or report.review_litigation):
        return []
    return [
        {
            "report_id": report_id(outcome.sha256),
            "organ_id": outcome.organ_id,
            "has_applications": bool(report.applications),
            "has_review": bool(report.review_litigation),
            **held.statistics,
            "year": held.year,
        }
    ]


def cell_rows(outcome: Outcome, held: _Held) -> list[dict[str, Any]]:
    """``cells``: every printed value as printed — its string, unit, note and location; a value the number columns
    could not hold is found only here."""
    report = outcome.report
    if report is None:
        return []
    rows = []
    for cell in report.to_json()["cells"]:
        raw = cell.get("raw") or ""
        if (cell["part"], cell["row"], cell["column"]) in held.not_held and not raw:
            raw = repr(cell["value"])  # a value built without its printing (not from a parsed document)
        location = cell.get("location")
        rows.append(
            {
                "report_id": report_id(outcome.sha256),
                "part": cell["part"],
                "row": cell["row"],
                "column": cell["column"],
                "raw": raw,
                "unit": cell.get("unit"),
                "note": cell.get("note"),
                "location": json.dumps(location, ensure_ascii=False, sort_keys=True) if location else None,
                "year": held.year,
            }
        )
    return rows


def finding_rows(outcome: Outcome, held: _Held) -> list[dict[str, Any]]:
    """``findings``: the reader's, parser's and validator's (or the failure), then the warehouse's own."""
    return [
        {
            "report_id": report_id(outcome.sha256),
            "sha256": outcome.sha256,
            "stage": finding.stage,
            "rule": finding.rule,
            "severity": str(finding.severity),
            "message": finding.message,
            "location": finding.location or None,
            "form_key": finding.form_key,
            "values": _json(finding.values) if finding.values else None,
            "year": held.year,
        }
        for finding in [*outcome.parsed.findings, *held.findings]
    ]


def _json(values: dict[str, Any]) -> str:
    """A finding's values as a JSON object; what JSON cannot say (NaN, a set) is written as its printed form."""

    def printable(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return repr(value)
        if isinstance(value, dict):
            return {str(k): printable(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [printable(v) for v in value]
        return value

    return json.dumps(printable(values), ensure_ascii=False, sort_keys=True, default=str)
