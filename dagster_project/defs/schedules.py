"""The nightly schedule (China time, when portals are quiet): crawl every source, then a parse as a safety net."""

from collections.abc import Iterator

import dagster as dg

from dagster_project.defs.jobs import crawl_source, parse_and_refresh
from dagster_project.defs.partitions import registered_partitions
from dagster_project.defs.resources import SourceFiles

TIMEZONE = "Asia/Shanghai"


@dg.schedule(
    job=crawl_source,
    cron_schedule="0 2 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def nightly_crawl(context: dg.ScheduleEvaluationContext, source_files: SourceFiles) -> Iterator[dg.RunRequest]:
    """One run per registered source, so a dead portal fails alone and its health shows on its own partition.

    A source removed from the registry keeps its partition (its history) but is no longer crawled."""
    night = context.scheduled_execution_time.strftime("%Y-%m-%d")
    for source_id in registered_partitions(context.instance, source_files):
        yield dg.RunRequest(run_key=f"{source_id}:{night}", partition_key=source_id)


nightly_parse = dg.ScheduleDefinition(
    name="nightly_parse",
    job=parse_and_refresh,
    cron_schedule="0 5 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Parse whatever the sensor has not (a new parser version, documents ingested by hand).",
)
