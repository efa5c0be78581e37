"""The warehouse tables' Arrow schemas, generated from the form model so a new row or measure needs no code here.

Layout (chosen by ``benchmarks/warehouse_scale.py``): the statistical tables, parts 三 and 四, are stored wide in
one table ``statistics``, one row per report with one column per form cell (``<row>__<column>`` such as
``new_received__total``; ``review_upheld`` …), because every question users ask reads a few cells of many
reports, and one table means one file per year to open (an organ's history is then one pruned scan, no join).
The views ``applications`` and ``review_litigation`` are its two parts, and their long ``(row, column, value)``
shapes are views too. Part 二 is small and irregular across templates, so it is stored long. Raw strings, units
notes and locations of every printed value live in ``cells`` (provenance), one row per value.

The year is not a column of any file: it is the Hive partition (``year=2023/``), added back on read; year 0 holds
documents whose year is unknown (not a report, unreadable).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pyarrow as pa

from pipelines.report.form import load_form

CELL_SEPARATOR = "__"
UNKNOWN_YEAR = 0


def application_column(row: str, column: str) -> str:
    """The wide column holding part 三's cell (row, column)."""
    return f"{row}{CELL_SEPARATOR}{column}"


def application_cells() -> tuple[tuple[str, str], ...]:
    """Every (row, column) of part 三 any template has, in form order."""
    form = load_form()
    return tuple((row.key, column) for row in form.all_application_rows() for column in form.column_keys)


def review_cells() -> tuple[tuple[str, str, str], ...]:
    """Every (wide column, block, measure) of part 四, in printed order."""
    form = load_form()
    return tuple(
        (f"{block.key}_{measure.key}", block.key, measure.key)
        for block in form.review_blocks
        for measure in form.review_measures
    )


@dataclass(frozen=True)
class TableSpec:
    """One warehouse table: its schema, whether it is partitioned by year, and the sort that makes files stable."""

    name: str
    schema: pa.Schema
    partitioned: bool
    sort_by: tuple[str, ...]
    """Stable sort of every file: one organ's rows sit together (row groups prune), a report's keep their order."""
    description: str


def _strings(*names: str) -> list[pa.Field]:
    return [pa.field(name, pa.string()) for name in names]


@cache
def tables() -> dict[str, TableSpec]:
    """Every table the warehouse writes, keyed by name."""
    specs = [
        TableSpec(
            "documents",
            pa.schema(
                [
                    *_strings("sha256", "source_id", "url", "final_url"),
                    pa.field("http_status", pa.int16()),
                    *_strings("media_type"),
                    pa.field("size", pa.int64()),
                    pa.field("fetched_at", pa.timestamp("us", tz="UTC")),
                    *_strings("parent_url", "link_text", "title"),
                    pa.field("is_report", pa.bool_()),
                    *_strings("agency"),
                    pa.field("listed_year", pa.int16()),
                    *_strings("region_code", "run_id"),
                ]
            ),
            partitioned=False,
            sort_by=("sha256", "source_id", "url", "fetched_at"),
            description="Every archived document as the manifest recorded it (one row per fetch).",
        ),
        TableSpec(
            "reports",
            pa.schema(
                _strings(
                    "report_id",
                    "organ_id",
                    "agency",
                    "region_code",
                    "template",
                    "template_variant",
                    "source_id",
                    "source",
                    "sha256",
                    "media_type",
                    "parser_version",
                    "status",
                    "copy_of",
                ),
            ).append(pa.field("copies", pa.int32())),
            partitioned=True,
            sort_by=("organ_id", "report_id"),
            description=(
                "One row per parsed document; status is parsed | legacy | not_report | unreadable | failed. copy_of"
                " names the report a document is a copy of (same organ and year: warehouse/duplicates.py); copies"
                " counts a report's copies."
            ),
        ),
        TableSpec(
            "active_disclosure",
            pa.schema(
                [
                    *_strings("report_id", "organ_id", "item", "measure"),
                    pa.field("value", pa.float64()),
                    *_strings("unit", "raw"),
                ]
            ),
            partitioned=True,
            sort_by=("organ_id", "report_id"),
            description="Part 二: one row per (item, measure) printed.",
        ),
        TableSpec(
            "statistics",
            pa.schema(
                [
                    *_strings("report_id", "organ_id"),
                    pa.field("has_applications", pa.bool_()),
                    pa.field("has_review", pa.bool_()),
                    pa.field("counted", pa.bool_()),
                    pa.field("copies", pa.int32()),
                    *(pa.field(application_column(row, column), pa.int64()) for row, column in application_cells()),
                    *(pa.field(key, pa.int64()) for key, _, _ in review_cells()),
                ]
            ),
            partitioned=True,
            sort_by=("organ_id", "report_id"),
            description=(
                "Parts 三 and 四, one row per report, one column per cell; null = blank or not printed. counted is"
                " false for a copy of another report of the same organ and year, copies counts a report's copies"
                " (warehouse/duplicates.py)."
            ),
        ),
        TableSpec(
            "cells",
            pa.schema(_strings("report_id", "part", "row", "column", "raw", "unit", "note", "location")),
            partitioned=True,
            sort_by=("report_id",),
            description="Provenance of every printed value: its string as printed, unit, note and location (JSON).",
        ),
        TableSpec(
            "findings",
            pa.schema(
                _strings(
                    "report_id", "sha256", "stage", "rule", "severity", "message", "location", "form_key", "values"
                )
            ),
            partitioned=True,
            sort_by=("report_id",),
            description="Per-document findings of reading, parsing and validation; values is a JSON object.",
        ),
        TableSpec(
            "organs",
            pa.schema(_strings("organ_id", "name", "region_code", "source_id", "role", "part_of")),
            partitioned=False,
            sort_by=("organ_id",),
            description="The organ registry: role is aggregate | unit | null; part_of: the aggregate a unit sums into.",
        ),
        TableSpec(
            "organ_names",
            pa.schema(_strings("name", "normalised", "organ_id", "method", "detail")),
            partitioned=False,
            sort_by=("name", "organ_id"),
            description="Identity decisions: each printed agency name, the organ it resolved to, how and why.",
        ),
    ]
    return {spec.name: spec for spec in specs}


def spec(name: str) -> TableSpec:
    try:
        return tables()[name]
    except KeyError:
        raise KeyError(f"no warehouse table {name!r}; tables are {sorted(tables())}") from None
