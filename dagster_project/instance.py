"""Dagster's own storage under the data directory: ``DAGSTER_HOME`` with a dagster.yaml that keeps it there.

Embedded default: sqlite run, event and schedule storage, local compute logs, a run queue that admits one
warehouse writer at a time. Nothing here is a runner or a queue of ours: it is the instance Dagster reads.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines.settings import Settings

WAREHOUSE_WRITER_TAG = {"govreports/writer": "warehouse"}
"""Runs that write the warehouse carry this tag; the run queue admits one such run at a time (one writer)."""

MAX_CONCURRENT_RUNS = 4
"""Crawls are network-bound child processes; four at once keeps a two-core laptop responsive."""


def instance_config(home: Path) -> dict[str, object]:
    """The dagster.yaml of the embedded default, every path absolute under ``home``."""
    ((tag_key, tag_value),) = WAREHOUSE_WRITER_TAG.items()
    return {
        "storage": {"sqlite": {"base_dir": str(home / "storage")}},
        "local_artifact_storage": {
            "module": "dagster._core.storage.root",
            "class": "LocalArtifactStorage",
            "config": {"base_dir": str(home)},
        },
        "compute_logs": {
            "module": "dagster._core.storage.local_compute_log_manager",
            "class": "LocalComputeLogManager",
            "config": {"base_dir": str(home / "logs")},
        },
        "run_queue": {
            "max_concurrent_runs": MAX_CONCURRENT_RUNS,
            "tag_concurrency_limits": [{"key": tag_key, "value": tag_value, "limit": 1}],
        },
        "telemetry": {"enabled": False},
    }


def prepare_dagster_home(settings: Settings) -> Path:
    """Create ``DAGSTER_HOME`` under the data directory and (re)write its dagster.yaml; return the directory."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    text = "# Written by govreports: Dagster's embedded storage under the data directory.\n"
    text += yaml.safe_dump(instance_config(home), sort_keys=False)
    target = home / "dagster.yaml"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return home
