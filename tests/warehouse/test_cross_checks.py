"""Cross-report checks fire on a constructed pair of years made from real seed values, and identity resolves."""

from __future__ import annotations

import json

import pytest

from pipelines.settings import Settings
from warehouse import catalog
from warehouse.build import build
from warehouse.identity import Registry
from warehouse.ingest import ingest
from warehouse.rows import Outcome, batch_tables
from warehouse.write import Warehouse

from .conftest import expected, outcome, seed_files

ZHENGZHOU_2023, ZHOUKOU_2022, ZHUMADIAN_2021 = 0, 2, 3


def _outcome(seed_index: int, sha_char: str, agency: str, organ: str, year: int | None = None) -> Outcome:
    report = expected(seed_files()[seed_index]) | {"agency": agency}
    if year is not None:
        report["year"] = year
    return outcome(sha_char * 64, report, f"seed {seed_index}", organ_id=organ)


def _load(tmp_path, outcomes: list[Outcome], registry: Registry | None = None) -> Settings:
    settings = Settings.resolve(tmp_path / "data")
    warehouse = Warehouse(settings.warehouse)
    warehouse.replace_reports(batch_tables(outcomes))
    if registry:
        warehouse.write_file("organs", None, registry.organs_table())
    catalog.refresh(settings)
    return settings


def test_carry_over_and_in_force_chains(tmp_path) -> None:
    # One organ's 2021, 2022 and 2023, built from three real reports (驻马店 2021, 周口 2022, 郑州 2023).
    outcomes = [
        _outcome(ZHUMADIAN_2021, "1", "测试市公安局", "o:test"),
        _outcome(ZHOUKOU_2022, "2", "测试市公安局", "o:test"),
        _outcome(ZHENGZHOU_2023, "3", "测试市公安局", "o:test"),
    ]
    settings = _load(tmp_path, outcomes)
    with catalog.connect(settings) as db:
        found = db.execute(
            'SELECT year, rule, location, CAST("values" AS VARCHAR) FROM cross_findings ORDER BY year, rule, location'
        ).fetchall()
    by_key = {(year, rule, location): json.loads(values) for year, rule, location, values in found}
    # 2022 carried over 0 = 2021 carried forward 0: no break; 2023 carried over 9 ≠ 2022 carried forward 0.
    assert (2022, "cross.carry_over", "applications/carried_over/total") not in by_key
    carry = by_key[(2023, "cross.carry_over", "applications/carried_over/total")]
    assert carry["carried_over"] == 9 and carry["previous_carried_forward"] == 0
    # 规范性文件 in force: 2022 prints 0 where 1 + 0 − 0 = 1; 2023 prints 7 where 0 + 2 − 6 = −4.
    in_force_2022 = by_key[(2022, "cross.in_force", "active_disclosure/normative_documents/in_force")]
    assert (in_force_2022["previous_in_force"], in_force_2022["in_force"]) == (1, 0)
    in_force_2023 = by_key[(2023, "cross.in_force", "active_disclosure/normative_documents/in_force")]
    assert (in_force_2023["issued"], in_force_2023["repealed"], in_force_2023["in_force"]) == (2, 6, 7)
    assert (2023, "cross.in_force", "active_disclosure/regulations/in_force") not in by_key
    with catalog.connect(settings) as db:
        (count,) = db.execute("SELECT count(*) FROM all_findings WHERE stage = 'cross_report'").fetchall()[0]
        checks = dict(db.execute("SELECT year, cross_report FROM report_checks").fetchall())
    assert count == len(found)
    assert checks[2023] == 2


def test_aggregate_against_its_units(tmp_path) -> None:
    registry = Registry()
    registry.add_aggregates(
        [
            {
                "organ": "测试市人民政府",
                "region_code": "410100",
                "units": [
                    {"organ": "测试市公安局", "region_code": "410100"},
                    {"organ": "测试市税务局", "region_code": "410100"},
                ],
            }
        ]
    )
    ids = {organ.name: organ.organ_id for organ in registry.organs.values()}
    outcomes = [
        _outcome(ZHENGZHOU_2023, "4", "测试市人民政府", ids["测试市人民政府"]),
        _outcome(ZHENGZHOU_2023, "5", "测试市公安局", ids["测试市公安局"], year=2023),
        _outcome(ZHOUKOU_2022, "6", "测试市税务局", ids["测试市税务局"], year=2023),
    ]
    settings = _load(tmp_path, outcomes, registry)
    with catalog.connect(settings) as db:
        found = db.execute('SELECT organ_id, location, "values" FROM check_aggregate ORDER BY location').fetchall()
    # The aggregate prints 郑州's numbers; its units are 郑州 + 周口, so 新收 and 总计 differ by 周口's 4.
    locations = {location: json.loads(values) for _, location, values in found}
    assert {organ for organ, _, _ in found} == {ids["测试市人民政府"]}
    assert locations["applications/new_received/total"] == {"aggregate": 115, "units_sum": 119, "units": 2}
    assert "applications/carried_forward/total" not in locations


@pytest.mark.parametrize(
    ("printed", "method"),
    [
        ("沭阳县发展和改革局", "registry"),
        ("沭阳县发改局", "abbreviation"),
        ("沐阳县发展和改革局", "ocr_slip"),
        ("沐阳县 发改局", "ocr_slip"),
    ],
)
def test_names_of_one_organ_resolve_to_one_id(tmp_path, printed: str, method: str) -> None:
    (tmp_path / "shuyang-fgj.yaml").write_text(
        "id: shuyang-fgj\norgan: 沭阳县发展和改革局\nregion_code: '321322'\nstart_urls: [http://www.shuyang.gov.cn/]\n",
        encoding="utf-8",
    )
    (tmp_path / "siyang-fgj.yaml").write_text(
        "id: siyang-fgj\norgan: 泗阳县发展和改革局\nregion_code: '321323'\nstart_urls: [http://www.siyang.gov.cn/]\n",
        encoding="utf-8",
    )
    registry = Registry.load(tmp_path)
    decision = registry.resolve(printed)
    assert decision.organ_id == "321322:沭阳县发展和改革局"
    assert decision.method == method
    assert registry.resolve("泗阳县发改局").organ_id == "321323:泗阳县发展和改革局"
    unknown = registry.resolve("沐城县发改局")
    assert unknown.method == "unregistered" and unknown.organ_id == "unregistered:沐城县发展和改革局"


def test_identity_decisions_are_recorded_by_build(built: Settings) -> None:
    with catalog.connect(built) as db:
        decisions = dict(db.execute("SELECT name, method FROM organ_names").fetchall())
        organs = db.execute("SELECT DISTINCT organ_id FROM reports WHERE agency = '上海市科委'").fetchall()
    assert decisions["郑州市公安局"] == "unregistered"
    assert organs == [("unregistered:上海市科学技术委员会",)]


def test_a_second_document_of_the_same_report_is_counted_once(tmp_path) -> None:
    seed = seed_files()[0]
    copy = tmp_path / "downloads" / "zhengzhou-2023-again.txt"
    copy.parent.mkdir()
    copy.write_bytes(seed.read_bytes() + "\n（网页版）\n".encode())
    settings = Settings.resolve(tmp_path / "data")
    ingest(settings, [seed, copy], name="twice")
    build(settings, sources_dir=tmp_path)
    want = expected(seed)["applications"]["new_received"][-1]
    with catalog.connect(settings) as db:
        assert db.execute("SELECT count(*) FROM reports WHERE status = 'parsed'").fetchall() == [(2,)]
        assert db.execute("SELECT reports, new_received FROM national_totals").fetchall() == [(1, want)]
        (copy,) = db.execute("SELECT copy_of, reason FROM copies").fetchall()
        assert "published again" in copy[1]
        assert db.execute("SELECT count(*), sum(copies) FROM organ_history").fetchall() == [(1, 1)]
