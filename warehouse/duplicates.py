"""Duplicate reports: two documents of one organ and year (a report page and its PDF, a re-publication).

Totals must count each organ-year once. Whenever a year partition is written, one report per organ in it is marked
``counted`` in ``statistics`` — the one with the fewest error findings, then the most parts printed, then the
smallest report id (stable across builds) — and the others are not counted. Nothing is deleted: every document
stays queryable, and the ``superseded`` view lists the duplicates with the report they yield to.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa


def mark_counted(statistics: pa.Table, findings: pa.Table | None) -> pa.Table:
    """``statistics`` (one year partition) with its ``counted`` column set."""
    if not len(statistics):
        return statistics
    errors = findings.select(["report_id", "severity"]) if findings is not None else None
    with duckdb.connect() as db:
        keys = statistics.select(["report_id", "organ_id", "has_applications", "has_review"])
        db.register("s", keys.append_column("position", pa.array(range(len(keys)), pa.int64())))
        if errors is None:
            db.execute("CREATE TEMP TABLE f (report_id VARCHAR, severity VARCHAR)")
        else:
            db.register("f", errors)
        flags = db.sql(
            """
            WITH e AS (SELECT report_id, count(*) AS errors FROM f WHERE severity = 'error' GROUP BY ALL)
            SELECT s.organ_id IS NULL OR row_number() OVER (
                       PARTITION BY s.organ_id
                       ORDER BY coalesce(e.errors, 0),
                                coalesce(s.has_applications::INT, 0) + coalesce(s.has_review::INT, 0) DESC,
                                s.report_id) = 1 AS counted
            FROM s LEFT JOIN e USING (report_id)
            ORDER BY s.position
            """
        ).to_arrow_table()
    index = statistics.schema.get_field_index("counted")
    return statistics.set_column(index, "counted", flags.column("counted"))
