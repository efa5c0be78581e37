"""The warehouse commands end to end: ingest, build (a broken file is a finding), sql, export."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner

from govreports.cli import main

from .conftest import seed_files


def test_ingest_build_sql_export(tmp_path) -> None:
    data = str(tmp_path / "data")
    broken = tmp_path / "downloads" / "broken.pdf"
    broken.parent.mkdir()
    broken.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    runner = CliRunner()
    result = runner.invoke(main, ["--data", data, "ingest", *map(str, seed_files()[:2]), str(broken.parent)])
    assert result.exit_code == 0, result.output
    assert "ingested 3 file(s)" in result.output
    result = runner.invoke(main, ["--data", data, "build"])
    assert result.exit_code == 0, result.output
    assert "3 parsed now" in result.output
    result = runner.invoke(
        main,
        ["--data", data, "sql", "SELECT status, count(*) AS n FROM reports GROUP BY status ORDER BY status", "--json"],
    )
    assert result.exit_code == 0, result.output
    statuses = {row["status"]: row["n"] for row in map(json.loads, result.output.splitlines())}
    assert statuses["parsed"] == 2 and sum(statuses.values()) == 3
    result = runner.invoke(
        main,
        [
            "--data",
            data,
            "sql",
            "SELECT rule, severity FROM findings WHERE report_id IN "
            "(SELECT report_id FROM reports WHERE status <> 'parsed')",
            "--csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert list(csv.DictReader(result.output.splitlines()))
    result = runner.invoke(
        main, ["--data", data, "sql", "SELECT year FROM reports WHERE agency = ?", "--param", "郑州市公安局"]
    )
    assert result.exit_code == 0 and "2023" in result.output
    result = runner.invoke(main, ["--data", data, "sql", "SELECT nothing FROM nowhere"])
    assert result.exit_code != 0 and "query failed" in result.output
    for fmt, name in (("csv", "national_totals.csv"), ("parquet", "reports.parquet"), ("xlsx", "govreports.xlsx")):
        out = tmp_path / fmt
        result = runner.invoke(main, ["--data", data, "export", "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert (out / name).stat().st_size > 0
    result = runner.invoke(
        main, ["--data", data, "export", "--format", "csv", "--table", "no_such", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code != 0 and "no table or view named 'no_such'" in result.output
