"""The jobs of a night: sync the registry, crawl the sources (a run per shard, a partition per source), parse."""

import dagster as dg

from dagster_project.defs.archive import archived_documents, crawl_healthy, source_registry
from dagster_project.defs.checks import sources_crawled_recently
from dagster_project.instance import WAREHOUSE_WRITER_TAG

sync_source_registry = dg.define_asset_job(
    "sync_source_registry",
    selection=dg.AssetSelection.assets(source_registry),
    description="Load the source registry and add a partition for every new source.",
)

crawl_sources = dg.define_asset_job(
    "crawl_sources",
    selection=dg.AssetSelection.assets(archived_documents)
    - dg.AssetSelection.checks(sources_crawled_recently, crawl_healthy),
    description="Crawl a range of sources in one process and archive what their portals return; every source's "
    "partition is materialized, or failed with its reasons, on its own.",
)

parse_and_refresh = dg.define_asset_job(
    "parse_and_refresh",
    selection=dg.AssetSelection.groups("reports", "warehouse") | dg.AssetSelection.checks(sources_crawled_recently),
    tags=WAREHOUSE_WRITER_TAG,
    description="Parse and validate every archived document not yet parsed, then refresh the warehouse and catalog.",
)
