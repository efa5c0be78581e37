"""Stage 3 in Dagster: the parse stage, one library call (``pipelines.report.stage.parse_archive``).

It parses, in a process pool, every archived document this parser version has not parsed and persists one
outcome per document beside the archive: the typed Report with its findings, or why there is none.
"""

import dagster as dg
from pydantic import Field

from dagster_project.defs.archive import archived_documents, transient_failure_retry
from dagster_project.defs.metadata import as_metadata
from dagster_project.defs.resources import DataDirectory
from pipelines.report.stage import WORKERS_ENV, parse_archive
from pipelines.report.store import ReportStore


class ParseConfig(dg.Config):
    """How the parse stage runs (the run's launchpad config; defaults suit a laptop)."""

    workers: int | None = Field(
        default=None, ge=1, description=f"Parsing processes; default {WORKERS_ENV}, else one per CPU."
    )
    rebuild: bool = Field(default=False, description="Parse every document again, not only those new to the parser.")


@dg.asset(
    group_name="reports", deps=[archived_documents], kinds={"python", "json"}, retry_policy=transient_failure_retry
)
def parsed_reports(
    context: dg.AssetExecutionContext, config: ParseConfig, data_directory: DataDirectory
) -> dg.MaterializeResult:
    """One persisted outcome per archived document: its Report (values, provenance, findings) or why there is none.

    Re-running parses nothing already parsed by this parser version; a new parser version parses everything."""
    archive = data_directory.settings.archive
    result = parse_archive(archive, workers=config.workers, rebuild=config.rebuild)
    context.log.info(f"parse stage: {result}")
    metadata = as_metadata(result)
    metadata["reports"] = dg.MetadataValue.path(ReportStore(archive, result.parser_version).uri)
    return dg.MaterializeResult(metadata=metadata)
