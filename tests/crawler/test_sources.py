"""The source registry: the shipped files (the demo organs and the registry built from portals.csv) load and
validate; organs are apart from columns; a bad file is an error that names it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crawler.sources import DEFAULT_DIR, Family, SourceError, load_sources
from pipelines.regions import region
from pipelines.registry import NATIONAL, Registry, Source, load_registry, source_files
from pipelines.registry.portals import build

SEED_AND_CORPUS_ORGANS = {
    "郑州市公安局": "410100",
    "永城市公安局": "411481",
    "周口市公安局": "411600",
    "驻马店市公安局": "411700",
    "枣庄市公安局市中分局": "370402",
    "淮安市人民政府": "320800",
    "沭阳县发展和改革局": "321322",
    "上海市科学技术委员会": "310000",
}
PORTALS_CSV = Path(__file__).resolve().parents[3] / "shared" / "registry" / "portals.csv"


@pytest.fixture(scope="module")
def shipped() -> Registry:
    return load_registry(DEFAULT_DIR)


def test_shipped_registry_covers_seed_and_corpus_organs(shipped: Registry) -> None:
    organs = {organ.name: organ.region_code for organ in shipped.organs.values()}
    assert SEED_AND_CORPUS_ORGANS.items() <= organs.items()
    shuyang = next(source for source in shipped.sources.values() if source.organ == "沭阳县发展和改革局")
    assert shuyang.start_urls == ["http://www.shuyang.gov.cn/sygfj/gknb/"]


def test_shipped_registry_is_valid_and_unverified(shipped: Registry) -> None:
    assert all(not source.verified and not source.local for source in shipped.sources.values())
    for source in shipped.sources.values():
        assert source.region_code == NATIONAL or region(source.region_code) is not None, source.id
        assert source.has_column or source.portal, source.id
        if source.parent:
            assert shipped.find(source.parent, source.region_code) is not None, (source.id, source.parent)
    assert all(len(path.relative_to(DEFAULT_DIR).parts) == 2 for path in source_files(DEFAULT_DIR))  # by province
    assert {path.parent.name for path in source_files(DEFAULT_DIR)} >= {"中央", "河南省", "广东省"}


@pytest.mark.skipif(not PORTALS_CSV.exists(), reason="shared registry not found")
def test_every_portals_csv_row_is_an_organ_and_every_known_column_a_column(shipped: Registry) -> None:
    with PORTALS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = {organ.name for organ in shipped.organs.values()}
    assert {row["organ"] for row in rows} <= names
    columns = {url.split("{Y}")[0] for source in shipped.columns for url in source.start_urls}
    assert {row["column_url"].split("{Y}")[0] for row in rows if row["column_url"]} <= columns
    gkmlpt = [source for source in shipped.columns if source.family is Family.GKMLPT]
    assert gkmlpt and all(source.hints.sid and source.start_urls[0].endswith("/gkmlpt/index") for source in gkmlpt)
    waiting = shipped.to_discover
    assert len(waiting) >= len(rows) - len(columns) - len(gkmlpt)
    assert all(
        source.portal and "marked for discovery" in source.notes
        for source in waiting
        if source.evidence and "portals.csv" in source.evidence.found_by
    )


@pytest.mark.skipif(not PORTALS_CSV.exists(), reason="shared registry not found")
def test_the_registry_is_what_the_generator_builds_from_the_csv(shipped: Registry) -> None:
    with PORTALS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    hand_written = [s for s in shipped.sources.values() if not (s.evidence and "portals.csv" in s.evidence.found_by)]
    built = build(rows, hand_written)
    assert {source.id: source for source in built.sources} == {
        source.id: source for source in shipped.sources.values() if source not in hand_written
    }


def test_load_sources_returns_columns_and_names_what_waits_for_discovery(shipped: Registry) -> None:
    columns = load_sources(DEFAULT_DIR)
    assert {source.id for source in columns} == {source.id for source in shipped.columns}
    waiting = shipped.to_discover[0]
    with pytest.raises(SourceError, match="marked for discovery"):
        load_sources(DEFAULT_DIR, [waiting.id])


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_only_named_sources_and_folders(tmp_path: Path) -> None:
    _write(tmp_path / "河南省", "a", "id: a\norgan: 甲\nregion_code: '410100'\nstart_urls: [http://a.gov.cn/]\n")
    _write(
        tmp_path / "河南省", "b", "id: b\norgan: 乙\nregion_code: 410100\nstart_urls: [http://b.gov.cn/]\nfamily: trs\n"
    )
    _write(tmp_path / ".hidden", "c", "not: a source\n")
    assert [source.id for source in load_sources(tmp_path, ["b"])] == ["b"]
    assert load_sources(tmp_path, ["b"])[0].family is Family.TRS
    with pytest.raises(SourceError, match="unknown source id"):
        load_sources(tmp_path, ["zzz"])
    _write(tmp_path / "山东省", "a", "id: a\norgan: 丙\nregion_code: '370000'\nportal: http://c.gov.cn/\n")
    with pytest.raises(SourceError, match="also used by"):
        load_registry(tmp_path)


def test_organs_apart_from_columns_merged_by_name_and_region(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "city",
        "id: city\norgan: 某市人民政府\nregion_code: '410100'\nlevel: prefecture\nportal: http://www.city.gov.cn/\n",
    )
    _write(
        tmp_path,
        "police",
        "id: police\norgan: 某市公安局\nregion_code: '410100'\naliases: [某市公安]\n"
        "level: department-of-prefecture\nparent: 某市人民政府\n"
        "portal: http://ga.city.gov.cn/\n",
    )
    _write(
        tmp_path,
        "police-nb",
        "id: police-nb\norgan: 某市公安局\nregion_code: '410100'\nstart_urls: [http://ga.city.gov.cn/nb/]\n",
    )
    _write(
        tmp_path,
        "platform",
        "id: platform\norgan: 某市人民政府\nregion_code: '410100'\nlists: many\n"
        "organs: [某市公安局]\nstart_urls: [http://zwgk.city.gov.cn/nb/]\n",
    )
    registry = load_registry(tmp_path)
    assert len(registry.organs) == 2 and [s.id for s in registry.columns] == ["platform", "police-nb"]
    police = registry.find("某市公安")
    assert police is not None and set(police.source_ids) == {"police", "police-nb"}
    assert police.level == "department-of-prefecture"
    assert registry.parent_of(police) is not None and registry.parent_of(police).name == "某市人民政府"  # type: ignore
    _write(
        tmp_path,
        "other",
        "id: other\norgan: 某市公安局\nregion_code: '410100'\nlevel: county\nportal: http://x.gov.cn/\n",
    )
    with pytest.raises(SourceError, match="disagrees"):
        load_registry(tmp_path)


def test_find_prefers_the_nearest_region() -> None:
    registry = Registry.from_sources(
        [
            Source(id="a", organ="市中区人民政府", region_code="370402", portal="http://a.gov.cn/"),
            Source(id="b", organ="市中区人民政府", region_code="511102", portal="http://b.gov.cn/"),
        ]
    )
    assert registry.find("市中区人民政府") is None  # two, nothing to choose by
    assert registry.find("市中区人民政府", "370400").region_code == "370402"  # type: ignore[union-attr]
    assert registry.find("市中区人民政府", "510000").region_code == "511102"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: bad\norgan: 甲\nregion_code: '4101'\nstart_urls: [http://a.gov.cn/]\n", "six-digit"),
        ("id: bad\norgan: 甲\nregion_code: '410100'\nstart_urls: [ftp://a.gov.cn/]\n", "http"),
        ("id: bad\norgan: 甲\nregion_code: '410100'\nstart_urls: [http://a.gov.cn/]\nfamliy: trs\n", "famliy"),
        ("id: other\norgan: 甲\nregion_code: '410100'\nstart_urls: [http://a.gov.cn/]\n", "file name"),
        ("id: bad\norgan: 甲\nregion_code: '410100'\n", "start_urls .* or a portal"),
        ("id: bad\norgan: 甲\nregion_code: '410100'\nportal: http://a.gov.cn/\nparent: 乙\n", "not a registered organ"),
        (
            "id: bad\norgan: 甲\nregion_code: '410100'\nportal: http://a.gov.cn/\naccess: {ip_version: 5}\n",
            "ip_version",
        ),
        ("- just\n- a list\n", "mapping"),
        ("id: [unclosed\n", "bad.yaml"),
    ],
)
def test_bad_source_file_names_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as error:
        load_sources(tmp_path)
    assert "bad.yaml" in str(error.value)
