"""Loading the same documents twice changes nothing: same row counts, same content, byte for byte in SQL."""

from __future__ import annotations

import hashlib

import duckdb

from pipelines.settings import Settings
from warehouse import catalog
from warehouse.build import build
from warehouse.ingest import ingest
from warehouse.schema import tables

from .conftest import corpus_files, seed_files

VOLATILE = {"documents", "organ_names"}


def fingerprint(settings: Settings) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of the sorted rows of every table (documents: one row per fetch, so only sha256s)."""
    out = {}
    with catalog.connect(settings) as db:
        for name in tables():
            if name == "documents":
                rows = db.execute("SELECT DISTINCT sha256 FROM documents ORDER BY 1").fetchall()
            else:
                rows = db.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
            out[name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return out


def test_loading_twice_changes_nothing(tmp_path) -> None:
    settings = Settings.resolve(tmp_path / "data")
    files = [*seed_files(), *corpus_files()]
    ingest(settings, files, name="twice")
    first = build(settings, sources_dir=tmp_path)
    before = fingerprint(settings)
    ingest(settings, files, name="twice")
    second = build(settings, sources_dir=tmp_path)
    assert second.parsed == 0 and second.skipped == first.parsed
    assert fingerprint(settings) == before
    third = build(settings, rebuild=True, sources_dir=tmp_path)
    assert third.parsed == first.parsed and third.new == 0
    assert fingerprint(settings) == before


def test_reparsing_replaces_rows_even_when_the_year_moves(tmp_path) -> None:
    from warehouse.rows import batch_tables
    from warehouse.write import Warehouse

    from .conftest import expected, outcome

    settings = Settings.resolve(tmp_path / "data")
    warehouse = Warehouse(settings.warehouse)
    report = expected(seed_files()[0])
    first = outcome("a" * 64, report, "seed", parser_version="v1", organ_id="o")
    warehouse.replace_reports(batch_tables([first]))
    moved = outcome("a" * 64, report | {"year": report["year"] - 1}, "seed", parser_version="v2", organ_id="o")
    warehouse.replace_reports(batch_tables([moved]))
    catalog.refresh(settings)
    with catalog.connect(settings) as db:
        assert db.execute("SELECT year, parser_version FROM reports").fetchall() == [(report["year"] - 1, "v2")]
        assert db.execute("SELECT count(*), min(year) FROM applications").fetchall() == [(1, report["year"] - 1)]
        assert db.execute("SELECT count(DISTINCT year) FROM active_disclosure").fetchall() == [(1,)]


def test_views_file_is_in_sync_and_runs_in_a_plain_duckdb(built: Settings) -> None:
    assert catalog.VIEWS_FILE.read_text(encoding="utf-8") == catalog.views_sql(), (
        "warehouse/sql/views.sql is stale: run `python -m warehouse.catalog`"
    )
    plain = duckdb.connect()
    plain.execute("SET VARIABLE warehouse = ?", [built.warehouse])
    plain.execute(catalog.VIEWS_FILE.read_text(encoding="utf-8"))
    query = "SELECT * FROM national_totals ORDER BY year"
    with catalog.connect(built) as db:
        assert plain.execute(query).fetchall() == db.execute(query).fetchall()
    assert plain.execute("SELECT count(*) FROM report_checks").fetchall()[0][0] > 0


def test_every_view_and_macro_runs(built: Settings) -> None:
    with catalog.connect(built) as db:
        views = [name for (name,) in db.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
        for view in views:
            db.execute(f'SELECT * FROM "{view}" LIMIT 5').fetchall()
        top = db.execute("SELECT agency, denied_share FROM top_denied_share(2024, 1)").fetchall()
    assert {
        "national_totals",
        "provincial_totals",
        "organ_history",
        "report_ratios",
        "report_checks",
        "cross_findings",
        "all_findings",
        "form_breaks",
        "applications_long",
        "review_litigation_long",
    } <= set(views)
    assert len(top) == 1
