"""Asset checks: what a morning reader must see — unparsed reports, parser failures, broken arithmetic, stale
portals, duplicates.

The checks read the warehouse through its DuckDB catalog (read-only), so they judge exactly what SQL users see.
"""

import time
from collections import defaultdict

import dagster as dg

from dagster_project.defs.archive import archived_documents
from dagster_project.defs.metadata import md
from dagster_project.defs.partitions import registered_partitions
from dagster_project.defs.reports import parsed_reports
from dagster_project.defs.resources import SourceFiles, WarehouseCatalog
from dagster_project.defs.tables import catalog, warehouse_tables

FRESHNESS_HOURS = 36
STALE_LISTED = 200
"""At most this many stale sources are listed (the count is always complete)."""
MIN_ARITHMETIC_PASS_RATE = 0.8
"""Below this share of reports without an arithmetic error a source is flagged (printed reports do break sums)."""

UNACCOUNTED_REPORT_DOCUMENTS = """
SELECT d.source_id, d.sha256, min(d.url) AS url, min(d.title) AS title
FROM documents d
WHERE d.is_report AND coalesce(d.http_status, 200) < 400
  AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.sha256 = d.sha256 AND r.status IN ('parsed', 'legacy'))
  AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.sha256 = d.sha256)
GROUP BY d.source_id, d.sha256
ORDER BY d.source_id, d.sha256
"""

PARSE_FAILURES = """
SELECT r.source_id, r.report_id, r.source, f.rule, f.message
FROM reports r JOIN findings f USING (report_id, year)
WHERE r.status = 'failed' AND f.severity = 'error'
ORDER BY r.source_id, r.report_id
"""
"""Documents the parser broke on (an exception, a crashed or killed worker, a timeout), with the reason."""

ARITHMETIC_BY_REPORT = """
SELECT r.source_id, r.report_id, r.agency, r.year,
       list(DISTINCT f.rule ORDER BY f.rule) FILTER (WHERE f.rule IS NOT NULL) AS broken_rules
FROM reports r
LEFT JOIN findings f ON f.report_id = r.report_id AND f.stage = 'validate' AND f.severity = 'error'
WHERE r.status IN ('parsed', 'legacy')
GROUP BY r.source_id, r.report_id, r.agency, r.year
ORDER BY r.source_id, r.report_id
"""

DUPLICATE_ROWS = """
SELECT report_id, count(*) AS rows FROM reports GROUP BY report_id HAVING count(*) > 1 ORDER BY report_id
"""

COUNTED_TWICE = """
SELECT organ_id, year, count(*) AS reports, list(report_id ORDER BY report_id) AS report_ids
FROM primary_summary WHERE organ_id IS NOT NULL
GROUP BY ALL HAVING count(*) > 1 ORDER BY organ_id, year
"""
"""Organ-years the totals would count twice: ``primary_summary`` is what totals sum, one report per organ-year."""

COPIES = "SELECT count(*) AS copies FROM copies"


@dg.asset_check(
    asset=parsed_reports.key,
    additional_deps=[catalog],
    description="Every archived document taken as a report is parsed, or has a finding that says why not.",
)
def report_documents_accounted_for(warehouse_catalog: WarehouseCatalog) -> dg.AssetCheckResult:
    missing = warehouse_catalog.query(UNACCOUNTED_REPORT_DOCUMENTS)
    return dg.AssetCheckResult(
        passed=not missing,
        metadata={"unaccounted": len(missing), "documents": md(missing)},
    )


@dg.asset_check(
    asset=parsed_reports.key,
    additional_deps=[catalog],
    description="No document broke the parser (an exception, a worker that crashed or was killed, a timeout): each"
    " such document is listed with its reason; the rest of the batch is parsed regardless.",
)
def no_parser_failures(warehouse_catalog: WarehouseCatalog) -> dg.AssetCheckResult:
    failures = warehouse_catalog.query(PARSE_FAILURES)
    return dg.AssetCheckResult(
        passed=not failures,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"failed_documents": len(failures), "documents": md(failures)},
    )


@dg.asset_check(
    asset=parsed_reports.key,
    additional_deps=[catalog],
    description=f"Per source, the share of parsed reports whose printed numbers keep the form's arithmetic "
    f"(flagged below {MIN_ARITHMETIC_PASS_RATE:.0%}); the failing reports are listed with the rules they break.",
)
def arithmetic_pass_rate(warehouse_catalog: WarehouseCatalog) -> dg.AssetCheckResult:
    rows = warehouse_catalog.query(ARITHMETIC_BY_REPORT)
    totals: dict[str, int] = defaultdict(int)
    failing: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        totals[row["source_id"]] += 1
        if row["broken_rules"]:
            failing[row["source_id"]].append(row)
    rates = {source: 1 - len(failing[source]) / total for source, total in totals.items()}
    low = sorted(source for source, rate in rates.items() if rate < MIN_ARITHMETIC_PASS_RATE)
    table = "\n".join(
        ["| source | reports | failing | pass rate |", "|---|---:|---:|---:|"]
        + [f"| {s} | {totals[s]} | {len(failing[s])} | {rates[s]:.0%} |" for s in sorted(totals)]
    )
    listed = [
        {key: row[key] for key in ("source_id", "report_id", "agency", "year", "broken_rules")}
        for source in sorted(failing)
        for row in failing[source]
    ]
    return dg.AssetCheckResult(
        passed=not low,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "pass_rate": dg.MetadataValue.md(table),
            "sources_below_threshold": ", ".join(low) or "none",
            "failing_reports": md(listed),
            "failing_count": len(listed),
            "reports": sum(totals.values()),
        },
    )


@dg.asset_check(
    asset=warehouse_tables.key,
    additional_deps=[catalog],
    description="No report counted twice: one row per document, and one counted report per organ and year (a "
    "report page and its PDF are both kept; the warehouse counts one of them, `copies` lists the others).",
)
def no_duplicate_reports(warehouse_catalog: WarehouseCatalog) -> dg.AssetCheckResult:
    rows = warehouse_catalog.query(DUPLICATE_ROWS)
    twice = warehouse_catalog.query(COUNTED_TWICE)
    (copies,) = warehouse_catalog.query(COPIES)
    return dg.AssetCheckResult(
        passed=not rows and not twice,
        metadata={
            "duplicate_rows": md(rows),
            "counted_twice": md(twice),
            "copies": copies["copies"],
        },
    )


@dg.asset_check(
    asset=archived_documents,
    description=f"Every registered source was crawled within the last {FRESHNESS_HOURS} hours (a source whose "
    f"crawl failed has no new materialization, so it shows here too).",
)
def sources_crawled_recently(context: dg.AssetCheckExecutionContext, source_files: SourceFiles) -> dg.AssetCheckResult:
    since = time.time() - FRESHNESS_HOURS * 3600
    fresh: set[str] = set()
    cursor = None
    while True:  # the materializations of the window only: one query per page, not one per source
        page = context.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=archived_documents.key, after_timestamp=since), limit=1000, cursor=cursor
        )
        fresh.update(record.partition_key for record in page.records if record.partition_key)
        if not page.has_more:
            break
        cursor = page.cursor
    stale = {source_id: f"not crawled in the last {FRESHNESS_HOURS} h"
             for source_id in registered_partitions(context.instance, source_files) if source_id not in fresh}
    rows = [{"source": source, "last crawl": why} for source, why in sorted(stale.items())[:STALE_LISTED]]
    return dg.AssetCheckResult(passed=not stale, metadata={"stale_count": len(stale), "stale_sources": md(rows)})
