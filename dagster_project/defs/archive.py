"""Stage 1 in Dagster: the source registry and, per source, the archived documents of its portal.

One run crawls a shard of sources — hundreds to thousands — in one crawl process (a child through dagster-pipes:
Scrapy's reactor cannot restart inside a long-lived orchestrator process, see shared/design/engineering-notes.md),
and materializes the partition of every source it crawled. That is Dagster's single-run backfill: the asset takes a
partition range (``BackfillPolicy.single_run``), and the crawler's per-source records become per-partition events.
A source that failed gets no materialization and the step fails after all the others are recorded, so exactly the
failed partitions show failed (red), each with a failed ``crawl_healthy`` evaluation saying why; a degraded source
is materialized with a failed check as a warning. ``crawl_healthy`` is a check of its own, not one the crawl step
plans: planned for every partition of a run, it would show "not evaluated" on every healthy source that the crawl,
to keep Dagster's cost per source low, does not evaluate. ``every_source_healthy`` lists every failed and degraded
source of the night, with reasons, on one page.
"""

import sys
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,  # what AssetCheckResult fills in itself; not exported
)

from crawler.health import night_overview
from crawler.sources import load_sources
from dagster_project.defs.partitions import SOURCES_PARTITION, new_source_ids, sources_partitions
from dagster_project.defs.resources import DataDirectory, PipesCrawler, SourceFiles
from pipelines.archive.state import CrawlState

warnings.filterwarnings("ignore", message=r".*`backfill_policy`.*", category=dg.BetaWarning)
"""Single-run backfills are beta in Dagster 1.13; they are what makes one run per shard, so we accept it."""

CRAWL_HEALTHY = "crawl_healthy"
"""The per-source check: a dead portal fails it (ERROR), a degraded column fails it as a warning (WARN)."""
EVERY_SOURCE_HEALTHY = "every_source_healthy"
"""The night's overview check: every source crawled in the last ``NIGHT`` by its latest crawl."""
NIGHT = timedelta(hours=20)
LISTED = 200
"""At most this many sources are listed per status in the overview's metadata (the count is always complete)."""

transient_failure_retry = dg.RetryPolicy(
    max_retries=2, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
"""A crash of the step (a child killed, a disk hiccup) is retried; a dead portal fails its partition, not a retry."""


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


every_source_healthy = dg.AssetCheckSpec(
    EVERY_SOURCE_HEALTHY,
    asset="archived_documents",
    description="Tonight's crawl, every source at once: which failed and which degraded, and why.",
)


def partition_metadata(record: dict[str, Any]) -> dict[str, Any]:
    """A source's health record as partition metadata: the figures, and the why when it is not ok."""
    metadata: dict[str, Any] = {
        "status": record["status"],
        "pages": record["pages_fetched"],
        "reports_found": record["reports_found"],
        "new_reports": record["new_reports"],
        "errors": record["error_count"],
        "skipped": record.get("skipped", 0),
        "run_id": record["run_id"],
    }
    if record["status"] != "ok":
        metadata["why"] = dg.MetadataValue.text("; ".join(record.get("reasons", [])))
        metadata["reasons"] = dg.MetadataValue.json(record.get("reasons", []))
        metadata["errors_by_kind"] = dg.MetadataValue.json(record.get("errors", {}))
        metadata["failing_urls"] = dg.MetadataValue.json(record.get("failing_urls", []))
    return metadata


def partition_events(
    context: dg.AssetExecutionContext, records: list[dict[str, Any]]
) -> Iterator[dg.AssetMaterialization]:
    """Per source: a materialization of its partition when it crawled (yielded, so it is stored at once), then a
    ``crawl_healthy`` evaluation aimed at it when the source is not ok — or was not last time, so that a source
    that recovered turns green. A failed source gets only the failed evaluation."""
    asset_key = context.assets_def.key
    for record in records:
        if record["status"] != "failed":
            yield dg.AssetMaterialization(asset_key, partition=record["source_id"], metadata=partition_metadata(record))
    for record in records:
        if record["status"] == "ok" and record.get("previous_status") in (None, "ok"):
            continue  # ~14 ms of sqlite per evaluation: healthy sources say so in their materialization
        partition = record["source_id"]
        target = None
        if record["status"] != "failed":
            latest = context.instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=asset_key, asset_partitions=[partition]), limit=1
            ).records
            if latest:
                target = AssetCheckEvaluationTargetMaterializationData(
                    storage_id=latest[0].storage_id, run_id=latest[0].run_id, timestamp=latest[0].timestamp
                )
        context.log_event(dg.AssetCheckEvaluation(
            asset_key=asset_key, check_name=CRAWL_HEALTHY, partition=partition,
            passed=record["status"] == "ok", metadata=partition_metadata(record),
            severity=dg.AssetCheckSeverity.ERROR if record["status"] == "failed" else dg.AssetCheckSeverity.WARN,
            target_materialization_data=target,
        ))


@dg.asset(
    group_name="archive",
    deps=[source_registry],
    partitions_def=sources_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    check_specs=[every_source_healthy],
    retry_policy=transient_failure_retry,
    output_required=False,
    kinds={"scrapy", "warc", "parquet"},
)
def archived_documents(
    context: dg.AssetExecutionContext,
    data_directory: DataDirectory,
    source_files: SourceFiles,
    pipes_crawler: PipesCrawler,
) -> Iterator[dg.AssetCheckResult | dg.AssetMaterialization]:
    """Every response of the portals of this run's partitions, archived untouched; per source: pages, reports
    found, new reports, errors — and the reasons when it is not healthy."""
    registered = {source.id for source in load_sources(source_files.path)}
    source_ids = [key for key in context.partition_keys if key in registered]
    if not source_ids:
        raise dg.Failure("none of this run's partitions is a registered source", allow_retries=False)
    command = [
        sys.executable, "-m", "crawler.run",
        "--sources", str(source_files.path),
        "--data", data_directory.settings.data,
        "--log-level", "WARNING",
    ]  # fmt: skip
    summary = pipes_crawler.run(context, command, source_ids)
    yield from partition_events(context, summary["sources"])
    overview = night_overview(data_directory.settings.archive, datetime.now(UTC) - NIGHT)
    yield dg.AssetCheckResult(
        check_name=EVERY_SOURCE_HEALTHY,
        passed=not overview["failed"] and not overview["degraded"],
        severity=dg.AssetCheckSeverity.ERROR if overview["failed"] else dg.AssetCheckSeverity.WARN,
        metadata={
            "sources_crawled": overview["sources"],
            "failed_count": len(overview["failed"]),
            "degraded_count": len(overview["degraded"]),
            "failed_sources": dg.MetadataValue.text(", ".join(list(overview["failed"])[:LISTED]) or "none"),
            "degraded_sources": dg.MetadataValue.text(", ".join(list(overview["degraded"])[:LISTED]) or "none"),
            "failed": dg.MetadataValue.json(dict(list(overview["failed"].items())[:LISTED])),
            "degraded": dg.MetadataValue.json(dict(list(overview["degraded"].items())[:LISTED])),
        },
    )
    failed = summary["failed_sources"]
    if failed:
        raise dg.Failure(
            description=f"{len(failed)} of {len(source_ids)} sources failed: {', '.join(failed[:50])}",
            metadata={"failed_sources": dg.MetadataValue.json(failed)},
            allow_retries=False,
        )


with warnings.catch_warnings():
    # Partitioned checks are a preview in Dagster 1.13; they are what makes health per source, so we accept it.
    warnings.simplefilter("ignore", dg.PreviewWarning)

    @dg.asset_check(
        asset=archived_documents,
        name=CRAWL_HEALTHY,
        partitions_def=sources_partitions,
        description="The portal answered and its column lists what it used to: failed (error) when the crawl got no "
        "answer or crashed, failed as a warning when the column is degraded; reasons and failing URLs in the "
        "metadata. The crawl evaluates it for every source that is not healthy (or was not last time); run by "
        "hand it reads the source's last verdict from its crawl state.",
    )
    def crawl_healthy(context: dg.AssetCheckExecutionContext, data_directory: DataDirectory) -> dg.AssetCheckResult:
        source_id = context.op_execution_context.partition_key
        meta = CrawlState(data_directory.settings.archive).load(source_id).meta
        status = meta.get("last_status", "never crawled")
        return dg.AssetCheckResult(
            passed=status == "ok",
            severity=dg.AssetCheckSeverity.WARN if status == "degraded" else dg.AssetCheckSeverity.ERROR,
            metadata={"status": status, "reasons": dg.MetadataValue.json(meta.get("last_reasons", [])),
                      "run_id": str(meta.get("last_run_id"))},
        )
