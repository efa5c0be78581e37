"""Resources: where the data lives and how the crawl is launched; every asset does its I/O through these."""

import os
from pathlib import Path
from typing import Any

import dagster as dg

from crawler.run import SOURCE_MESSAGE
from pipelines.children import TiedChild
from pipelines.registry import DEFAULT_DIR
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


class PipesCrawler(dg.ConfigurableResource):
    """Runs ``python -m crawler.run`` for a batch of sources as a dagster-pipes child and returns what it reported:
    the run's summary with one health record per source (the asset turns them into per-partition events).

    Dagster's PipesSubprocessClient treats every non-zero exit as a crash and drops what the child reported, but
    the crawler exits 1 when a portal failed *after* reporting it: that is per-source health, not a crash to
    retry. So a child that reported its sources completes the call whatever its exit status; one that did not
    (killed, crashed, bad arguments) raises, and the asset's RetryPolicy retries the step.
    """

    def run(self, context: dg.AssetExecutionContext, command: list[str], source_ids: list[str]) -> dict[str, Any]:
        with dg.open_pipes_session(
            context=context,
            context_injector=dg.PipesTempFileContextInjector(),
            message_reader=dg.PipesTempFileMessageReader(),
            extras={"source_ids": source_ids},
        ) as session:
            # The child's stdout carries its JSON summary for hand runs; here Pipes brings the figures, so it joins
            # the log stream (stderr) instead of the terminal of whoever launched Dagster.
            env = {**os.environ, **session.get_bootstrap_env_vars()}
            # Tied to this step: a step killed or interrupted never leaves its crawl running (pipelines.children).
            with TiedChild(command, env=env, stdout=STDERR, forward_signals=False) as process:
                process.wait()
        messages = session.get_custom_messages()
        summary = next((message for message in messages if message.get("kind") == "summary"), None)
        if summary is None:
            raise dg.Failure(f"the crawl exited with status {process.returncode} without reporting its sources")
        records = [message["record"] for message in messages if message.get("kind") == SOURCE_MESSAGE]
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
