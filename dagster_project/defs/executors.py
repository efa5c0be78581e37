"""The executor, chosen by configuration: the multiprocess executor by default, Celery (or another) by a YAML file.

``GOVREPORTS_EXECUTOR`` names a file in Dagster's run-config shape (``execution: {<executor>: {config: …}}``, see
deploy/); its executor is bound with that config at load time, so schedules and sensors need no run config.
"""

import os
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import yaml

EXECUTOR_ENV = "GOVREPORTS_EXECUTOR"
DEPLOY_DIR = Path(__file__).resolve().parents[1] / "deploy"


def _celery() -> dg.ExecutorDefinition:
    from dagster_celery import celery_executor

    return celery_executor


EXECUTORS: dict[str, Callable[[], dg.ExecutorDefinition]] = {
    "multiprocess": lambda: dg.multiprocess_executor,
    "in_process": lambda: dg.in_process_executor,
    "celery": _celery,
}


def executor_from_file(path: Path | str) -> dg.ExecutorDefinition:
    """The executor a deploy YAML selects, configured (and so validated) with that file's config."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    ((name, body),) = (document.get("execution") or {"multiprocess": {}}).items()
    if name not in EXECUTORS:
        raise ValueError(f"{path}: unknown executor {name!r}; known: {sorted(EXECUTORS)}")
    return EXECUTORS[name]().configured((body or {}).get("config") or {}, name=f"{name}_from_{Path(path).stem}")


def executor_from_environment() -> dg.ExecutorDefinition:
    """``GOVREPORTS_EXECUTOR``'s file, else deploy/multiprocess.yaml (the embedded default)."""
    return executor_from_file(os.environ.get(EXECUTOR_ENV) or DEPLOY_DIR / "multiprocess.yaml")
