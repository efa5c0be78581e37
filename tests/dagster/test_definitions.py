"""The code location loads, names what it holds as agreed (a rename fails here), and its configuration is valid."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
import yaml

from dagster_project.definitions import defs
from dagster_project.defs.executors import DEPLOY_DIR, EXECUTOR_ENV, EXECUTORS, executor_from_file
from dagster_project.instance import prepare_dagster_home
from pipelines.settings import Settings

ASSET_KEYS = [
    "archived_documents",
    "catalog",
    "parsed_reports",
    "source_registry",
    "warehouse_tables",
]
CHECK_KEYS = [
    "archived_documents:crawl_healthy",
    "archived_documents:every_source_healthy",
    "archived_documents:sources_crawled_recently",
    "parsed_reports:arithmetic_pass_rate",
    "parsed_reports:no_parser_failures",
    "parsed_reports:report_documents_accounted_for",
    "warehouse_tables:no_duplicate_reports",
]


def test_code_location_loads() -> None:
    dg.Definitions.validate_loadable(defs)


def test_asset_and_check_keys_snapshot() -> None:
    graph = defs.resolve_asset_graph()
    assert sorted(key.to_user_string() for key in graph.get_all_asset_keys()) == ASSET_KEYS
    assert sorted(key.to_user_string() for key in graph.asset_check_keys) == CHECK_KEYS


def test_jobs_schedules_sensors() -> None:
    assert {job.name for job in defs.resolve_all_job_defs()} >= {
        "sync_source_registry",
        "crawl_sources",
        "parse_and_refresh",
    }
    nightly = defs.resolve_schedule_def("nightly_crawl")
    assert nightly.execution_timezone == "Asia/Shanghai"
    assert nightly.default_status == dg.DefaultScheduleStatus.RUNNING
    assert defs.resolve_sensor_def("newly_archived_documents").job_name == "parse_and_refresh"
    crawl_checks = defs.resolve_job_def("crawl_sources").asset_layer.asset_graph.asset_check_keys
    # crawl_healthy is evaluated by the crawl per unhealthy source, never planned for a whole range of partitions
    assert {key.name for key in crawl_checks} == {"every_source_healthy"}


def test_archive_is_partitioned_by_source_crawled_a_range_per_run_and_retried() -> None:
    archived = defs.resolve_assets_def("archived_documents")
    assert isinstance(archived.partitions_def, dg.DynamicPartitionsDefinition)
    assert archived.partitions_def.name == "source"
    assert archived.backfill_policy == dg.BackfillPolicy.single_run()
    assert archived.op.retry_policy is not None


def test_embedded_instance_lives_under_the_data_directory(tmp_path: Path) -> None:
    home = prepare_dagster_home(Settings.resolve(tmp_path / "data"))
    assert home == tmp_path / "data" / "dagster"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert Path(instance.storage_directory()).is_relative_to(home)
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"


@pytest.mark.parametrize("name", sorted(path.name for path in DEPLOY_DIR.glob("*.yaml")))
def test_deploy_configuration_validates_against_the_real_executor(name: str, monkeypatch) -> None:
    monkeypatch.setenv("GOVREPORTS_CELERY_BROKER", "pyamqp://guest@127.0.0.1:5672//")
    executor = executor_from_file(DEPLOY_DIR / name)
    job = dg.Definitions(assets=[defs.resolve_assets_def("source_registry")], executor=executor)
    resolved = dg.validate_run_config(job.resolve_implicit_global_asset_job_def(), {})
    assert executor.name in resolved["execution"]


def test_the_nightly_schedule_launches_on_the_multiprocess_executor_of_the_deploy_file(monkeypatch) -> None:
    """What the daemon launches for ``nightly_crawl``: its job on the executor deploy/multiprocess.yaml configures."""
    monkeypatch.delenv(EXECUTOR_ENV, raising=False)
    job = defs.resolve_job_def(defs.resolve_schedule_def("nightly_crawl").job_name)
    document = yaml.safe_load((DEPLOY_DIR / "multiprocess.yaml").read_text(encoding="utf-8"))
    assert job.executor_def.name == "multiprocess_from_multiprocess"
    assert dg.validate_run_config(job, {})["execution"] == {
        "multiprocess_from_multiprocess": document["execution"]["multiprocess"]["config"]
    }


@pytest.mark.parametrize("name", sorted(path.name for path in DEPLOY_DIR.glob("*.yaml")))
def test_deploy_files_are_yaml_naming_a_real_dagster_executor(name: str) -> None:
    document = yaml.safe_load((DEPLOY_DIR / name).read_text(encoding="utf-8"))
    ((executor, body),) = document["execution"].items()
    assert executor in EXECUTORS and isinstance(body["config"], dict)


def test_a_misspelt_executor_option_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "celery.yaml"
    bad.write_text("execution:\n  celery:\n    config:\n      brokr: pyamqp://x\n", encoding="utf-8")
    job = dg.Definitions(assets=[defs.resolve_assets_def("source_registry")], executor=executor_from_file(bad))
    with pytest.raises(dg.DagsterInvalidConfigError, match="brokr"):
        dg.validate_run_config(job.resolve_implicit_global_asset_job_def(), {})


def test_dagster_itself_loads_the_code_location(tmp_path: Path) -> None:
    """What the webserver and daemon do: ``dagster definitions validate -m dagster_project.definitions``."""
    dagster = Path(sys.executable).parent / "dagster"
    environment = {**os.environ, "DAGSTER_HOME": str(prepare_dagster_home(Settings.resolve(tmp_path / "data")))}
    run = subprocess.run(
        [str(dagster), "definitions", "validate", "-m", "dagster_project.definitions"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Validation successful for code location dagster_project.definitions" in run.stdout + run.stderr
