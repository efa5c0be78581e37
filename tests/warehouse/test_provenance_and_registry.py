"""Provenance of printed cells, registry-backed organ ids and regions, and the documents table from the manifest."""

from __future__ import annotations

import json

from pipelines.settings import Settings
from warehouse import catalog
from warehouse.build import build
from warehouse.ingest import ingest
from warehouse.rows import batch_tables
from warehouse.write import Warehouse

from .conftest import expected, outcome, seed_files

REGISTRY = {
    "zhengzhou-police": ("郑州市公安局", "410100"),
    "yongcheng-police": ("永城市公安局", "411481"),
    "zhoukou-police": ("周口市公安局", "411600"),
}


def test_cells_keep_every_printed_value_as_printed(tmp_path) -> None:
    report = expected(seed_files()[0])
    report["cells"] = [
        {
            "part": "active_disclosure",
            "row": "normative_documents",
            "column": "issued",
            "value": 2,
            "raw": "2（其中修订1件）",
            "note": "其中修订1件",
            "location": {"line": 40},
        },
        {"part": "active_disclosure", "row": "fees", "column": "amount_10k_yuan", "value": 29458.49, "raw": "29458.49"},
        {"part": "applications", "row": "new_received", "column": "total", "value": 115, "raw": "1 15"},
        {"part": "applications", "row": "carried_over", "column": "other_org", "value": None, "raw": "/"},
    ]
    settings = Settings.resolve(tmp_path / "data")
    Warehouse(settings.warehouse).replace_reports(batch_tables([outcome("c" * 64, report, "seed", organ_id="o")]))
    catalog.refresh(settings)
    with catalog.connect(settings) as db:
        cells = db.execute('SELECT "row", "column", raw, note, location FROM cells ORDER BY ALL').fetchall()
        raw = db.execute(
            "SELECT raw FROM active_disclosure WHERE item = 'normative_documents' AND measure = 'issued'"
        ).fetchall()
        long = db.execute(
            "SELECT value, raw FROM applications_long WHERE \"row\" = 'new_received' AND \"column\" = 'total'"
        ).fetchall()
    given = {(cell["row"], cell["column"]) for cell in report["cells"]}
    printed = [c for c in cells if (c[0], c[1]) in given]
    assert [c[:4] for c in printed] == [
        ("carried_over", "other_org", "/", None),
        ("fees", "amount_10k_yuan", "29458.49", None),
        ("new_received", "total", "1 15", None),
        ("normative_documents", "issued", "2（其中修订1件）", "其中修订1件"),
    ]
    assert json.loads(printed[3][4]) == {"line": 40}
    # Every other value of the typed Report is kept too, printed plainly (its JSON gave no printing of its own).
    values = [
        *(v for m in report["active_disclosure"].values() for k, v in m.items() if not k.endswith("_unit")),
        *(v for row in report["applications"].values() for v in row),
        *report["review_litigation"],
    ]
    assert len(cells) == len(values)
    assert ("granted", "natural_person", str(report["applications"]["granted"][0]), None) in [c[:4] for c in cells]
    assert raw == [("2（其中修订1件）",)]
    assert long == [(115, "1 15")]


def test_registry_gives_organ_ids_and_regions(tmp_path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    for source_id, (organ, region) in REGISTRY.items():
        (sources / f"{source_id}.yaml").write_text(
            f"id: {source_id}\norgan: {organ}\nregion_code: '{region}'\nstart_urls: [http://example.gov.cn/]\n",
            encoding="utf-8",
        )
    settings = Settings.resolve(tmp_path / "data")
    ingest(settings, seed_files(), name="mine")
    build(settings, sources_dir=sources)
    with catalog.connect(settings) as db:
        organs = dict(db.execute("SELECT agency, organ_id FROM reports").fetchall())
        provinces = dict(
            db.execute(
                "SELECT province, sum(new_received) FROM provincial_totals WHERE year = 2023 GROUP BY ALL"
            ).fetchall()
        )
        documents = db.execute("SELECT count(*), count(DISTINCT sha256), min(source_id) FROM documents").fetchall()
        registry = db.execute("SELECT count(*) FROM organs").fetchall()
    assert organs["郑州市公安局"] == "410100:郑州市公安局"
    assert organs["驻马店市公安局"] == "unregistered:驻马店市公安局"
    assert provinces["410000"] == 115 + 1
    assert documents == [(5, 5, "local:mine")]
    assert registry == [(3,)]
