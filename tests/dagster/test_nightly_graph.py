"""The whole graph materialized twice in one pytest process (see conftest): per-source health, an incremental second
night, the warehouse checks, and Dagster's record of every night."""

import dagster as dg
import pytest

import replicas
from dagster_project.defs import archive
from dagster_project.defs.archive import CRAWL_HEALTHY
from dagster_project.defs.partitions import SOURCES_PARTITION
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
