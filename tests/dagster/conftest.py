"""Two nights of the whole graph, materialized once per test session and shared by the graph and browser tests.

Real crawls (Scrapy in a Pipes child process per shard run, as the nightly schedule asks for them) of the replica
portals plus one dead portal and one degraded column, real parsing, real Parquet and DuckDB, the real sqlite
instance under the data directory. Started only by a test that asks for it.
"""

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pytest
import yaml

import replicas
from dagster_project.defs import archive, checks, reports, tables
from dagster_project.defs.partitions import SOURCES_PARTITION, range_tags
from dagster_project.defs.resources import govreports_resources
from dagster_project.instance import prepare_dagster_home
from pipelines.settings import Settings
from replicas.server import ReplicaServer
from replicas.sites.column import COLUMN, ColumnSite, source_fields
from warehouse.catalog import connect

BROKEN = "replica-dead"
DEGRADED = "replica-degraded"
"""A column that answers but lists no report."""
HEALTHY = sorted(replicas.MODULES)
ASSETS = [
    archive.source_registry,
    archive.archived_documents,
    reports.parsed_reports,
    tables.warehouse_tables,
    tables.catalog,
]
CRAWL_CHECKS = [archive.crawl_healthy]
CHECKS = [
    checks.report_documents_accounted_for,
    checks.no_parser_failures,
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
    crawl: dg.ExecuteInProcessResult | None = None
    parse: dg.ExecuteInProcessResult | None = None
    downloads: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)


@dataclass
class Nights:
    settings: Settings
    sources: Path
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


def _write_degraded_source(directory: Path, server: ReplicaServer) -> None:
    data = {**source_fields(0), "id": DEGRADED, "start_urls": [f"{server.base_url}{COLUMN}index.html"]}
    (directory / f"{DEGRADED}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def figures_of(result: dg.ExecuteInProcessResult) -> dict:
    return {
        key: value.value
        for event in result.get_asset_materialization_events()
        for key, value in event.materialization.metadata.items()
    }


def step_failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """Why steps failed, for assertion messages."""
    return [
        event.event_specific_data.error.to_string()
        for event in result.all_events
        if event.event_type_value == "STEP_FAILURE" and event.event_specific_data.error
    ]


def check_results(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()}


def _night(instance: dg.DagsterInstance, resources: dict, served: replicas.Served, settings: Settings) -> Night:
    night = Night()
    for server in served.servers.values():
        server.clear()
    assert dg.materialize(ASSETS, selection=[archive.source_registry], instance=instance, resources=resources).success
    keys = list(instance.get_dynamic_partitions(SOURCES_PARTITION))  # one shard: a single run over the range
    night.crawl = dg.materialize(
        [*ASSETS, *CRAWL_CHECKS],
        # as the nightly job: crawl_healthy is not planned for the whole range (the crawl evaluates it per source)
        selection=dg.AssetSelection.assets(archive.archived_documents)
        - dg.AssetSelection.checks(archive.crawl_healthy),
        tags=range_tags(keys),
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


@pytest.fixture(scope="session")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nights]:
    root = tmp_path_factory.mktemp("nights")
    settings = Settings.resolve(root / "data")
    sources = root / "sources"
    with replicas.serve_all() as served, ReplicaServer(ColumnSite(reports=False)) as degraded:
        replicas.write_sources(sources, served)
        _write_dead_source(sources)
        _write_degraded_source(sources, degraded)
        resources = govreports_resources(settings.data, str(sources))
        with dg.DagsterInstance.from_config(str(prepare_dagster_home(settings))) as instance:
            first = _night(instance, resources, served, settings)
            second = _night(instance, resources, served, settings)
            yield Nights(settings, sources, instance, first, second)
