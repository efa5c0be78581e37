"""kill -9 of a crawl at named points: after a blob is stored but before its manifest row, after a manifest part is
written, and half-way through a WARC record pair. After each, the archive is whole (every blob matches its
sha256, every manifest row has its blob), and the next crawl completes it: every report found, every blob named
by the manifest, no document archived twice, every WARC passing ``warcio check``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import replicas
from pipelines.archive.manifest import read_manifest
from pipelines.crashpoints import ENV as CRASH_AT
from tests.crawler.conftest import run_crawl
from tests.crawler.test_archive import warcio_check
from tests.faults.conftest import ROOT, check_archive

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("point", ["crawl.stored:3", "crawl.manifest_written:1", "crawl.warc_half_written:4"])
def test_a_crawl_killed_at_each_point_is_completed_by_the_next(tmp_path: Path, point: str) -> None:
    sources, data = tmp_path / "sources", tmp_path / "data"
    archive = data / "archive"
    with replicas.serve_all() as urls:
        replicas.write_sources(sources, urls)
        killed = subprocess.run(
            [sys.executable, "-m", "crawler.run", "--sources", str(sources), "--data", str(data), "--log-level",
             "ERROR", "--set", "GOVREPORTS_MANIFEST_BATCH=2"],
            cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, CRASH_AT: point},
        )
        assert killed.returncode == -9, f"not killed at {point}: {killed.stderr[-2000:]}"
        check_archive(archive, every_blob_named=False)
        code, summary, stderr = run_crawl(sources, data)
    assert code == 0 and summary is not None, stderr
    check_archive(archive)
    rows = read_manifest(archive).to_pylist()
    for source_id in replicas.MODULES:
        found = {row["title"] for row in rows if row["is_report"] and row["source_id"] == source_id}
        assert found == replicas.expected_reports(source_id), source_id
    documents = Counter((row["source_id"], row["url"]) for row in rows
                        if row["role"] in ("page", "attachment") and row["http_status"] == 200)
    assert [key for key, count in documents.items() if count > 1] == []
    assert not list((archive / "warc").rglob("*.open"))
    for path in (archive / "warc").rglob("*.warc.gz"):
        assert warcio_check(path).returncode == 0, path
