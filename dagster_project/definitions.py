"""The govreports code location: crawl → archive → parse → validate → warehouse, with checks and a nightly schedule.

Thin on purpose: every definition lives in ``defs/``; this module only gathers them and binds the embedded defaults
(data under ``GOVREPORTS_DATA`` or ``./data``, the multiprocess executor). Scale-out is configuration: an
``s3://`` GOVREPORTS_DATA for the warehouse, GOVREPORTS_EXECUTOR for the executor (see deploy/).
"""

import dagster as dg

from dagster_project.defs import archive, checks, jobs, reports, schedules, sensors, tables
from dagster_project.defs.executors import executor_from_environment
from dagster_project.defs.resources import govreports_resources

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([archive, reports, tables]),
    asset_checks=[archive.crawl_healthy, *dg.load_asset_checks_from_modules([checks])],
    jobs=[jobs.sync_source_registry, jobs.crawl_sources, jobs.parse_and_refresh],
    schedules=[schedules.nightly_crawl, schedules.nightly_parse],
    sensors=[sensors.source_registry_changes, sensors.newly_archived_documents],
    resources=govreports_resources(),
    executor=executor_from_environment(),
)
