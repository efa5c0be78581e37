"""The whole graph materialized twice in one pytest process (see conftest): per-source health, an incremental second
night, the warehouse checks, and Dagster's record of every night."""

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest
import yaml

import replicas
from dagster_project.definitions import defs
from dagster_project.defs import archive
from dagster_project.defs.archive import CRAWL_HEALTHY
from dagster_project.defs.partitions import SOURCES_PARTITION
from dagster_project.defs.resources import SourceFiles
from tests.dagster.conftest import BROKEN, Nights, check_results, figures_of, step_failures

pytestmark = pytest.mark.slow


def test_every_registered_source_is_a_partition(nights: Nights) -> None:
    assert sorted(nights.instance.get_dynamic_partitions(SOURCES_PARTITION)) == sorted([*replicas.MODULES, BROKEN])


@pytest.mark.parametrize("night", ["first", "second"])
def test_the_dead_portal_fails_its_own_check_and_nothing_else(nights: Nights, night: str) -> None:
    crawled = getattr(nights, night)
    for source_id, result in crawled.crawls.items():
        assert result.success, f"{source_id}: a portal's failure is a failed check, not a failed run"
        assert check_results(result)[CRAWL_HEALTHY].passed is (source_id != BROKEN), source_id
    assert crawled.parse is not None and crawled.parse.success, step_failures(crawled.parse)


def test_first_night_finds_exactly_the_reports_each_portal_lists(nights: Nights) -> None:
    for source_id in replicas.MODULES:
        figures = figures_of(nights.first.crawls[source_id])
        expected = len(replicas.expected_reports(source_id))
        assert (figures["reports_found"], figures["new_reports"]) == (expected, expected), source_id
    assert nights.first.tables["reports"] > 0


def test_second_night_is_incremental(nights: Nights) -> None:
    for source_id in replicas.MODULES:
        assert figures_of(nights.second.crawls[source_id])["new_reports"] == 0, source_id
    assert nights.second.downloads == dict.fromkeys(replicas.MODULES, 0), "documents downloaded again"
    assert figures_of(nights.second.parse)["parsed"] == 0
    assert nights.second.tables == nights.first.tables


def test_warehouse_checks(nights: Nights) -> None:
    for night in (nights.first, nights.second):
        results = check_results(night.parse)
        assert results["report_documents_accounted_for"].passed
        assert results["sources_crawled_recently"].passed
        assert results["no_duplicate_reports"].passed, results["no_duplicate_reports"].metadata
        rates = results["arithmetic_pass_rate"].metadata["pass_rate"].value
        assert all(source_id in rates for source_id in replicas.MODULES)


def test_dagster_keeps_every_night_per_source(nights: Nights) -> None:
    for source_id in [*replicas.MODULES, BROKEN]:
        records = nights.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=archive.archived_documents.key, asset_partitions=[source_id]), limit=10
        ).records
        assert len(records) == 2, source_id


def test_nightly_schedule_asks_one_run_per_source(nights: Nights) -> None:
    context = dg.build_schedule_context(
        instance=nights.instance,
        scheduled_execution_time=datetime.now(UTC),
        repository_def=defs.get_repository_def(),
        resources={"source_files": SourceFiles(directory=str(nights.sources))},
    )
    requests = defs.resolve_schedule_def("nightly_crawl").evaluate_tick(context).run_requests or []
    assert sorted(request.partition_key for request in requests) == sorted([*replicas.MODULES, BROKEN])
    assert len({request.run_key for request in requests}) == len(requests)


def test_a_source_removed_from_the_registry_keeps_its_partition_but_is_not_crawled(
    nights: Nights, tmp_path: Path
) -> None:
    for path in nights.sources.glob("*.yaml"):
        if path.stem != BROKEN:
            (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    context = dg.build_schedule_context(
        instance=nights.instance,
        scheduled_execution_time=datetime.now(UTC),
        repository_def=defs.get_repository_def(),
        resources={"source_files": SourceFiles(directory=str(tmp_path))},
    )
    requests = defs.resolve_schedule_def("nightly_crawl").evaluate_tick(context).run_requests or []
    assert BROKEN not in {request.partition_key for request in requests}
    assert BROKEN in nights.instance.get_dynamic_partitions(SOURCES_PARTITION)


def test_sensor_parses_after_a_crawl_with_new_reports_only(nights: Nights) -> None:
    sensor = defs.resolve_sensor_def("newly_archived_documents")
    records = nights.instance.fetch_materializations(archive.archived_documents.key, limit=100, ascending=True).records
    first_night_end = records[len(nights.first.crawls) - 1].storage_id
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
