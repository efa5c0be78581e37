"""The source registry: shipped files validate; a bad file is an error that names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sources import DEFAULT_DIR, Family, SourceError, load_sources

SEED_AND_CORPUS_ORGANS = {
    "郑州市公安局": "410100", "永城市公安局": "411481", "周口市公安局": "411600", "驻马店市公安局": "411700",
    "枣庄市公安局市中分局": "370402", "淮安市人民政府": "320800", "沭阳县发展和改革局": "321322",
    "上海市科学技术委员会": "310000",
}


def test_shipped_registry_covers_seed_and_corpus_organs() -> None:
    sources = load_sources(DEFAULT_DIR)
    assert {source.organ: source.region_code for source in sources} == SEED_AND_CORPUS_ORGANS
    assert all(not source.verified and not source.local for source in sources)
    shuyang = next(source for source in sources if source.organ == "沭阳县发展和改革局")
    assert shuyang.start_urls == ["http://www.shuyang.gov.cn/sygfj/gknb/"]


def test_only_named_sources(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: a\norgan: 甲\nregion_code: '410100'\nstart_urls: [http://a.gov.cn/]\n")
    (tmp_path / "b.yaml").write_text("id: b\norgan: 乙\nregion_code: 410100\nstart_urls: [http://b.gov.cn/]\n"
                                     "family: trs\n")
    assert [source.id for source in load_sources(tmp_path, ["b"])] == ["b"]
    assert load_sources(tmp_path, ["b"])[0].family is Family.TRS
    with pytest.raises(SourceError, match="unknown source id"):
        load_sources(tmp_path, ["zzz"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: bad\norgan: 甲\nregion_code: '4101'\nstart_urls: [http://a.gov.cn/]\n", "six-digit"),
        ("id: bad\norgan: 甲\nregion_code: '410100'\nstart_urls: [ftp://a.gov.cn/]\n", "http"),
        ("id: bad\norgan: 甲\nregion_code: '410100'\nstart_urls: [http://a.gov.cn/]\nfamliy: trs\n", "famliy"),
        ("id: other\norgan: 甲\nregion_code: '410100'\nstart_urls: [http://a.gov.cn/]\n", "file name"),
        ("- just\n- a list\n", "mapping"),
        ("id: [unclosed\n", "bad.yaml"),
    ],
)
def test_bad_source_file_names_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as error:
        load_sources(tmp_path)
    assert "bad.yaml" in str(error.value)
