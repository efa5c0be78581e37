"""A report is an organ-year: its copies (a landing page and its file, another format, a re-publication) are
linked to it and counted in no total."""

from __future__ import annotations

from pipelines.settings import Settings
from warehouse import catalog
from warehouse.rows import batch_tables
from warehouse.write import Warehouse

from .conftest import expected, outcome, seed_files

ORGAN = "410100:郑州市公安局"


def _load(tmp_path, outcomes) -> Settings:
    settings = Settings.resolve(tmp_path / "data")
    Warehouse(settings.warehouse).replace_reports(batch_tables(outcomes))
    catalog.refresh(settings)
    return settings


def _seed() -> dict:
    return expected(seed_files()[0])


def test_a_landing_page_without_tables_yields_to_its_attachment(tmp_path) -> None:
    page = _seed() | {"active_disclosure": {}, "applications": {}, "review_litigation": []}
    settings = _load(
        tmp_path,
        [
            outcome("a" * 64, page, "http://x.gov.cn/art/1.html", organ_id=ORGAN, media_type="text/html"),
            outcome("f" * 64, _seed(), "http://x.gov.cn/files/1.pdf", organ_id=ORGAN, media_type="application/pdf"),
        ],
    )
    with catalog.connect(settings) as db:
        assert db.execute("SELECT report_id, copies FROM organ_years").fetchall() == [("f" * 16, 1)]
        assert db.execute("SELECT report_id, copy_of, reason FROM copies").fetchall() == [
            ("a" * 16, "f" * 16, "prints no tables: the report is the copy that prints them")
        ]
        want = _seed()["applications"]["new_received"][-1]
        assert db.execute("SELECT reports, copies, new_received FROM national_totals").fetchall() == [(1, 1, want)]


def test_the_page_is_the_report_when_page_and_file_both_print_the_tables(tmp_path) -> None:
    settings = _load(
        tmp_path,
        [
            outcome("1" * 64, _seed(), "http://x.gov.cn/files/1.pdf", organ_id=ORGAN, media_type="application/pdf"),
            outcome("9" * 64, _seed(), "http://x.gov.cn/art/1.html", organ_id=ORGAN, media_type="text/html"),
        ],
    )
    with catalog.connect(settings) as db:
        assert db.execute("SELECT report_id, media_type FROM organ_years").fetchall() == [("9" * 16, "text/html")]
        assert db.execute("SELECT copy_of, reason FROM copies").fetchall() == [
            ("9" * 16, "the same report in another format")
        ]
        assert db.execute("SELECT report_id, counted FROM statistics ORDER BY 1").fetchall() == [
            ("1" * 16, False),
            ("9" * 16, True),
        ]
        assert db.execute("SELECT count(*), sum(copies) FROM organ_history").fetchone() == (1, 1)
        assert db.execute("SELECT reports, copies FROM provincial_totals").fetchall() == [(1, 1)]


def test_a_cleaner_reading_wins_and_other_organs_and_years_stay_apart(tmp_path) -> None:
    broken = _seed()
    broken["applications"]["granted"] = [v + 1 if v is not None else v for v in broken["applications"]["granted"]]
    broken["findings"] = [{"rule": "applications.results_total", "severity": "error", "message": "x"}]
    other_year = _seed() | {"year": _seed()["year"] - 1}
    settings = _load(
        tmp_path,
        [
            outcome("2" * 64, broken, "http://x.gov.cn/a.html", organ_id=ORGAN, media_type="text/html"),
            outcome("3" * 64, _seed(), "http://x.gov.cn/b.html", organ_id=ORGAN, media_type="text/html"),
            outcome("4" * 64, other_year, "http://x.gov.cn/c.html", organ_id=ORGAN, media_type="text/html"),
            outcome("5" * 64, _seed(), "http://y.gov.cn/d.html", organ_id="410100:郑州市教育局"),
            outcome("6" * 64, _seed(), "http://z.gov.cn/e.html", organ_id=None),
            outcome("7" * 64, _seed(), "http://z.gov.cn/f.html", organ_id=None),
        ],
    )
    with catalog.connect(settings) as db:
        reports = db.execute("SELECT report_id, copies FROM organ_years ORDER BY 1").fetchall()
        copies = db.execute("SELECT report_id, copy_of, reason FROM copies").fetchall()
        totals = db.execute("SELECT year, reports, copies FROM national_totals ORDER BY year").fetchall()
    assert reports == [("3" * 16, 1), ("4" * 16, 0), ("5" * 16, 0), ("6" * 16, 0), ("7" * 16, 0)]
    assert copies == [("2" * 16, "3" * 16, "published again (same organ and year)")]
    year = _seed()["year"]
    assert totals == [(year - 1, 1, 0), (year, 4, 1)]


def test_copies_are_decided_again_when_a_partition_changes(tmp_path) -> None:
    """A better copy arriving in a later build takes over; the former report becomes its copy."""
    page = _seed() | {"active_disclosure": {}, "applications": {}, "review_litigation": []}
    settings = Settings.resolve(tmp_path / "data")
    warehouse = Warehouse(settings.warehouse)
    warehouse.replace_reports(batch_tables([outcome("a" * 64, page, "p.html", organ_id=ORGAN, media_type="text/html")]))
    warehouse.replace_reports(batch_tables([outcome("b" * 64, _seed(), "f.pdf", organ_id=ORGAN)]))
    catalog.refresh(settings)
    with catalog.connect(settings) as db:
        assert db.execute("SELECT report_id, copy_of FROM reports ORDER BY 1").fetchall() == [
            ("a" * 16, "b" * 16),
            ("b" * 16, None),
        ]
