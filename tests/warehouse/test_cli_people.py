"""The command line for people: a wrong data directory is named and nothing is created, --version, SQL from a
file or stdin, and wide results that fit or wrap but never cut a number."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from govreports.cli import main
from pipelines.report.parse import PARSER_VERSION
from pipelines.settings import Settings

READERS = (["sql", "SELECT 1"], ["export", "--format", "csv", "--out", "out"], ["build"])


@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_a_data_directory_that_does_not_exist_is_named_and_nothing_is_created(tmp_path, monkeypatch, command) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVREPORTS_DATA", raising=False)
    missing = tmp_path / "no" / "such"
    result = CliRunner().invoke(main, ["--data", str(missing), *command])
    assert result.exit_code == 1, result.output
    assert str(missing) in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "nothing may be created"
    result = CliRunner().invoke(main, command)  # the default ./data does not exist here either
    assert result.exit_code == 1 and str(tmp_path / "data") in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_a_data_directory_without_a_warehouse_is_named_and_left_as_it_was(tmp_path, command) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["--data", str(empty), *command])
    assert result.exit_code == 1, result.output
    assert str(empty) in result.output
    assert "no warehouse" in result.output or "nothing is archived" in result.output
    assert list(empty.iterdir()) == []


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert re.fullmatch(rf"govreports \d+\.\d+\.\d+\S* \(parser {re.escape(PARSER_VERSION)}\)\n", result.output)


def test_sql_from_a_file_from_stdin_and_from_dash(built: Settings, tmp_path) -> None:
    script = tmp_path / "totals.sql"
    script.write_text(
        "-- a script of two statements: the last one's rows are shown\n"
        "SET VARIABLE wanted = 2023;\n"
        "SELECT year, reports FROM national_totals WHERE year = getvariable('wanted');\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    from_file = runner.invoke(main, ["--data", built.data, "sql", "--file", str(script), "--json"])
    assert from_file.exit_code == 0, from_file.output
    assert from_file.output.startswith('{"year": 2023, "reports": ')
    piped = runner.invoke(main, ["--data", built.data, "sql", "--json"], input=script.read_text(encoding="utf-8"))
    assert piped.exit_code == 0 and piped.output == from_file.output
    dash = runner.invoke(main, ["--data", built.data, "sql", "-", "--json"], input="SELECT 42 AS answer")
    assert dash.output == '{"answer": 42}\n'
    both = runner.invoke(main, ["--data", built.data, "sql", "SELECT 1", "--file", str(script)])
    assert both.exit_code == 2 and "not both" in both.output


def test_wide_results_keep_every_digit(built: Settings) -> None:
    """A result wider than the terminal wraps text or goes one record per row; no number loses a digit."""
    numbers = [123456789012 + i for i in range(12)]
    wide = ", ".join(f"{n} AS a_rather_long_column_name_{i}" for i, n in enumerate(numbers))
    runner = CliRunner()
    result = runner.invoke(main, ["--data", built.data, "sql", f"SELECT {wide}"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    for n in numbers:
        assert str(n) in result.output
    assert all(len(line) <= 80 for line in result.output.splitlines())
    narrow = runner.invoke(
        main,
        ["--data", built.data, "sql", "SELECT organ, year, copies, report_id FROM organ_years ORDER BY organ"],
        env={"COLUMNS": "70"},
    )
    assert narrow.exit_code == 0 and "…" not in narrow.output
    assert "┃" in narrow.output  # a table still, its text folded
    assert all(len(line) <= 70 for line in narrow.output.splitlines())
