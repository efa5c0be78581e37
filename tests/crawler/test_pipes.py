"""Under Dagster the crawl child reports through dagster-pipes: a materialization with its figures and a check."""

import sys
from pathlib import Path

import dagster as dg
import pytest

import replicas


@pytest.mark.slow
def test_crawl_reports_through_dagster_pipes(tmp_path: Path) -> None:
    sources, data = tmp_path / "sources", tmp_path / "data"

    @dg.asset(check_specs=[dg.AssetCheckSpec("crawl_healthy", asset="archived")])
    def archived(context: dg.AssetExecutionContext, pipes: dg.PipesSubprocessClient) -> dg.MaterializeResult:
        command = [
            sys.executable,
            "-m",
            "crawler.run",
            "--sources",
            str(sources),
            "--data",
            str(data),
            "--log-level",
            "WARNING",
        ]
        invocation = pipes.run(command=command, context=context, extras={"source_ids": ["replica-json"]})
        return invocation.get_materialize_result()

    with replicas.serve_all(["replica-json", "replica-plain"]) as urls:
        replicas.write_sources(sources, urls)
        result = dg.materialize([archived], resources={"pipes": dg.PipesSubprocessClient()})
    assert result.success
    [materialization] = result.asset_materializations_for_node("archived")
    metadata = {key: value.value for key, value in materialization.metadata.items()}
    assert metadata["reports_found"] == len(replicas.expected_reports("replica-json"))
    assert metadata["new_reports"] == metadata["reports_found"] and metadata["pages"] > 0
    assert metadata["errors"] == 1 and metadata["errors_by_kind"] == {"deleted": 1}
    [check] = result.get_asset_check_evaluations()
    assert check.check_name == "crawl_healthy" and check.passed
    assert {path.name.split(".")[1] for path in (data / "archive" / "warc").glob("*.warc.gz")} == {"replica-json"}
