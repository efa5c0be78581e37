"""SIGKILL a crawl half-way, run it again: the archive ends complete, with no duplicate and no partial blob."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

import replicas
from pipelines.archive.manifest import read_manifest
from pipelines.archive.store import BlobStore
from tests.crawler.conftest import ROOT, run_crawl
from tests.crawler.test_archive import warcio_check


@pytest.mark.slow
def test_sigkill_half_way_then_rerun_completes_the_archive(tmp_path: Path) -> None:
    sources, data = tmp_path / "sources", tmp_path / "data"
    archive = data / "archive"
    store = BlobStore(archive)
    with replicas.serve_all(delay=0.25) as urls:
        replicas.write_sources(sources, urls)
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "crawler.run",
                "--sources",
                str(sources),
                "--data",
                str(data),
                "--log-level",
                "WARNING",
                "--set",
                "GOVREPORTS_MANIFEST_BATCH=3",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while len(list(store)) < 10 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        assert child.wait() == -signal.SIGKILL
        half = read_manifest(archive).to_pylist()
        found_half = {row["title"] for row in half if row["is_report"]}
        expected = set().union(*(replicas.expected_reports(source_id) for source_id in replicas.MODULES))
        assert found_half < expected, "the kill came too late to test anything"
        assert list((archive / "warc").glob("*/*.warc.gz.open")), "the killed run left its WARC open"
        assert list((archive / "state" / "runs").glob("*.json")), "the killed run left its lease"

    with replicas.serve_all() as urls:
        replicas.write_sources(sources, urls)
        code, summary, stderr = run_crawl(sources, data)
    assert code == 0, stderr
    assert summary is not None, stderr
    assert summary["recovery"]["warcs_recovered"] >= 1 and summary["recovery"]["runs_recovered"] == 1
    assert not list((archive / "state" / "runs").glob("*.json"))

    rows = read_manifest(archive).to_pylist()
    for source_id in replicas.MODULES:
        found = {row["title"] for row in rows if row["is_report"] and row["source_id"] == source_id}
        assert found == replicas.expected_reports(source_id), source_id
    documents = Counter(
        (row["source_id"], row["url"])
        for row in rows
        if row["role"] in ("page", "attachment") and row["http_status"] == 200
    )
    assert [key for key, count in documents.items() if count > 1] == []  # no document archived twice
    blobs = list(store)
    assert all(store.verify(digest) for digest in blobs)
    assert {row["sha256"] for row in rows} <= set(blobs)
    assert not store.tmp.exists() or not any(store.tmp.iterdir())
    assert not list((archive / "warc").glob("*/*.open"))
    for path in (archive / "warc").glob("*/*.warc.gz"):
        assert warcio_check(path).returncode == 0, path
