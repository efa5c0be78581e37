"""Sensors: new sources become partitions, and newly archived documents are parsed without waiting for the night."""

import dagster as dg

from crawler.sources import load_sources
from dagster_project.defs.archive import archived_documents
from dagster_project.defs.jobs import parse_and_refresh, sync_source_registry
from dagster_project.defs.partitions import SOURCES_PARTITION, new_source_ids
from dagster_project.defs.resources import SourceFiles

NEW_REPORTS = "new_reports"
"""The crawler's materialization metadata key: reports archived for the first time in that crawl."""


@dg.sensor(job=sync_source_registry, minimum_interval_seconds=600, default_status=dg.DefaultSensorStatus.RUNNING)
def source_registry_changes(context: dg.SensorEvaluationContext, source_files: SourceFiles) -> dg.SensorResult:
    """A source file added under sources/ becomes a partition (and is crawled from the next night on)."""
    added = new_source_ids(context.instance, [source.id for source in load_sources(source_files.path)])
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=",".join(added))] if added else [],
        dynamic_partitions_requests=[dg.AddDynamicPartitionsRequest(SOURCES_PARTITION, added)] if added else [],
    )


@dg.sensor(job=parse_and_refresh, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def newly_archived_documents(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    """A crawl that archived new reports triggers one parse run for everything archived since the last one."""
    after = int(context.cursor) if context.cursor else None
    records = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=archived_documents.key, after_storage_id=after), limit=1000, ascending=True
    ).records
    if not records:
        return dg.SkipReason("no crawl since the last parse request")
    cursor = str(records[-1].storage_id)
    sources = sorted(
        {record.partition_key or "" for record in records if _new_reports(record) != 0},
    )
    if not sources:
        return dg.SensorResult(
            run_requests=[], cursor=cursor, skip_reason="the crawls since the last parse found nothing new"
        )
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=cursor, tags={"govreports/sources": ",".join(sources)[:200]})],
        cursor=cursor,
    )


def _new_reports(record: dg.EventLogRecord) -> int | None:
    """The crawl's ``new_reports`` count, or None when the crawl did not say (then it is parsed to be safe)."""
    materialization = record.asset_materialization
    value = materialization.metadata.get(NEW_REPORTS) if materialization else None
    return None if value is None else int(value.value)
