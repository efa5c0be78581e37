"""Resources: where the data lives and how the crawl is launched; every asset does its I/O through these."""

import os
import subprocess
from pathlib import Path
from typing import Any

import dagster as dg

from crawler.run import SOURCE_MESSAGE
from crawler.sources import DEFAULT_DIR
from pipelines.settings import Settings
from warehouse.catalog import connect

SOURCES_ENV = "GOVREPORTS_SOURCES"
DEFAULT_SHARD_SIZE = 500
STDERR = 2
"""File descriptor 2: the process's stderr whatever wraps ``sys.stderr`` (pytest, Dagster's log capture)."""


class CrawlShards(dg.ConfigurableResource):
    """How the nightly crawl is cut into runs: ``size`` sources per run (one crawl process, one Scrapy engine each);
    the runs go to Dagster's run queue and executor. Unset means ``GOVREPORTS_SHARD_SIZE`` or 500."""

    size: int | None = None

    @property
    def sources_per_run(self) -> int:
        return max(1, self.size or int(os.environ.get("GOVREPORTS_SHARD_SIZE") or DEFAULT_SHARD_SIZE))


class DataDirectory(dg.ConfigurableResource):
    """The product's data directory (archive, warehouse, catalog); unset means ``GOVREPORTS_DATA`` or ``./data``."""

    data: str | None = None

    @property
    def settings(self) -> Settings:
        return Settings.resolve(self.data)


class SourceFiles(dg.ConfigurableResource):
    """The directory of source YAML files; unset means ``GOVREPORTS_SOURCES`` or the bundled ``sources/``."""

    directory: str | None = None

    @property
    def path(self) -> Path:
        return Path(self.directory or os.environ.get(SOURCES_ENV) or DEFAULT_DIR).resolve()


class WarehouseCatalog(dg.ConfigurableResource):
    """Read-only SQL over the warehouse's DuckDB catalog, for checks that judge what SQL users see."""

    data_directory: dg.ResourceDependency[DataDirectory]

    def query(self, sql: str, params: list[object] | None = None) -> list[dict[str, object]]:
        connection = connect(self.data_directory.settings, read_only=True)
        try:
            cursor = connection.execute(sql, params or [])
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            connection.close()


CRAWL_HEALTHY = "crawl_healthy"
"""The per-source check: a dead portal fails it (ERROR), a degraded column fails it as a warning (WARN)."""
FIGURES = ("pages_fetched", "reports_found", "new_reports", "error_count", "skipped", "unchanged")


def _figures(record: dict[str, Any]) -> dict[str, Any]:
    """A source's health record as partition metadata: the figures, and the why when it is not ok."""
    metadata: dict[str, Any] = {
        "status": record["status"],
        "pages": record["pages_fetched"],
        "reports_found": record["reports_found"],
        "new_reports": record["new_reports"],
        "errors": record["error_count"],
        "skipped": record.get("skipped", 0),
        "run_id": record["run_id"],
    }
    if record["status"] != "ok":
        metadata["reasons"] = dg.MetadataValue.json(record.get("reasons", []))
        metadata["errors_by_kind"] = dg.MetadataValue.json(record.get("errors", {}))
        metadata["failing_urls"] = dg.MetadataValue.json(record.get("failing_urls", []))
    return metadata


class PipesCrawler(dg.ConfigurableResource):
    """Runs ``python -m crawler.run`` for a batch of sources as a dagster-pipes child and turns what it reports —
    one health record per source — into events of each source's partition.

    A source that crawled (ok or degraded) gets a materialization of its partition with its figures; one that
    failed gets none, so when the step then fails its partition shows failed (red), with the reasons in the failed
    check evaluation of that partition. The per-source check is evaluated for every source that is not ok, and
    for one that was not ok last time (so a recovered source turns green); ``evaluate_healthy`` evaluates it for
    every healthy source too, at ~14 ms CPU more per source on the embedded sqlite storage (measured by
    benchmarks/nightly_scale.py).
    """

    evaluate_healthy: bool = False

    def run(
        self,
        context: dg.AssetExecutionContext,
        command: list[str],
        source_ids: list[str],
    ) -> dict[str, Any]:
        """Crawl ``source_ids``; log their partitions' events; return the run's summary (``sources`` included)."""
        with dg.open_pipes_session(
            context=context,
            context_injector=dg.PipesTempFileContextInjector(),
            message_reader=dg.PipesTempFileMessageReader(),
            extras={"source_ids": source_ids},
        ) as session:
            # The child's stdout carries its JSON summary for hand runs; here Pipes brings the figures, so it joins
            # the log stream (stderr) instead of the terminal of whoever launched Dagster.
            env = {**os.environ, **session.get_bootstrap_env_vars()}
            process = subprocess.run(command, env=env, stdout=STDERR, check=False)
        messages = session.get_custom_messages()
        records = [message["record"] for message in messages if message.get("kind") == SOURCE_MESSAGE]
        summary = next((message for message in messages if message.get("kind") == "summary"), None)
        if summary is None:
            raise dg.Failure(f"the crawl exited with status {process.returncode} without reporting its sources")
        asset_key = context.assets_def.key
        for record in records:
            partition = record["source_id"]
            if record["status"] != "failed":
                context.log_event(dg.AssetMaterialization(asset_key, partition=partition, metadata=_figures(record)))
            if record["status"] != "ok" or record.get("previous_status") not in (None, "ok") or \
                    self.evaluate_healthy:
                failed = record["status"] == "failed"
                context.log_event(dg.AssetCheckEvaluation(
                    asset_key=asset_key, check_name=CRAWL_HEALTHY, partition=partition,
                    passed=record["status"] == "ok", metadata=_figures(record),
                    severity=dg.AssetCheckSeverity.ERROR if failed else dg.AssetCheckSeverity.WARN,
                ))
        return {**summary, "sources": records}


def govreports_resources(data: str | None = None, sources: str | None = None) -> dict[str, object]:
    """The resources of the code location; unset arguments mean the embedded default (env, then ./data)."""
    data_directory = DataDirectory(data=data)
    return {
        "data_directory": data_directory,
        "source_files": SourceFiles(directory=sources),
        "warehouse_catalog": WarehouseCatalog(data_directory=data_directory),
        "pipes_crawler": PipesCrawler(),
        "crawl_shards": CrawlShards(),
    }
