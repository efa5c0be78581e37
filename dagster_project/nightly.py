"""Tonight's job, now, in this process, on the instance under the data directory (``… nightly``).

The runs are the ones the daemon would launch: the registry sync, then whatever ``nightly_crawl`` asks for (one
run per source) and ``nightly_parse``; each executes in process against the sqlite instance, so ``govreports
main`` needs no daemon and the Dagster UI opened afterwards shows every run, check and partition.
Progress goes to stdout, a line per run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dagster as dg

from dagster_project.defs.archive import CRAWL_HEALTHY

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
CRAWL_FIGURES = ("pages", "reports_found", "new_reports", "errors")


def _metadata(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for event in result.get_asset_materialization_events():
        for key, value in event.materialization.metadata.items():
            if isinstance(value.value, bool | int | float | str):  # figures, not tables or schemas
                figures[key] = value.value
    return figures


def _crawl(job: dg.JobDefinition, instance: dg.DagsterInstance, request: dg.RunRequest) -> dict[str, Any]:
    result = job.execute_in_process(
        instance=instance,
        partition_key=request.partition_key,
        tags=request.tags,
        run_config=QUIET,
        raise_on_error=False,
    )
    figures = _metadata(result)
    checks = {check.check_name: check.passed for check in result.get_asset_check_evaluations()}
    return {
        "source": request.partition_key,
        "run_id": result.run_id,
        "run_succeeded": result.success,
        "healthy": result.success and checks.get(CRAWL_HEALTHY, False),
        "checks": checks,
        **{key: figures.get(key) for key in CRAWL_FIGURES},
    }


def scheduled_requests(defs: dg.Definitions, instance: dg.DagsterInstance, name: str, now: datetime) -> list:
    """What schedule ``name`` asks for at ``now``, evaluated as the daemon does (with the location's resources)."""
    repository = defs.get_repository_def()
    with dg.build_schedule_context(
        instance=instance,
        scheduled_execution_time=now,
        repository_def=repository,
        resources=repository.get_top_level_resources(),
    ) as context:
        return list(defs.resolve_schedule_def(name).evaluate_tick(context).run_requests or [])


def run_nightly(instance: dg.DagsterInstance, defs: dg.Definitions, now: datetime) -> dict[str, Any]:
    """Sync the registry, crawl every source, parse and refresh; return what each step reported."""
    registry = defs.resolve_job_def("sync_source_registry").execute_in_process(instance=instance, run_config=QUIET)
    crawl_job = defs.resolve_job_def("crawl_source")
    sources = []
    for request in scheduled_requests(defs, instance, "nightly_crawl", now):
        sources.append(_crawl(crawl_job, instance, request))
        done = sources[-1]
        state = "ok" if done["healthy"] else "FAILED" if not done["run_succeeded"] else "unhealthy"
        found = f"{done['new_reports']} new of {done['reports_found']} reports"
        print(f"crawl {done['source']}: {state}, {found}", flush=True)
    parse_job = defs.resolve_job_def("parse_and_refresh")
    parse_runs = []
    for request in scheduled_requests(defs, instance, "nightly_parse", now):
        result = parse_job.execute_in_process(
            instance=instance, tags=request.tags, run_config=QUIET, raise_on_error=False
        )
        checks = {check.check_name: check.passed for check in result.get_asset_check_evaluations()}
        parse_runs.append({"run_id": result.run_id, "succeeded": result.success, "checks": checks, **_metadata(result)})
        failed = ", ".join(sorted(name for name, passed in checks.items() if not passed)) or "none"
        state = "ok" if result.success else "FAILED"
        print(f"parse and refresh: {state}, {parse_runs[-1].get('parsed')} parsed; failed checks: {failed}", flush=True)
    return {"registry_run_succeeded": registry.success, "sources": sources, "parse_runs": parse_runs}
