"""Stage 4 in Dagster: the warehouse tables from the persisted Reports, then the DuckDB catalog over them.

Two steps, one library call each: ``warehouse.build.write_tables`` (Parquet, the truth) and ``catalog.refresh``
(views only, rebuilt from Parquet at will).
"""

import dagster as dg
from pydantic import Field

from dagster_project.defs.archive import archived_documents, transient_failure_retry
from dagster_project.defs.metadata import as_metadata, tables_overview
from dagster_project.defs.reports import parsed_reports
from dagster_project.defs.resources import DataDirectory, SourceFiles
from warehouse.build import write_tables
from warehouse.catalog import connect, refresh
from warehouse.schema import tables


class TablesConfig(dg.Config):
    reload: bool = Field(
        default=False,
        description="Load every persisted Report again, not only those the tables lack (after a rebuild).",
    )


@dg.asset(
    group_name="warehouse",
    deps=[parsed_reports, archived_documents],
    kinds={"parquet"},
    retry_policy=transient_failure_retry,
)
def warehouse_tables(
    context: dg.AssetExecutionContext, config: TablesConfig, data_directory: DataDirectory, source_files: SourceFiles
) -> dg.MaterializeResult:
    """The reports, their values and findings as hive-partitioned Parquet: documents, parts 二–四, cells, organs."""
    result = write_tables(data_directory.settings, sources_dir=source_files.path, reload=config.reload)
    context.log.info(f"warehouse tables: {result}")
    return dg.MaterializeResult(metadata=as_metadata(result))


@dg.asset(
    group_name="warehouse",
    deps=[warehouse_tables],
    kinds={"duckdb"},
    retry_policy=transient_failure_retry,  # a reader (govreports sql) holding the file's lock lets go soon
)
def catalog(data_directory: DataDirectory) -> dg.MaterializeResult:
    """The DuckDB file users query (``govreports sql``): views only, so it is rebuilt from Parquet at will. Its
    metadata describes the tables (rows, columns, what each holds) and the views, as the catalog's comments say."""
    path = refresh(data_directory.settings)
    with connect(data_directory.settings) as db:
        views = [name for (name,) in db.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
        overview = {**tables_overview(db, tables()), **tables_overview(db, views, counts=False)}
    return dg.MaterializeResult(metadata={"catalog": dg.MetadataValue.path(str(path)), **overview})
