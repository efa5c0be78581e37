"""The nightly schedule (China time, when portals are quiet): crawl every source, then a parse as a safety net."""

from collections.abc import Iterator

import dagster as dg

from dagster_project.defs.jobs import crawl_sources, parse_and_refresh
from dagster_project.defs.partitions import range_tags, shards
from dagster_project.defs.resources import CrawlShards, SourceFiles

TIMEZONE = "Asia/Shanghai"


@dg.schedule(
    job=crawl_sources,
    cron_schedule="0 2 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def nightly_crawl(
    context: dg.ScheduleEvaluationContext, source_files: SourceFiles, crawl_shards: CrawlShards
) -> Iterator[dg.RunRequest]:
    """One run per shard of registered sources (``crawl_shards.size`` each), each over a range of partitions: a run
    crawls its shard in one process and materializes every partition it crawled. The runs queue on the instance's
    run coordinator and execute on the configured executor (multiprocess here; Celery or Kubernetes by deploy/).

    A source removed from the registry keeps its partition (its history) but is no longer crawled."""
    night = context.scheduled_execution_time.strftime("%Y-%m-%d")
    for index, keys in enumerate(shards(context.instance, source_files, crawl_shards.sources_per_run)):
        yield dg.RunRequest(run_key=f"{night}:{index}:{keys[0]}", tags={**range_tags(keys),
                                                                        "govreports/sources": str(len(keys))})


nightly_parse = dg.ScheduleDefinition(
    name="nightly_parse",
    job=parse_and_refresh,
    cron_schedule="0 5 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Parse whatever the sensor has not (a new parser version, documents ingested by hand).",
)
