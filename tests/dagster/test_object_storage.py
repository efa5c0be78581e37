"""Object storage by configuration only: the parse, warehouse and catalog assets and their checks, materialized
with the data directory on s3:// — a real S3-compatible server (moto) on 127.0.0.1, no mocked filesystem."""

from pathlib import Path

import dagster as dg
import fsspec
import pytest

from dagster_project.defs import checks, reports, tables
from dagster_project.defs.resources import govreports_resources
from pipelines.settings import Settings
from warehouse.ingest import ingest
from warehouse.write import Warehouse

BUCKET = "govreports-dagster"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
WAREHOUSE_CHECKS = [
    checks.report_documents_accounted_for,
    checks.no_parser_failures,
    checks.arithmetic_pass_rate,
    checks.no_duplicate_reports,
]


@pytest.fixture
def s3_settings(s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("GOVREPORTS_LOCAL_DATA", str(tmp_path / "local"))
    fsspec.filesystem("s3").mkdir(BUCKET)
    return Settings.resolve(f"s3://{BUCKET}/data")


def test_warehouse_assets_on_object_storage(s3_settings: Settings) -> None:
    samples = sorted(path for path in SAMPLES.iterdir() if path.suffix != ".md")
    ingest(s3_settings, samples, name="samples")
    with dg.DagsterInstance.ephemeral() as instance:  # held for the run: Dagster keeps only a weak reference to it
        result = dg.materialize(
            [reports.parsed_reports, tables.warehouse_tables, tables.catalog, *WAREHOUSE_CHECKS],
            instance=instance,
            resources=govreports_resources(s3_settings.data),
            run_config={"ops": {"parsed_reports": {"config": {"workers": 1}}}},
        )
    assert result.success
    parse_figures = result.asset_materializations_for_node("parsed_reports")[0].metadata
    assert parse_figures["parsed"].value == len(samples) and parse_figures["workers"].value == 1
    warehouse = Warehouse(s3_settings.warehouse)
    assert not warehouse.local and warehouse.fs.exists(f"{BUCKET}/data/warehouse/reports")
    assert {check.check_name: check.passed for check in result.get_asset_check_evaluations()}[
        "report_documents_accounted_for"
    ]
