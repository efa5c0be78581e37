"""Duplicate reports: two documents of one organ and year (a report page and its PDF, a re-publication).

Totals must count each organ-year once, so after every build one report per (organ, year) is chosen as primary —
the one with the fewest error findings, then the most printed cells, then the smallest report id (stable across
builds) — and the others are listed in the small ``superseded`` table with the primary they yield to. Nothing is
deleted: every document stays queryable; only the total views leave superseded reports out.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from warehouse.schema import spec
from warehouse.write import Warehouse


def superseded(warehouse: Warehouse) -> pa.Table:
    """The reports that another report of the same organ and year supersedes, with the reason."""
    reports = warehouse.read_all("reports", ["report_id", "organ_id", "status"])
    findings = warehouse.read_all("findings", ["report_id", "severity"])
    statistics = warehouse.read_all("statistics", ["report_id", "has_applications", "has_review"])
    with duckdb.connect() as db:
        db.register("reports", reports)
        db.register("findings", findings)
        db.register("statistics", statistics)
        table = db.sql(
            """
            WITH errors AS (
                SELECT report_id, count(*) AS errors FROM findings WHERE severity = 'error' GROUP BY ALL
            ), ranked AS (
                SELECT r.report_id, r.year, r.organ_id, coalesce(e.errors, 0) AS errors,
                       coalesce(s.has_applications::INT + s.has_review::INT, 0) AS parts,
                       row_number() OVER (PARTITION BY r.organ_id, r.year
                                          ORDER BY coalesce(e.errors, 0), parts DESC, r.report_id) AS rank,
                       first(r.report_id ORDER BY coalesce(e.errors, 0), parts DESC, r.report_id)
                           OVER (PARTITION BY r.organ_id, r.year) AS primary_report_id
                FROM reports r
                LEFT JOIN errors e USING (report_id)
                LEFT JOIN statistics s USING (report_id, year)
                WHERE r.status = 'parsed' AND r.organ_id IS NOT NULL AND r.year <> 0
            )
            SELECT report_id, year, organ_id, primary_report_id,
                   format('same organ and year as {} ({} error findings here, {} tables printed)',
                          primary_report_id, errors, parts) AS reason
            FROM ranked WHERE rank > 1
            """
        ).to_arrow_table()
    return table.select(spec("superseded").schema.names).cast(spec("superseded").schema)
