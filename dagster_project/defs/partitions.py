"""Partitions by source: one per registry entry, so one broken portal never blocks the others."""

import dagster as dg

from dagster_project.defs.resources import SourceFiles
from pipelines.registry import load_sources

SOURCES_PARTITION = "source"

sources_partitions = dg.DynamicPartitionsDefinition(name=SOURCES_PARTITION)


def new_source_ids(instance: dg.DagsterInstance, registry_ids: list[str]) -> list[str]:
    """Registry ids that are not yet partitions; sources removed from the registry keep their history."""
    known = set(instance.get_dynamic_partitions(SOURCES_PARTITION))
    return [source_id for source_id in registry_ids if source_id not in known]


def registered_partitions(instance: dg.DagsterInstance, source_files: SourceFiles) -> list[str]:
    """The partitions whose source is still in the registry (the ones to crawl and to keep fresh)."""
    registered = {source.id for source in load_sources(source_files.path)}
    return [key for key in instance.get_dynamic_partitions(SOURCES_PARTITION) if key in registered]


RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
"""Dagster's tags for a run over a partition range (a single-run backfill)."""


def shards(instance: dg.DagsterInstance, source_files: SourceFiles, size: int) -> list[list[str]]:
    """The registered partitions cut into runs of at most ``size``, each a contiguous range of the partitions'
    order (a source removed from the registry keeps its partition but splits the range: it is not crawled)."""
    registered = {source.id for source in load_sources(source_files.path)}
    runs: list[list[str]] = [[]]
    for key in instance.get_dynamic_partitions(SOURCES_PARTITION):
        if key not in registered or len(runs[-1]) >= size:
            runs.append([])
        if key in registered:
            runs[-1].append(key)
    return [run for run in runs if run]


def range_tags(keys: list[str]) -> dict[str, str]:
    return {RANGE_START_TAG: keys[0], RANGE_END_TAG: keys[-1]}
