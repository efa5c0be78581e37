"""The warehouse's organ identity reads the one registry (pipelines.registry): folders, aliases, organs apart from
columns, and names compared by the registry's rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.identity import Registry, RegistryError


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_organs_come_from_the_registry_with_their_aliases(tmp_path: Path) -> None:
    _write(
        tmp_path / "山东省" / "police.yaml",
        "id: police\norgan: 枣庄市公安局市中分局\nregion_code: '370402'\n"
        "aliases: [市中公安分局]\nportal: http://www.zzszq.gov.cn/\n",
    )
    _write(
        tmp_path / "山东省" / "police-nb.yaml",
        "id: police-nb\norgan: 枣庄市公安局市中分局\nregion_code: '370402'\n"
        "start_urls: [http://www.zzszq.gov.cn/nb/]\n",
    )
    registry = Registry.load(tmp_path)
    assert len(registry.organs) == 1
    by_alias = registry.resolve("市中公安分局")
    assert (by_alias.organ_id, by_alias.method) == ("370402:枣庄市公安局市中分局", "registry")
    assert registry.resolve(None, "police-nb").organ_id == "370402:枣庄市公安局市中分局"  # a column's source


def test_a_broken_registry_file_is_a_registry_error_naming_it(tmp_path: Path) -> None:
    _write(tmp_path / "bad.yaml", "id: bad\norgan: 甲\nregion_code: '4101'\nportal: http://a.gov.cn/\n")
    with pytest.raises(RegistryError, match=r"bad\.yaml"):
        Registry.load(tmp_path)


def test_the_shipped_registry_loads() -> None:
    registry = Registry.load()
    assert len(registry.organs) > 400
    assert registry.resolve("郑州市公安局").organ_id == "410100:郑州市公安局"
