"""SQL over the built warehouse answers what the seeds' expected JSON says, value for value."""

from __future__ import annotations

import hashlib

import pytest

from pipelines.report.form import load_form
from pipelines.settings import Settings
from warehouse import catalog
from warehouse.rows import report_id

from .conftest import expected, seed_files


def _rid(path) -> str:
    return report_id(hashlib.sha256(path.read_bytes()).hexdigest())


@pytest.mark.parametrize("seed", seed_files(), ids=lambda p: p.stem[:3])
def test_seed_values_come_back_from_sql(built: Settings, seed) -> None:
    want = expected(seed)
    rid = _rid(seed)
    columns = load_form().column_keys
    with catalog.connect(built) as db:
        report = db.execute("SELECT agency, year, template, status FROM reports WHERE report_id = ?", [rid]).fetchall()
        assert report == [(want["agency"], want["year"], want["template"], "parsed")]
        got: dict[str, list] = {}
        rows = db.execute('SELECT "row", "column", value FROM applications_long WHERE report_id = ?', [rid]).fetchall()
        for row, column, value in rows:
            got.setdefault(row, [None] * len(columns))[columns.index(column)] = value
        assert got == {
            row: values for row, values in want["applications"].items() if any(v is not None for v in values)
        }
        disclosure = db.execute(
            "SELECT item, measure, value, unit FROM active_disclosure WHERE report_id = ?", [rid]
        ).fetchall()
        rebuilt: dict[str, dict] = {}
        for item, measure, value, unit in disclosure:
            rebuilt.setdefault(item, {})[measure] = value
            if unit:
                rebuilt[item][f"{measure}_unit"] = unit
        assert rebuilt == want["active_disclosure"]
        review = db.execute(
            "SELECT value FROM review_litigation_long WHERE report_id = ? ORDER BY "
            "list_position(?, block || '_' || measure)",
            [rid, [f"{b.key}_{m.key}" for b in load_form().review_blocks for m in load_form().review_measures]],
        ).fetchall()
        assert [v for (v,) in review] == want["review_litigation"]


def test_national_totals_sum_the_seeds(built: Settings) -> None:
    by_year: dict[int, int] = {}
    for seed in seed_files():
        want = expected(seed)
        by_year[want["year"]] = by_year.get(want["year"], 0) + want["applications"]["new_received"][-1]
    with catalog.connect(built) as db:
        seeds = [_rid(s) for s in seed_files()]
        got = dict(
            db.execute(
                "SELECT year, sum(new_received) FROM application_summary"
                " WHERE list_contains(?, report_id) GROUP BY year",
                [seeds],
            ).fetchall()
        )
        assert got == by_year
        national = dict(db.execute("SELECT year, new_received FROM national_totals").fetchall())
        assert all(national[year] >= total for year, total in by_year.items())


def test_ratio_of_a_seed(built: Settings) -> None:
    seed = seed_files()[3]
    want = expected(seed)["applications"]
    denied = sum(values[-1] for row, values in want.items() if row.startswith("denied_"))
    with catalog.connect(built) as db:
        (share,) = db.execute("SELECT denied_share FROM report_ratios WHERE report_id = ?", [_rid(seed)]).fetchall()[0]
    assert share == pytest.approx(denied / want["total"][-1])


def test_corpus_reports_are_parsed_with_their_printed_totals(built: Settings) -> None:
    with catalog.connect(built) as db:
        rows = dict(
            db.execute(
                "SELECT r.agency, s.total FROM reports r JOIN application_summary s USING (report_id, year)"
                " WHERE r.source LIKE '%corpus%'"
            ).fetchall()
        )
    assert rows["淮安市人民政府"] == 3050
    assert rows["沭阳县发展和改革局"] == 26


def test_the_form_checks_recomputed_in_sql_agree_with_seed_arithmetic(built: Settings) -> None:
    with catalog.connect(built) as db:
        breaks = db.execute(
            "SELECT report_id, rule, location FROM form_breaks WHERE list_contains(?, report_id)",
            [[_rid(s) for s in seed_files()]],
        ).fetchall()
        checks = db.execute("SELECT count(*) FROM report_checks").fetchall()[0][0]
        reports = db.execute("SELECT count(*) FROM reports").fetchall()[0][0]
    assert breaks == []
    assert checks == reports


def test_form_rules_in_sql_follow_the_template_a_report_printed(tmp_path) -> None:
    """A 2019-form report prints （六）其他处理 as one row: the SQL result sum takes it instead of the 2021 rows."""
    from warehouse.rows import batch_tables
    from warehouse.write import Warehouse

    from .conftest import outcome

    report = expected(seed_files()[0])
    itemised = [
        row.key
        for row in load_form().templates["2021"].result_rows
        if row.key not in {r.key for r in load_form().templates["2019"].result_rows}
    ]
    single = next(
        r.key
        for r in load_form().templates["2019"].result_rows
        if r.key not in {r.key for r in load_form().templates["2021"].result_rows}
    )
    applications = dict(report["applications"])
    applications[single] = [sum(values) for values in zip(*(applications.pop(k) for k in itemised), strict=True)]
    broken = dict(applications)
    broken["total"] = [*applications["total"][:-1], applications["total"][-1] + 1]
    settings = Settings.resolve(tmp_path / "data")
    Warehouse(settings.warehouse).replace_reports(
        batch_tables(
            [
                outcome("e" * 64, report | {"template": "2019", "applications": applications}, "2019"),
                outcome("f" * 64, report | {"template": "2019", "applications": broken}, "2019 broken"),
            ]
        )
    )
    catalog.refresh(settings)
    with catalog.connect(settings) as db:
        sums = db.execute("SELECT report_id, results, total FROM application_summary ORDER BY 1").fetchall()
        breaks = db.execute("SELECT report_id, rule, location FROM form_breaks ORDER BY ALL").fetchall()
    assert sums[0][1] == sums[0][2] == report["applications"]["total"][-1]
    assert {(rid[0], rule, where) for rid, rule, where in breaks} == {
        ("f", "applications.results_total", "total"),
        ("f", "applications.balance", "total"),
        ("f", "applications.row_total", "total"),
    }
