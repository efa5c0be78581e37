"""Stage 4 in Dagster: the DuckDB catalog, views over the Parquet tables, rebuilt after every write."""

import dagster as dg

from dagster_project.defs.archive import transient_failure_retry
from dagster_project.defs.metadata import tables_overview
from dagster_project.defs.reports import findings, parsed_reports, warehouse_tables
from dagster_project.defs.resources import DataDirectory
from warehouse.catalog import connect, refresh


@dg.asset(
    group_name="warehouse",
    deps=[parsed_reports, findings, warehouse_tables],
    kinds={"duckdb"},
    retry_policy=transient_failure_retry,  # a reader (govreports sql) holding the file's lock lets go soon
)
def catalog(data_directory: DataDirectory) -> dg.MaterializeResult:
    """The DuckDB file users query (``govreports sql``): views only, so it is rebuilt from Parquet at will."""
    path = refresh(data_directory.settings)
    with connect(data_directory.settings) as db:
        views = [name for (name,) in db.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
        overview = tables_overview(db, views, counts=False)
    return dg.MaterializeResult(metadata={"catalog": dg.MetadataValue.path(str(path)), **overview})
