"""The five seeds parse exactly to their expected JSON, and every printed anomaly listed there is flagged."""

from __future__ import annotations

import pytest

from pipelines.report.parse import parse_file
from tests.conftest import SEEDS, seed_expected, seed_names, value_mismatches

# What each seed's `printed_anomalies` describes, as the finding rules that must flag it.
ANOMALY_RULES = {
    "001_825aa5f4b83a26ff": [("parse.cell_count", "part 四")],
    "003_9470c4aa1fea4678": [
        ("parse.cell_count", "new_received"),
        ("parse.cell_count", "carried_over"),
        ("parse.cell_count", "granted"),
        ("parse.cell_count", "partially_granted"),
        ("label.variant", "本年度止件数"),
        ("label.variant", "社会组织"),
    ],
    "004_2ca35232cdb27850": [("layout.heading_without_ordinal", "主动公开政府信息情况")],
}


@pytest.mark.parametrize("name", seed_names())
def test_seed_values_exact(shared, name):
    report = parse_file(SEEDS / f"{name}.txt").to_json()
    assert value_mismatches(seed_expected(name), report) == []


@pytest.mark.parametrize("name", seed_names())
def test_seed_anomalies_flagged_and_no_false_errors(shared, name):
    report = parse_file(SEEDS / f"{name}.txt").to_json()
    findings = report["findings"]
    assert [f for f in findings if f["severity"] == "error"] == [], "the seeds' printed arithmetic holds"
    expected = ANOMALY_RULES.get(name, [])
    assert len(expected) >= len(seed_expected(name)["printed_anomalies"]) > 0 or not expected
    for rule, mention in expected:
        assert any(f["rule"] == rule and mention in f["message"] for f in findings), (rule, mention, findings)
    if not seed_expected(name)["printed_anomalies"]:
        assert [f for f in findings if f["severity"] == "warning"] == []


@pytest.mark.parametrize("name", seed_names())
def test_every_value_has_provenance(shared, name):
    report = parse_file(SEEDS / f"{name}.txt").to_json()
    cells = report["cells"]
    numbers = [c for c in cells if c["value"] is not None]
    assert len(numbers) >= 180
    for cell in numbers:
        assert cell["raw"].strip(), cell
        assert "line" in cell["location"], cell
    decimals = [c for c in cells if isinstance(c["value"], float)]
    assert all(str(c["value"]) == c["raw"].strip().replace("\u3000", "") for c in decimals)
