"""Copies: the documents of one organ and year that are one report — counted once, linked to it, never dropped.

A report is an organ-year. The same report reaches the archive more than once: a landing page and the file
attached to it, a re-publication at another address (other bytes: another document), the same report as HTML and
as PDF. Whenever a year partition is written, each organ's report documents in it (status parsed or legacy) are
ranked and the first is *the report*; the others are its copies (``reports.copy_of`` names it, and their
``statistics.counted`` is false so no total counts them twice). The ranking says which copy holds the data:

1. printed tables first — a landing page without tables yields to the attachment that has them;
2. fewer error findings (a cleaner reading of the same tables);
3. more parts printed (三 and 四 over 三 alone);
4. the page over the file when both print the tables (the page is what the organ published as the report);
5. the smaller report id, so the choice is stable from build to build.

Documents without an organ or a year (unidentified, not a report, unreadable) are never anyone's copy. Nothing is
deleted: every document stays queryable, and the ``copies`` view lists each copy with its report and why.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from warehouse.schema import UNKNOWN_YEAR, spec

REPORT_STATUSES = ("parsed", "legacy")
PAGE_TYPES = ("text/html", "application/xhtml+xml", "message/rfc822", "multipart/related")
"""Media types of a published page (HTML, and MHT saves of one); anything else is a file."""

_RANKED = """
WITH e AS (SELECT report_id, count(*) AS errors FROM f WHERE severity = 'error' GROUP BY ALL),
s AS (SELECT report_id, coalesce(has_applications::INT, 0) + coalesce(has_review::INT, 0) AS parts FROM st),
candidates AS (
    SELECT r.report_id, r.organ_id, coalesce(s.parts, 0) AS parts, coalesce(e.errors, 0) AS errors,
           list_contains($pages, split_part(r.media_type, ';', 1)) AS page
    FROM r LEFT JOIN s USING (report_id) LEFT JOIN e USING (report_id)
    WHERE $grouped AND r.organ_id IS NOT NULL AND list_contains($statuses, r.status)
), chosen AS (
    SELECT report_id, first_value(report_id) OVER (
               PARTITION BY organ_id ORDER BY parts > 0 DESC, errors, parts DESC, page DESC, report_id) AS report
    FROM candidates
), counts AS (
    SELECT report, count(*) - 1 AS copies FROM chosen GROUP BY report
)
SELECT CASE WHEN c.report <> r.report_id THEN c.report END AS copy_of,
       CASE WHEN c.report = r.report_id THEN n.copies
            WHEN c.report IS NULL AND list_contains($statuses, r.status) THEN 0 END::INTEGER AS copies
FROM r LEFT JOIN chosen c USING (report_id) LEFT JOIN counts n ON n.report = r.report_id
ORDER BY r.position
"""
"""Per document, in its order: the report it is a copy of (null for a report), and a report's number of copies
(null for a copy and for what is not a report)."""


def mark_copies(
    year: int, reports: pa.Table, statistics: pa.Table | None, findings: pa.Table | None
) -> tuple[pa.Table, pa.Table | None]:
    """One year partition's ``reports`` with ``copy_of`` and ``copies`` set, and its ``statistics`` with
    ``counted`` and ``copies`` set (the same decision)."""
    if not len(reports):
        return reports, statistics
    with duckdb.connect() as db:
        keys = reports.select(["report_id", "organ_id", "status", "media_type"])
        db.register("r", keys.append_column("position", pa.array(range(len(keys)), pa.int64())))
        parts = ["report_id", "has_applications", "has_review"]
        db.register(
            "st", (statistics if statistics is not None else spec("statistics").schema.empty_table()).select(parts)
        )
        db.register(
            "f",
            (findings if findings is not None else spec("findings").schema.empty_table()).select(
                ["report_id", "severity"]
            ),
        )
        decided = db.sql(
            _RANKED,
            params={"pages": list(PAGE_TYPES), "statuses": list(REPORT_STATUSES), "grouped": year != UNKNOWN_YEAR},
        ).to_arrow_table()
    reports = _set(reports, "copy_of", decided.column("copy_of"))
    reports = _set(reports, "copies", decided.column("copies"))
    if statistics is None or not len(statistics):
        return reports, statistics
    by_report = dict(zip(reports.column("report_id").to_pylist(), decided.to_pylist(), strict=True))
    ids = statistics.column("report_id").to_pylist()
    statistics = _set(statistics, "counted", pa.array([by_report[rid]["copy_of"] is None for rid in ids]))
    return reports, _set(statistics, "copies", pa.array([by_report[rid]["copies"] for rid in ids], pa.int32()))


def _set(table: pa.Table, name: str, values: pa.Array | pa.ChunkedArray) -> pa.Table:
    index = table.schema.get_field_index(name)
    field = table.schema.field(index)
    return table.set_column(index, field, values.cast(field.type))
