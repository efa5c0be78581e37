"""Tonight's job, now, in this process, on the instance under the data directory (``… nightly``).

The runs are the ones the daemon would launch: the registry sync, then whatever ``nightly_crawl`` asks for (one
run per shard of sources, over a range of partitions) and ``nightly_parse``; each executes in process against the
sqlite instance, so ``govreports main`` needs no daemon and the Dagster UI opened afterwards shows every run,
check and partition. Progress goes to stdout, a line per run and one per source that is not healthy.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dagster as dg

from dagster_project.defs.archive import CRAWL_HEALTHY

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _metadata(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for event in result.get_asset_materialization_events():
        for key, value in event.materialization.metadata.items():
            if isinstance(value.value, bool | int | float | str):  # figures, not tables or schemas
                figures[key] = value.value
    return figures


def crawl_outcomes(result: dg.ExecuteInProcessResult) -> list[dict[str, Any]]:
    """Per source of a crawl run: its status and figures, from its partition's materialization and check."""
    sources: dict[str, dict[str, Any]] = {}
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        if materialization.partition:
            sources[materialization.partition] = {key: value.value for key, value in materialization.metadata.items()}
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.check_name == CRAWL_HEALTHY and evaluation.partition:
            held = sources.setdefault(evaluation.partition, {})
            for key, value in evaluation.metadata.items():
                held.setdefault(key, value.value)
    outcomes = []
    for source_id, figures in sorted(sources.items()):
        status = figures.get("status", "failed")
        outcomes.append({"source": source_id, "run_id": result.run_id, "status": status,
                         "healthy": status == "ok", "failed": status == "failed", **figures})
    return outcomes


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


def run_nightly(
    instance: dg.DagsterInstance, defs: dg.Definitions, now: datetime, parse: bool = True
) -> dict[str, Any]:
    """Sync the registry, crawl every source, parse and refresh (unless ``parse`` is False); return what each step
    reported."""
    registry = defs.resolve_job_def("sync_source_registry").execute_in_process(instance=instance, run_config=QUIET)
    crawl_job = defs.resolve_job_def("crawl_sources")
    sources: list[dict[str, Any]] = []
    crawl_runs = []
    for request in scheduled_requests(defs, instance, "nightly_crawl", now):
        result = crawl_job.execute_in_process(
            instance=instance, tags=request.tags, run_config=QUIET, raise_on_error=False
        )
        outcomes = crawl_outcomes(result)
        sources += outcomes
        crawl_runs.append({"run_id": result.run_id, "succeeded": result.success, "sources": len(outcomes)})
        failed = [o["source"] for o in outcomes if o["failed"]]
        print(f"crawl of {len(outcomes)} sources: {len(outcomes) - len(failed)} crawled"
              + (f", FAILED: {', '.join(failed)}" if failed else ""), flush=True)
        for outcome in outcomes:
            if not outcome["healthy"]:
                print(f"  {outcome['source']}: {outcome['status']} — {'; '.join(outcome.get('reasons') or [])}",
                      flush=True)
    parse_job = defs.resolve_job_def("parse_and_refresh")
    parse_runs = []
    for request in scheduled_requests(defs, instance, "nightly_parse", now) if parse else []:
        result = parse_job.execute_in_process(
            instance=instance, tags=request.tags, run_config=QUIET, raise_on_error=False
        )
        checks = {check.check_name: check.passed for check in result.get_asset_check_evaluations()}
        parse_runs.append({"run_id": result.run_id, "succeeded": result.success, "checks": checks, **_metadata(result)})
        failed = ", ".join(sorted(name for name, passed in checks.items() if not passed)) or "none"
        state = "ok" if result.success else "FAILED"
        print(f"parse and refresh: {state}, {parse_runs[-1].get('parsed')} parsed; failed checks: {failed}", flush=True)
    return {
        "registry_run_succeeded": registry.success,
        "crawl_runs": crawl_runs,
        "sources": sources,
        "failed_sources": [source["source"] for source in sources if source["failed"]],
        "parse_runs": parse_runs,
    }
