"""The whole graph materialized twice in one pytest process against the replica portals and one dead portal.

Real crawls (Scrapy in Pipes child processes), real parsing, real Parquet and DuckDB, the real sqlite instance
under the data directory; the second night must download nothing again and duplicate nothing.
"""

import socket
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pytest
import yaml

import replicas
from dagster_project.defs import archive, checks, reports, tables
from dagster_project.defs.archive import CRAWL_HEALTHY
from dagster_project.defs.partitions import SOURCES_PARTITION
from dagster_project.defs.resources import govreports_resources
from dagster_project.instance import prepare_dagster_home
from pipelines.settings import Settings
from warehouse.catalog import connect

pytestmark = pytest.mark.slow

BROKEN = "replica-dead"
ASSETS = [archive.source_registry, archive.archived_documents, reports.parse_archived_documents, tables.catalog]
CHECKS = [
    checks.report_documents_accounted_for,
    checks.arithmetic_pass_rate,
    checks.no_duplicate_reports,
    checks.sources_crawled_recently,
]
PARSE_SELECTION = dg.AssetSelection.groups("reports", "warehouse") | dg.AssetSelection.checks(*CHECKS)
DOCUMENT_KINDS = ("page", "attachment")
TABLE_COUNTS = {
    "documents": "SELECT count(DISTINCT sha256) FROM documents",
    "reports": "SELECT count(*) FROM reports",
    "findings": "SELECT count(*) FROM findings",
    "applications": "SELECT count(*) FROM applications",
}
"""What must not grow on a night with nothing new (the documents table keeps one row per fetch, so count bodies)."""


@dataclass
class Night:
    crawls: dict[str, dg.ExecuteInProcessResult] = field(default_factory=dict)
    parse: dg.ExecuteInProcessResult | None = None
    downloads: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)


@dataclass
class Nights:
    settings: Settings
    instance: dg.DagsterInstance
    first: Night
    second: Night


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _write_dead_source(directory: Path) -> None:
    """A replica's source pointing at a port nobody listens on: the deliberately broken portal."""
    data = replicas.source_data("replica-plain", f"http://127.0.0.1:{_dead_port()}")
    data["id"] = BROKEN
    (directory / f"{BROKEN}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _figures(result: dg.ExecuteInProcessResult) -> dict:
    return {
        key: value.value
        for event in result.get_asset_materialization_events()
        for key, value in event.materialization.metadata.items()
    }


def _failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """Why steps failed, for assertion messages."""
    return [
        event.event_specific_data.error.to_string()
        for event in result.all_events
        if event.event_type_value == "STEP_FAILURE" and event.event_specific_data.error
    ]


def _checks(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()}


def _night(instance: dg.DagsterInstance, resources: dict, served: replicas.Served, settings: Settings) -> Night:
    night = Night()
    for server in served.servers.values():
        server.clear()
    assert dg.materialize(ASSETS, selection=[archive.source_registry], instance=instance, resources=resources).success
    for source_id in sorted(instance.get_dynamic_partitions(SOURCES_PARTITION)):
        night.crawls[source_id] = dg.materialize(
            ASSETS,
            selection=[archive.archived_documents],
            partition_key=source_id,
            instance=instance,
            resources=resources,
            raise_on_error=False,
        )
    night.parse = dg.materialize(
        [*ASSETS, *CHECKS], selection=PARSE_SELECTION, instance=instance, resources=resources, raise_on_error=False
    )
    night.downloads = {
        source_id: sum(len(server.entries(kind, 200)) for kind in DOCUMENT_KINDS)
        for source_id, server in served.servers.items()
    }
    with connect(settings) as connection:
        for name, count in TABLE_COUNTS.items():
            night.tables[name] = connection.execute(count).fetchone()[0]
    return night


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("nights")
    settings = Settings.resolve(root / "data")
    sources = root / "sources"
    with replicas.serve_all() as served:
        replicas.write_sources(sources, served)
        _write_dead_source(sources)
        resources = govreports_resources(settings.data, str(sources))
        with dg.DagsterInstance.from_config(str(prepare_dagster_home(settings))) as instance:
            first = _night(instance, resources, served, settings)
            second = _night(instance, resources, served, settings)
            yield Nights(settings, instance, first, second)


def test_every_registered_source_is_a_partition(nights: Nights) -> None:
    assert sorted(nights.instance.get_dynamic_partitions(SOURCES_PARTITION)) == sorted([*replicas.MODULES, BROKEN])


@pytest.mark.parametrize("night", ["first", "second"])
def test_the_dead_portal_fails_its_own_check_and_nothing_else(nights: Nights, night: str) -> None:
    crawled = getattr(nights, night)
    for source_id, result in crawled.crawls.items():
        assert result.success, f"{source_id}: a portal's failure is a failed check, not a failed run"
        assert _checks(result)[CRAWL_HEALTHY].passed is (source_id != BROKEN), source_id
    assert crawled.parse is not None and crawled.parse.success, _failures(crawled.parse)


def test_first_night_finds_exactly_the_reports_each_portal_lists(nights: Nights) -> None:
    for source_id in replicas.MODULES:
        figures = _figures(nights.first.crawls[source_id])
        expected = len(replicas.expected_reports(source_id))
        assert (figures["reports_found"], figures["new_reports"]) == (expected, expected), source_id
    assert nights.first.tables["reports"] > 0


def test_second_night_is_incremental(nights: Nights) -> None:
    for source_id in replicas.MODULES:
        assert _figures(nights.second.crawls[source_id])["new_reports"] == 0, source_id
    assert nights.second.downloads == dict.fromkeys(replicas.MODULES, 0), "documents downloaded again"
    assert _figures(nights.second.parse)["parsed"] == 0
    assert nights.second.tables == nights.first.tables


def test_warehouse_checks(nights: Nights) -> None:
    for night in (nights.first, nights.second):
        results = _checks(night.parse)
        assert results["report_documents_accounted_for"].passed
        assert results["sources_crawled_recently"].passed
        assert results["no_duplicate_reports"].metadata["duplicate_rows"].value == []
        rates = results["arithmetic_pass_rate"].metadata["pass_rate"].value
        assert all(source_id in rates for source_id in replicas.MODULES)


def test_dagster_keeps_every_night_per_source(nights: Nights) -> None:
    for source_id in [*replicas.MODULES, BROKEN]:
        records = nights.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=archive.archived_documents.key, asset_partitions=[source_id]), limit=10
        ).records
        assert len(records) == 2, source_id
