"""The archive on object storage by one setting: ``--data s3://…`` puts blobs, WARC files, manifest, crawl state,
health and the warehouse in the bucket — a real S3-compatible server (moto) on 127.0.0.1, a real crawl of the
replica portals (two nights), then a real warehouse build from what the bucket holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import fsspec
import pytest

import replicas
from pipelines.archive.manifest import read_manifest
from pipelines.archive.state import CrawlState
from pipelines.archive.store import BlobStore
from pipelines.settings import Settings
from tests.crawler.conftest import ROOT

BUCKET = "govreports-archive"


@pytest.fixture
def s3(s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("GOVREPORTS_LOCAL_DATA", str(tmp_path / "local"))
    fsspec.filesystem("s3").mkdir(BUCKET)
    return Settings.resolve(f"s3://{BUCKET}/data")


def _crawl(sources: Path, settings: Settings) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "crawler.run", "--sources", str(sources), "--data", settings.data,
         "--log-level", "WARNING"], capture_output=True, text=True, timeout=300, cwd=ROOT, env=os.environ.copy(),
    )
    assert done.stdout.strip(), done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_archive_crawl_state_and_warehouse_on_object_storage(s3: Settings, tmp_path: Path) -> None:
    from warehouse.build import build

    ids = ["replica-json", "replica-plain"]
    with replicas.serve_all(ids) as urls:
        replicas.write_sources(tmp_path / "sources", urls)
        first = _crawl(tmp_path / "sources", s3)
        rows = read_manifest(s3.archive).to_pylist()
        second = _crawl(tmp_path / "sources", s3)
    assert first["archive"] == f"s3://{BUCKET}/data/archive" and first["status"] != "failed", first
    fs = fsspec.filesystem("s3")
    keys = [path.removeprefix(f"{BUCKET}/data/archive/") for path in fs.find(f"{BUCKET}/data/archive")]
    assert {key.split("/", 1)[0] for key in keys} == {"blobs", "health", "manifest", "state", "warc"}
    assert not [key for key in keys if key.endswith(".open")]
    assert not list((tmp_path / "local" / "spool" / "warc").glob("*/*"))  # uploaded, not left behind
    store = BlobStore(s3.archive)
    assert rows and {row["sha256"] for row in rows} <= set(store)
    for source_id in ids:
        found = {row["title"] for row in rows if row["is_report"] and row["source_id"] == source_id}
        assert found == replicas.expected_reports(source_id)
        assert CrawlState(s3.archive).load(source_id).entries  # the state lives in the bucket too
    for record in second["sources"]:  # night 2 read its state from the bucket: nothing asked for again
        assert record["new_reports"] == 0 and record["skipped"] > 0
        assert record["reports_found"] == len(replicas.expected_reports(record["source_id"]))
    assert len(read_manifest(s3.archive)) > len(rows)  # night 2 added its list pages, nothing else

    result = build(s3, sources_dir=tmp_path / "sources")
    reports = set().union(*(replicas.expected_reports(source_id) for source_id in ids))
    assert result.parsed >= len(reports) and result.statuses == {"parsed": result.parsed}  # a page and its file
    assert fs.exists(f"{BUCKET}/data/warehouse/reports")
    assert not (tmp_path / "local" / "archive").exists()
