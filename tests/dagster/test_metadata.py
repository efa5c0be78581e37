"""Dagster metadata people can read: warehouse assets carry their row counts and column schemas (with the catalog's
comments), and check results list what failed as Markdown tables — never a JSON pop-up."""

import dagster as dg
import pytest

from dagster_project.defs.metadata import as_metadata, markdown_table
from tests.dagster.conftest import Nights, check_results


def test_markdown_tables_escape_align_and_stop_at_the_limit() -> None:
    rows = [{"report": f"r{i}", "rule": "a|b", "errors": i} for i in range(5)]
    text = markdown_table(rows, limit=3)
    lines = text.splitlines()
    assert lines[0] == "| report | rule | errors |"
    assert lines[1] == "|---|---|---:|"
    assert lines[2] == "| r0 | a\\|b | 0 |"
    assert lines[-1] == "… and 2 more"
    assert markdown_table([]) == "_none_"
    metadata = as_metadata({"parsed": 3, "statuses": {"parsed": 2, "failed": 1}, "failures": [{"id": 1}]})
    assert metadata["parsed"] == 3
    assert isinstance(metadata["statuses"], dg.MarkdownMetadataValue)
    assert "| failed | 1 |" in metadata["statuses"].value
    assert isinstance(metadata["failures"], dg.MarkdownMetadataValue)


def _materializations(nights: Nights) -> dict[str, dict]:
    assert nights.first.parse is not None
    return {
        event.asset_key.to_user_string(): event.materialization.metadata
        for event in nights.first.parse.get_asset_materialization_events()
    }


@pytest.mark.slow
def test_warehouse_assets_carry_row_counts_and_described_tables(nights: Nights) -> None:
    metadata = _materializations(nights)
    parsed = metadata["parsed_reports"]
    assert parsed["parsed"].value + parsed["skipped"].value == nights.first.tables["reports"], "one outcome a document"
    assert "| parsed |" in parsed["statuses"].value
    assert metadata["warehouse_tables"]["loaded"].value == nights.first.tables["reports"]
    overview = metadata["catalog"]["tables"].value
    assert overview.startswith("| table | columns | what it holds | rows |") and "| statistics |" in overview
    assert metadata["catalog"]["dagster/row_count"].value > nights.first.tables["reports"]
    views = metadata["catalog"]["views"].value
    assert "| organ_years |" in views and "| printed_values |" in views


@pytest.mark.slow
def test_check_results_list_what_failed_as_markdown(nights: Nights) -> None:
    results = check_results(nights.first.parse)
    for name, result in results.items():
        for key, value in result.metadata.items():
            assert not isinstance(value, dg.JsonMetadataValue), f"{name}.{key} is a JSON pop-up"
    rates = results["arithmetic_pass_rate"].metadata
    assert rates["pass_rate"].value.startswith("| source | reports | failing | pass rate |")
    failing = rates["failing_reports"].value
    assert failing == "_none_" or failing.startswith("| source_id | report_id | agency | year | broken_rules |")
    duplicates = results["no_duplicate_reports"].metadata
    assert duplicates["counted_twice"].value == "_none_"
    assert duplicates["copies"].value >= 0
