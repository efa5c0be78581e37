"""Under Dagster the crawl child reports through dagster-pipes: one custom message per source with its health record,
then the run's summary; the Dagster side turns them into per-partition events (tests/dagster)."""

import sys
from pathlib import Path

import dagster as dg
import pytest

import replicas
from crawler.run import SOURCE_MESSAGE


@pytest.mark.slow
def test_crawl_reports_each_source_through_dagster_pipes(tmp_path: Path) -> None:
    sources, data = tmp_path / "sources", tmp_path / "data"
    messages: list[dict] = []

    @dg.asset
    def archived(context: dg.AssetExecutionContext, pipes: dg.PipesSubprocessClient) -> dg.MaterializeResult:
        command = [sys.executable, "-m", "crawler.run", "--sources", str(sources), "--data", str(data),
                   "--log-level", "WARNING"]
        invocation = pipes.run(command=command, context=context,
                               extras={"source_ids": ["replica-json", "replica-plain"]})
        messages.extend(invocation.get_custom_messages())
        return dg.MaterializeResult()

    with replicas.serve_all(["replica-json", "replica-plain", "replica-trs"]) as urls:
        replicas.write_sources(sources, urls)
        result = dg.materialize([archived], resources={"pipes": dg.PipesSubprocessClient()})
    assert result.success
    records = {m["record"]["source_id"]: m["record"] for m in messages if m["kind"] == SOURCE_MESSAGE}
    assert sorted(records) == ["replica-json", "replica-plain"]  # the extras chose the sources
    json_record = records["replica-json"]
    assert json_record["reports_found"] == len(replicas.expected_reports("replica-json"))
    assert json_record["new_reports"] == json_record["reports_found"] and json_record["pages_fetched"] > 0
    # a withdrawn document is named in the record but does not degrade the column
    assert json_record["errors"] == {"deleted": 1} and json_record["status"] == "ok"
    (summary,) = [m for m in messages if m["kind"] == "summary"]
    assert summary["status"] == "ok" and summary["failed_sources"] == []
