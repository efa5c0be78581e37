"""The whole graph materialized twice in one pytest process (see conftest): per-source health read back through
Dagster's API (exactly the dead portal's partition failed, exactly the degraded column flagged, each with its
reasons), an incremental second night, the warehouse checks, and Dagster's record of every night."""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest
import yaml

import replicas
from dagster_project.definitions import defs
from dagster_project.defs import archive
from dagster_project.defs.archive import CRAWL_HEALTHY, EVERY_SOURCE_HEALTHY
from dagster_project.defs.partitions import RANGE_END_TAG, RANGE_START_TAG, SOURCES_PARTITION, sources_partitions
from dagster_project.defs.resources import CrawlShards, SourceFiles
from dagster_project.nightly import crawl_outcomes
from tests.dagster.conftest import BROKEN, DEGRADED, HEALTHY, Nights, check_results, figures_of, step_failures

pytestmark = pytest.mark.slow


def test_every_registered_source_is_a_partition(nights: Nights) -> None:
    assert sorted(nights.instance.get_dynamic_partitions(SOURCES_PARTITION)) == sorted([*HEALTHY, BROKEN, DEGRADED])


def _partition_status(nights: Nights) -> dict[str, str]:
    keys = list(nights.instance.get_dynamic_partitions(SOURCES_PARTITION))
    statuses = nights.instance.get_status_by_partition(archive.archived_documents.key, keys, sources_partitions)
    return {key: status.value for key, status in (statuses or {}).items()}


def _latest_checks(nights: Nights) -> dict[str, dg.AssetCheckEvaluation]:
    """Each partition's latest ``crawl_healthy`` evaluation, as Dagster stores it."""
    key = dg.AssetCheckKey(archive.archived_documents.key, CRAWL_HEALTHY)
    history = nights.instance.event_log_storage.get_asset_check_execution_history(key, limit=100)
    latest: dict[str, dg.AssetCheckEvaluation] = {}
    for record in history:  # newest first
        if record.event is not None and record.partition not in latest:
            evaluation = record.event.dagster_event.event_specific_data
            if isinstance(evaluation, dg.AssetCheckEvaluation):
                latest[record.partition] = evaluation
    return latest


@pytest.mark.parametrize("night", ["first", "second"])
def test_exactly_the_dead_and_the_degraded_source_are_flagged_with_reasons(nights: Nights, night: str) -> None:
    crawl = getattr(nights, night).crawl
    assert crawl is not None and not crawl.success, "a failed source fails the crawl run"
    failures = step_failures(crawl)
    assert any(f"1 of {len(HEALTHY) + 2} sources failed: {BROKEN}" in failure for failure in failures), failures
    outcomes = {outcome["source"]: outcome for outcome in crawl_outcomes(crawl)}
    assert {source: outcome["status"] for source, outcome in outcomes.items()} == {
        **dict.fromkeys(HEALTHY, "ok"), DEGRADED: "degraded", BROKEN: "failed"}
    evaluations = {e.partition: e for e in crawl.get_asset_check_evaluations() if e.check_name == CRAWL_HEALTHY}
    assert sorted(evaluations) == sorted([BROKEN, DEGRADED])  # healthy sources cost no check evaluation
    assert evaluations[BROKEN].severity == dg.AssetCheckSeverity.ERROR and not evaluations[BROKEN].passed
    assert evaluations[DEGRADED].severity == dg.AssetCheckSeverity.WARN and not evaluations[DEGRADED].passed
    dead_reasons = evaluations[BROKEN].metadata["reasons"].value
    assert "connection_refused" in dead_reasons[0]
    assert evaluations[BROKEN].metadata["failing_urls"].value[0]["kind"] == "connection_refused"
    assert evaluations[DEGRADED].metadata["reasons"].value == ["the column answers but lists no report"]
    (overview,) = [e for e in crawl.get_asset_check_evaluations() if e.check_name == EVERY_SOURCE_HEALTHY]
    assert not overview.passed and overview.metadata["failed_count"].value == 1
    assert list(overview.metadata["failed"].value) == [BROKEN]
    assert list(overview.metadata["degraded"].value) == [DEGRADED]
    assert crawl.get_asset_materialization_events()  # the others were recorded before the step failed


def test_partitions_read_back_through_dagster(nights: Nights) -> None:
    statuses = _partition_status(nights)
    assert statuses == {**dict.fromkeys(HEALTHY, "MATERIALIZED"), DEGRADED: "MATERIALIZED", BROKEN: "FAILED"}
    latest = _latest_checks(nights)
    assert sorted(latest) == sorted([BROKEN, DEGRADED])
    assert all(not evaluation.passed for evaluation in latest.values())
    record = nights.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=archive.archived_documents.key, asset_partitions=[DEGRADED]), limit=1
    ).records[0]
    metadata = record.asset_materialization.metadata
    assert metadata["status"].value == "degraded"
    assert metadata["reasons"].value == ["the column answers but lists no report"]


def test_first_night_finds_exactly_the_reports_each_portal_lists(nights: Nights) -> None:
    outcomes = {outcome["source"]: outcome for outcome in crawl_outcomes(nights.first.crawl)}
    for source_id in HEALTHY:
        expected = len(replicas.expected_reports(source_id))
        figures = outcomes[source_id]
        assert (figures["reports_found"], figures["new_reports"]) == (expected, expected), source_id
    assert nights.first.tables["reports"] > 0


def test_second_night_is_incremental(nights: Nights) -> None:
    outcomes = {outcome["source"]: outcome for outcome in crawl_outcomes(nights.second.crawl)}
    for source_id in HEALTHY:
        assert outcomes[source_id]["new_reports"] == 0, source_id
        assert outcomes[source_id]["skipped"] > 0, source_id
    assert nights.second.downloads == dict.fromkeys(replicas.MODULES, 0), "documents downloaded again"
    assert figures_of(nights.second.parse)["parsed"] == 0
    assert nights.second.tables == nights.first.tables


def test_warehouse_checks(nights: Nights) -> None:
    for night in (nights.first, nights.second):
        assert night.parse is not None and night.parse.success, step_failures(night.parse)
        results = check_results(night.parse)
        assert results["report_documents_accounted_for"].passed
        freshness = results["sources_crawled_recently"]
        assert not freshness.passed and freshness.metadata["stale_count"].value == 1
        assert BROKEN in str(freshness.metadata["stale_sources"].value)
        assert results["no_duplicate_reports"].passed, results["no_duplicate_reports"].metadata
        rates = results["arithmetic_pass_rate"].metadata["pass_rate"].value
        assert all(source_id in rates for source_id in replicas.MODULES)


def test_dagster_keeps_every_night_per_source_in_one_run_a_night(nights: Nights) -> None:
    for source_id in [*HEALTHY, DEGRADED]:
        records = nights.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=archive.archived_documents.key, asset_partitions=[source_id]), limit=10
        ).records
        assert len(records) == 2, source_id
        assert {record.run_id for record in records} == {nights.first.crawl.run_id, nights.second.crawl.run_id}
    assert not nights.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=archive.archived_documents.key, asset_partitions=[BROKEN]), limit=10
    ).records


def _schedule(nights: Nights, directory: Path, shard_size: int | None = None) -> list[dg.RunRequest]:
    context = dg.build_schedule_context(
        instance=nights.instance,
        scheduled_execution_time=datetime.now(UTC),
        repository_def=defs.get_repository_def(),
        resources={"source_files": SourceFiles(directory=str(directory)), "crawl_shards": CrawlShards(size=shard_size)},
    )
    return list(defs.resolve_schedule_def("nightly_crawl").evaluate_tick(context).run_requests or [])


def test_nightly_schedule_asks_one_run_per_shard(nights: Nights) -> None:
    keys = list(nights.instance.get_dynamic_partitions(SOURCES_PARTITION))
    (single,) = _schedule(nights, nights.sources)
    assert (single.tags[RANGE_START_TAG], single.tags[RANGE_END_TAG]) == (keys[0], keys[-1])
    shards = _schedule(nights, nights.sources, shard_size=2)
    assert [(r.tags[RANGE_START_TAG], r.tags[RANGE_END_TAG]) for r in shards] == [
        (keys[i], keys[min(i + 1, len(keys) - 1)]) for i in range(0, len(keys), 2)]
    assert len({request.run_key for request in shards}) == len(shards)


def test_a_source_removed_from_the_registry_keeps_its_partition_but_is_not_crawled(
    nights: Nights, tmp_path: Path
) -> None:
    for path in nights.sources.glob("*.yaml"):
        if path.stem != BROKEN:
            (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    keys = list(nights.instance.get_dynamic_partitions(SOURCES_PARTITION))
    ranges = [(r.tags[RANGE_START_TAG], r.tags[RANGE_END_TAG]) for r in _schedule(nights, tmp_path)]
    covered = [key for start, end in ranges for key in keys[keys.index(start) : keys.index(end) + 1]]
    assert BROKEN not in covered and sorted(covered) == sorted(set(keys) - {BROKEN})
    assert BROKEN in nights.instance.get_dynamic_partitions(SOURCES_PARTITION)


def test_sensor_parses_after_a_crawl_with_new_reports_only(nights: Nights) -> None:
    sensor = defs.resolve_sensor_def("newly_archived_documents")
    records = nights.instance.fetch_materializations(archive.archived_documents.key, limit=100, ascending=True).records
    first_night_end = max(r.storage_id for r in records if r.run_id == nights.first.crawl.run_id)
    fresh = sensor.evaluate_tick(dg.build_sensor_context(instance=nights.instance, definitions=defs))
    assert len(fresh.run_requests) == 1, "the first night archived new reports: parse them now"
    quiet = sensor.evaluate_tick(
        dg.build_sensor_context(instance=nights.instance, cursor=str(first_night_end), definitions=defs)
    )
    assert not quiet.run_requests, "the second night found nothing new: nothing to parse"
    assert quiet.cursor == str(records[-1].storage_id)


def _registry_tick(nights: Nights, directory: Path) -> dg.SensorResult:
    context = dg.build_sensor_context(
        instance=nights.instance, resources={"source_files": SourceFiles(directory=str(directory))}
    )
    return defs.resolve_sensor_def("source_registry_changes").evaluate_tick(context)


def test_registry_sensor_adds_a_partition_for_a_new_source_file(nights: Nights, tmp_path: Path) -> None:
    assert not _registry_tick(nights, nights.sources).dynamic_partitions_requests
    for path in nights.sources.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    data = {**replicas.source_data("replica-trs", "http://127.0.0.1:9"), "id": "replica-new"}
    (tmp_path / "replica-new.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (request,) = _registry_tick(nights, tmp_path).dynamic_partitions_requests
    assert list(request.partition_keys) == ["replica-new"]
