"""Stages 2–3 in Dagster: parse and validate every newly archived document, one batch per run.

One library call (``warehouse.build.build``) parses what this parser version has not parsed yet and writes the
reports, their findings and their values in one go, so the three assets materialize together.
"""

from collections.abc import Iterator

import dagster as dg

from dagster_project.defs.archive import archived_documents, transient_failure_retry
from dagster_project.defs.metadata import as_metadata, table_metadata, tables_overview
from dagster_project.defs.resources import DataDirectory, SourceFiles
from warehouse.build import build
from warehouse.catalog import connect
from warehouse.schema import tables

parsed_reports = dg.AssetSpec(
    "parsed_reports",
    group_name="reports",
    deps=[archived_documents],
    kinds={"parquet"},
    description="One row per parsed document (the warehouse `reports` table): organ, year, template, status.",
)
findings = dg.AssetSpec(
    "findings",
    group_name="reports",
    deps=[archived_documents],
    kinds={"parquet"},
    description="Every problem the readers, the parser and the form's arithmetic found, per document.",
)
warehouse_tables = dg.AssetSpec(
    "warehouse_tables",
    group_name="warehouse",
    deps=[archived_documents],
    kinds={"parquet"},
    description="The values and their context as hive-partitioned Parquet: documents, parts 二–四, cells, organs.",
)


@dg.multi_asset(specs=[parsed_reports, findings, warehouse_tables], retry_policy=transient_failure_retry)
def parse_archived_documents(
    context: dg.AssetExecutionContext, data_directory: DataDirectory, source_files: SourceFiles
) -> Iterator[dg.MaterializeResult]:
    """Parse the documents archived since the last run; re-running parses nothing twice."""
    result = build(data_directory.settings, sources_dir=source_files.path)
    context.log.info(f"warehouse build: {result}")
    summary = as_metadata(result)
    with connect(data_directory.settings) as db:
        described = {
            parsed_reports.key: table_metadata(db, "reports"),
            findings.key: table_metadata(db, "findings"),
            warehouse_tables.key: tables_overview(db, tables()),
        }
    for spec in (parsed_reports, findings, warehouse_tables):
        yield dg.MaterializeResult(asset_key=spec.key, metadata={**summary, **described[spec.key]})
