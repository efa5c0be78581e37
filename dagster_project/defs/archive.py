"""Stage 1 in Dagster: the source registry and, per source, the archived documents of its portal.

The crawl runs as a child process through dagster-pipes: Scrapy's reactor cannot restart inside a long-lived
orchestrator process (see shared/design/engineering-notes.md), and the child reports its own metadata and check.
"""

import sys
import warnings
from collections.abc import Iterator

import dagster as dg

from crawler.sources import load_sources
from dagster_project.defs.partitions import SOURCES_PARTITION, new_source_ids, sources_partitions
from dagster_project.defs.resources import DataDirectory, PipesCrawler, SourceFiles

CRAWL_HEALTHY = "crawl_healthy"
"""The check the crawler reports from its child process: a portal that answered nothing fails it."""

transient_failure_retry = dg.RetryPolicy(
    max_retries=2, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
"""A crash of the step (a child killed, a disk hiccup) is retried; a dead portal is a failed check, not a crash."""


@dg.asset(group_name="archive", kinds={"yaml"})
def source_registry(context: dg.AssetExecutionContext, source_files: SourceFiles) -> dg.MaterializeResult:
    """The registered sources; each new one becomes a partition of the archive (old ones keep their history)."""
    sources = load_sources(source_files.path)
    ids = [source.id for source in sources]
    added = new_source_ids(context.instance, ids)
    if added:
        context.instance.add_dynamic_partitions(SOURCES_PARTITION, added)
    return dg.MaterializeResult(
        metadata={
            "sources": len(ids),
            "added_partitions": dg.MetadataValue.json(added),
            "directory": dg.MetadataValue.path(str(source_files.path)),
        }
    )


with warnings.catch_warnings():
    # Partitioned checks are a preview in Dagster 1.13; they are what makes health per source, so we accept it.
    warnings.simplefilter("ignore", dg.PreviewWarning)
    crawl_healthy = dg.AssetCheckSpec(
        CRAWL_HEALTHY,
        asset="archived_documents",
        partitions_def=sources_partitions,
        description="The portal answered: a crawl with no successful response is a failed crawl (from the crawler).",
    )


@dg.asset(
    group_name="archive",
    deps=[source_registry],
    partitions_def=sources_partitions,
    check_specs=[crawl_healthy],
    retry_policy=transient_failure_retry,
    kinds={"scrapy", "warc", "parquet"},
)
def archived_documents(
    context: dg.AssetExecutionContext,
    data_directory: DataDirectory,
    source_files: SourceFiles,
    pipes_crawler: PipesCrawler,
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Every response of one source's portal, archived untouched; the crawl reports pages and new reports."""
    command = [
        sys.executable, "-m", "crawler.run",
        "--sources", str(source_files.path),
        "--source", context.partition_key,
        "--data", data_directory.settings.data,
    ]  # fmt: skip
    yield from pipes_crawler.run(context, command)
