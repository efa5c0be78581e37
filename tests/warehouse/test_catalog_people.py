"""The catalog as people meet it: opened from anywhere by a plain DuckDB, every view and column commented, every
printed value reachable with its printing and location, region names beside codes."""

from __future__ import annotations

import hashlib
import json
import shutil

import duckdb

from pipelines.settings import Settings
from warehouse import catalog
from warehouse.build import build
from warehouse.dictionary import describe, form_cells
from warehouse.ingest import ingest
from warehouse.rows import report_id

from .conftest import expected, seed_files


def test_a_copied_data_directory_opens_with_a_plain_duckdb_connect(tmp_path, monkeypatch) -> None:
    original = Settings.resolve(tmp_path / "original" / "data")
    ingest(original, seed_files()[:2], name="copied")
    build(original, sources_dir=tmp_path)
    with catalog.connect(original) as db:
        want = db.execute("SELECT year, reports, new_received FROM national_totals ORDER BY year").fetchall()
        values = db.execute("SELECT count(*) FROM printed_values").fetchone()
    moved = tmp_path / "elsewhere" / "copy of data"
    shutil.copytree(original.data, moved)
    shutil.rmtree(original.data)  # nothing may still point at the original
    monkeypatch.chdir(tmp_path)
    with duckdb.connect(str(moved / "catalog.duckdb"), read_only=True) as plain:
        assert plain.execute("SELECT year, reports, new_received FROM national_totals ORDER BY year").fetchall() == want
        assert plain.execute("SELECT count(*) FROM printed_values").fetchone() == values
        assert plain.execute("SELECT count(*) FROM organ_years").fetchone() == (2,)
        assert plain.execute("SELECT warehouse_root()").fetchone()[0] == str(moved / "warehouse")
    with catalog.connect(Settings.resolve(moved)) as db:  # and through the product, the root resolved on open
        assert db.execute("SELECT year, reports, new_received FROM national_totals ORDER BY year").fetchall() == want


def test_every_view_macro_and_column_has_a_comment(built: Settings) -> None:
    with catalog.connect(built) as db:
        views = db.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall()
        macros = db.execute(
            "SELECT function_name, comment FROM duckdb_functions() WHERE database_name = current_database()"
            " AND function_type IN ('macro', 'table_macro')"
        ).fetchall()
        columns = db.execute(
            "SELECT c.table_name, c.column_name, c.comment FROM duckdb_columns() c JOIN duckdb_views() v"
            " ON v.view_name = c.table_name AND NOT v.internal"
        ).fetchall()
    assert len(views) > 30 and len(columns) > 700  # the issue counted 30 views, 737 columns
    assert [name for name, comment in views if not comment] == []
    assert [name for name, comment in macros if not comment] == []
    assert [(view, column) for view, column, comment in columns if not comment] == []
    comments = {(view, column): comment for view, column, comment in columns}
    assert comments[("statistics", "granted__natural_person")].startswith("（一）予以公开｜自然人 — ")
    assert comments[("review_litigation", "review_corrected")].startswith("行政复议｜结果纠正 — ")
    assert comments[("national_totals", "denied_share")].startswith("不予公开率 — denied_share macro")
    assert "[单位：件]" in comments[("application_summary", "denied")]


def test_the_dictionary_reads_every_form_cell_from_the_form_model() -> None:
    cells = form_cells()
    assert {cell.part for cell in cells} == {"active_disclosure", "applications", "review_litigation"}
    wide = {cell.wide_column for cell in cells if cell.wide_column}
    assert all(describe("statistics", column) for column in wide)
    fees = next(cell for cell in cells if cell.column == "amount_10k_yuan")
    assert fees.unit == "万元" and fees.row_label == "行政事业性收费"


def test_every_printed_value_is_reachable_with_its_printing_and_location(built: Settings) -> None:
    seed = seed_files()[0]
    rid = report_id(hashlib.sha256(seed.read_bytes()).hexdigest())
    want = expected(seed)
    with catalog.connect(built) as db:
        rows = db.execute(
            'SELECT part, "row", "column", value, printed, location, row_label, column_label FROM printed_values'
            " WHERE report_id = ?",
            [rid],
        ).fetchall()
        long = db.execute("SELECT count(*), count(raw), count(location) FROM applications_long").fetchone()
    applications = {(r[1], r[2]): r for r in rows if r[0] == "applications"}
    printed = sum(1 for values in want["applications"].values() for value in values if value is not None)
    assert sum(1 for r in applications.values() if r[3] is not None) == printed
    total = applications[("new_received", "total")]
    assert total[3] == want["applications"]["new_received"][-1] and total[4] == str(
        want["applications"]["new_received"][-1]
    )
    assert json.loads(total[5])["line"] > 0
    assert total[6] == "一、本年新收政府信息公开申请数量" and total[7] == "总计"
    assert long[0] == long[1] == long[2]  # every part 三 number carries its printed string and location
    assert {r[0] for r in rows} == {"active_disclosure", "applications", "review_litigation"}


def test_region_names_stand_beside_codes(tmp_path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "zhengzhou.yaml").write_text(
        "id: zhengzhou\norgan: 郑州市公安局\nregion_code: '410100'\nstart_urls: [http://example.gov.cn/]\n",
        encoding="utf-8",
    )
    settings = Settings.resolve(tmp_path / "data")
    ingest(settings, seed_files()[:1], name="region")
    build(settings, sources_dir=sources)
    with catalog.connect(settings) as db:
        assert db.execute("SELECT region, province, region_full_name FROM organ_years").fetchall() == [
            ("郑州市", "河南省", "河南省/郑州市")
        ]
        assert db.execute("SELECT province, province_name FROM provincial_totals").fetchall() == [("410000", "河南省")]
        assert db.execute("SELECT full_name FROM regions WHERE region_code = '410105'").fetchone() == (
            "河南省/郑州市/金水区",
        )
