"""`govreports main` end to end, twice, as a user runs it: its printed figures are what SQL returns, and the
second run is incremental (the replicas keep their ports, so nothing is new and nothing is duplicated)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

GOVREPORTS = Path(sys.executable).parent / "govreports"
TOTALS = re.compile(r"(sources|reports|copies|new tonight|findings): (\d+)")
SAMPLE_SQL = (
    "SELECT o.organ, o.year, a.new_received__total AS new_applications FROM organ_years o "
    "LEFT JOIN applications a USING (report_id, year)"
)


def _main(data: Path) -> tuple[str, dict[str, int]]:
    run = subprocess.run(
        [str(GOVREPORTS), "--data", str(data), "main"], capture_output=True, text=True, timeout=1200, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    line = next(line for line in run.stdout.splitlines() if line.startswith("sources:"))
    return run.stdout, {name: int(value) for name, value in TOTALS.findall(line)}


def _sql(data: Path, query: str) -> list[dict]:
    run = subprocess.run(
        [str(GOVREPORTS), "--data", str(data), "sql", query, "--json"], capture_output=True, text=True, check=True
    )
    return [json.loads(line) for line in run.stdout.splitlines()]


def test_main_twice_prints_what_sql_returns(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first_output, first = _main(data)
    (reports,) = _sql(
        data,
        "SELECT count(DISTINCT (organ_id, year)) AS n FROM reports WHERE status IN ('parsed', 'legacy')",
    )
    (copies,) = _sql(data, "SELECT count(*) AS n FROM reports WHERE copy_of IS NOT NULL")
    (findings,) = _sql(data, "SELECT count(*) AS n FROM findings")
    assert first["reports"] == reports["n"] > 0  # organ-years, each once
    assert first["copies"] == copies["n"]
    assert first["findings"] == findings["n"]
    assert first["new tonight"] == first["reports"] and first["sources"] >= 4
    for row in _sql(data, SAMPLE_SQL):  # each report (organ-year) printed once in the sample
        printed = [
            line
            for line in first_output.splitlines()
            if row["organ"] in line and str(row["year"]) in line and str(row["new_applications"] or "") in line
        ]
        assert len(printed) == 1, (row, printed)

    _, second = _main(data)
    assert second["new tonight"] == 0
    assert (second["reports"], second["copies"], second["findings"]) == (
        first["reports"],
        first["copies"],
        first["findings"],
    )
