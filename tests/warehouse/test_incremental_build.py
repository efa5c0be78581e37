"""``govreports build`` reads only what the archive's manifest gained since the last build (a cursor beside the
warehouse), and still counts every document; a rebuild reads everything again."""

from __future__ import annotations

from pathlib import Path

import pytest

import warehouse.build as build_module
from pipelines.archive import manifest
from pipelines.settings import Settings
from warehouse.build import build
from warehouse.ingest import ingest

from .conftest import SEEDS, seed_files


def test_build_reads_only_the_new_manifest_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not SEEDS.is_dir():
        pytest.skip("the shared seeds are not on this machine")
    settings = Settings.resolve(tmp_path / "data")
    sources = tmp_path / "no-sources"
    sources.mkdir()
    read: list[int] = []
    real = manifest.read_new

    def counting(*args, **kwargs):  # the rows each build reads from the manifest
        table, cursor = real(*args, **kwargs)
        read.append(table.num_rows)
        return table, cursor

    monkeypatch.setattr(build_module, "read_new", counting)
    seeds = seed_files()
    ingest(settings, seeds[:2], name="first")
    first = build(settings, sources_dir=sources)
    second = build(settings, sources_dir=sources)
    ingest(settings, seeds[2:4], name="second")
    third = build(settings, sources_dir=sources)
    assert read == [2, 0, 2]
    assert (first.parsed, second.parsed, third.parsed) == (2, 0, 2)
    assert (first.documents, second.documents, third.documents) == (2, 2, 4)
    rebuilt = build(settings, sources_dir=sources, rebuild=True)
    assert read[-1] == 4 and rebuilt.parsed == 4 and rebuilt.documents == 4
