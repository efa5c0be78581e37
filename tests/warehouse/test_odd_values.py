"""Values the warehouse cannot hold as numbers never stop it: the report lands, the value is kept as printed in
``cells`` with a finding, and the batch's other reports land untouched (issue 15, item 1)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from click.testing import CliRunner

from govreports.cli import main
from pipelines.report.form import load_form
from pipelines.report.model import Report, Value
from pipelines.report.outcome import ParsedDocument
from pipelines.settings import Settings
from warehouse import catalog
from warehouse.rows import Outcome, batch_tables, report_id
from warehouse.schema import application_column, review_cells
from warehouse.write import Warehouse

from .conftest import expected, outcome, seed_files

TWENTY_DIGITS = 12345678901234567890


def _odd_report() -> dict:
    report = expected(seed_files()[0])
    report["applications"]["new_received"][0] = TWENTY_DIGITS
    report["applications"]["granted"][1] = -3
    report["applications"]["carried_over"][0] = 1.5
    report["review_litigation"][0] = math.nan
    report["active_disclosure"]["fees"]["amount_10k_yuan"] = 10**20
    report["active_disclosure"]["licensing"]["decisions"] = -1
    return report


def test_values_beyond_the_columns_become_findings_and_the_report_lands(tmp_path: Path) -> None:
    good = expected(seed_files()[1])
    odd = _odd_report()
    outcomes = [outcome("a" * 64, good, "good", organ_id="o1"), outcome("b" * 64, odd, "odd", organ_id="o2")]
    settings = Settings.resolve(tmp_path / "data")
    Warehouse(settings.warehouse).replace_reports(batch_tables(outcomes))
    catalog.refresh(settings)
    odd_id = report_id("b" * 64)
    natural, commercial, total = (load_form().column_keys[i] for i in (0, 1, -1))
    (review_key, review_block, review_measure) = review_cells()[0]
    columns = [
        application_column("new_received", natural),
        application_column("new_received", total),
        application_column("granted", commercial),
        application_column("carried_over", natural),
        review_key,
        application_column("new_received", commercial),
    ]
    with catalog.connect(settings) as db:
        statuses = dict(db.execute("SELECT source, status FROM reports").fetchall())
        cells = db.execute(f"SELECT {', '.join(columns)} FROM statistics WHERE report_id = ?", [odd_id]).fetchone()
        rules = db.execute(
            "SELECT rule, form_key, \"values\" FROM findings WHERE report_id = ? AND stage = 'warehouse' ORDER BY ALL",
            [odd_id],
        ).fetchall()
        raws = dict(
            db.execute('SELECT "row" || \'/\' || "column", raw FROM cells WHERE report_id = ?', [odd_id]).fetchall()
        )
        disclosure = dict(
            db.execute(
                "SELECT item || '/' || measure, value FROM active_disclosure WHERE report_id = ?", [odd_id]
            ).fetchall()
        )
        good_total = db.execute(
            "SELECT new_received__total FROM statistics WHERE report_id = ?", [report_id("a" * 64)]
        ).fetchone()
    assert statuses == {"good": "parsed", "odd": "parsed"}
    assert good_total == (good["applications"]["new_received"][-1],)
    # The four odd counts are null in their columns; the printed cells beside them are kept.
    assert cells == (None, 115, None, None, None, odd["applications"]["new_received"][1])
    assert {(rule, key) for rule, key, _ in rules} == {
        ("warehouse.out_of_range", f"new_received/{natural}"),
        ("warehouse.negative_count", f"granted/{commercial}"),
        ("warehouse.not_a_count", f"carried_over/{natural}"),
        ("warehouse.not_a_count", f"{review_block}/{review_measure}"),
        ("warehouse.out_of_range", "fees/amount_10k_yuan"),
        ("warehouse.negative_count", "licensing/decisions"),
    }
    values = {key: json.loads(value)["value"] for _, key, value in rules}
    assert values[f"new_received/{natural}"] == str(TWENTY_DIGITS)
    assert raws[f"new_received/{natural}"] == str(TWENTY_DIGITS)
    assert raws[f"granted/{commercial}"] == "-3" and raws["fees/amount_10k_yuan"] == str(10**20)
    assert disclosure["fees/amount_10k_yuan"] is None and disclosure["licensing/decisions"] is None
    assert disclosure["regulations/issued"] == odd["active_disclosure"]["regulations"]["issued"]


def test_an_implausible_year_files_the_report_under_year_zero(tmp_path: Path) -> None:
    tables = batch_tables([outcome("c" * 64, expected(seed_files()[0]) | {"year": 20231}, "typo")])
    assert tables["reports"].column("year").to_pylist() == [None]
    assert "warehouse.implausible_year" in tables["findings"].column("rule").to_pylist()


def test_a_report_whose_rows_cannot_be_made_fails_alone(tmp_path: Path) -> None:
    """A parser bug (a bare number where a Value belongs) costs that document only, with a finding saying so."""
    broken = Report.from_json(expected(seed_files()[2]))
    broken.active_disclosure["fees"]["amount_10k_yuan"] = 5  # type: ignore[assignment]
    outcomes = [
        outcome("a" * 64, expected(seed_files()[0]), "good"),
        Outcome(ParsedDocument("d" * 64, "broken", "test", report=broken), "test", "text/plain"),
    ]
    tables = batch_tables(outcomes)
    statuses = dict(zip(*tables["reports"].select(["source", "status"]).to_pydict().values(), strict=True))
    assert statuses == {"good": "parsed", "broken": "failed"}
    failure = [row for row in tables["findings"].to_pylist() if row["report_id"] == report_id("d" * 64)]
    assert [row["rule"] for row in failure] == ["warehouse.rows_failed"]
    assert "AttributeError" in failure[0]["message"] and "broken" in failure[0]["message"]
    assert len(tables["statistics"]) == 1


def test_value_round_trip_keeps_what_was_printed() -> None:
    value = Value.from_json(TWENTY_DIGITS, {"raw": "12345678901234567890", "location": {"line": 3, "col": 2}})
    assert (value.value, value.raw, value.location.line) == (TWENTY_DIGITS, "12345678901234567890", 3)


def test_build_of_real_reports_with_a_20_digit_cell_and_a_negative_count(tmp_path: Path) -> None:
    """Real seed texts with one cell changed, built with the command users run: exit 0, everything lands, a
    finding per odd value (the parser's, or the warehouse's should a value get past the parser), the number column
    blank and the printed digits kept in cells; the next build does not fail the same way."""
    seed = seed_files()[0].read_text(encoding="utf-8")
    row = "一、本年新收政府信息公开申请数量\t\t114\t1"
    assert row in seed
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "overflow.txt").write_text(seed.replace(row, row.replace("114", str(TWENTY_DIGITS))), "utf-8")
    (downloads / "negative.txt").write_text(seed.replace(row, row.replace("114", "-114")), "utf-8")
    data = str(tmp_path / "data")
    runner = CliRunner()
    files = [str(downloads), *map(str, seed_files()[1:3])]
    assert runner.invoke(main, ["--data", data, "ingest", *files]).exit_code == 0
    first = runner.invoke(main, ["--data", data, "build", "--workers", "2"])
    assert first.exit_code == 0, first.output
    assert "4 parsed now" in first.output
    settings = Settings.resolve(data)
    natural = load_form().column_keys[0]
    with catalog.connect(settings) as db:
        statuses = db.execute("SELECT status, count(*) FROM reports GROUP BY ALL").fetchall()
        found = db.execute(
            "SELECT r.source, f.rule FROM findings f JOIN reports r USING (report_id)"
            " WHERE f.form_key LIKE 'new_received%' OR f.rule LIKE 'value.%' OR f.rule LIKE 'warehouse.%'"
        ).fetchall()
        kept = db.execute(
            f"SELECT c.raw, s.{application_column('new_received', natural)} FROM cells c JOIN statistics s"
            f" USING (report_id) WHERE c.row = 'new_received' AND c.column = '{natural}'"
        ).fetchall()
    assert statuses == [("parsed", 4)]
    rules = {(Path(source).name, rule) for source, rule in found}
    assert rules & {("overflow.txt", "value.overflow"), ("overflow.txt", "warehouse.out_of_range")}
    assert rules & {("negative.txt", "value.negative"), ("negative.txt", "warehouse.negative_count")}
    assert (str(TWENTY_DIGITS), None) in kept and ("-114", None) in kept
    second = runner.invoke(main, ["--data", data, "build"])
    assert second.exit_code == 0, second.output
    assert "0 parsed now (0 new), 4 already parsed" in second.output
