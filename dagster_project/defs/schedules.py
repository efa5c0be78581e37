"""The nightly schedule (China time, when portals are quiet): crawl every source, then a parse as a safety net."""

from collections.abc import Iterator

import dagster as dg

from dagster_project.defs.jobs import crawl_source, parse_and_refresh
from dagster_project.defs.partitions import SOURCES_PARTITION

TIMEZONE = "Asia/Shanghai"


@dg.schedule(
    job=crawl_source,
    cron_schedule="0 2 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def nightly_crawl(context: dg.ScheduleEvaluationContext) -> Iterator[dg.RunRequest]:
    """One run per source, so a dead portal fails alone and its health shows on its own partition."""
    night = context.scheduled_execution_time.strftime("%Y-%m-%d")
    for source_id in context.instance.get_dynamic_partitions(SOURCES_PARTITION):
        yield dg.RunRequest(run_key=f"{source_id}:{night}", partition_key=source_id)


nightly_parse = dg.ScheduleDefinition(
    name="nightly_parse",
    job=parse_and_refresh,
    cron_schedule="0 5 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Parse whatever the sensor has not (a new parser version, documents ingested by hand).",
)
