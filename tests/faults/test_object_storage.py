"""The archive on object storage (a real S3-compatible server, moto, on 127.0.0.1): an ingest file by file and a
spooled large body reach the bucket whole — every blob matches its sha256, the manifest names every blob — and
nothing is left in the local spool."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import fsspec
import pytest

from pipelines.archive.manifest import read_manifest
from pipelines.settings import Settings
from tests.faults.conftest import ROOT, check_archive, seed_files
from tests.faults.hostile_portal import MB, Hostile, HostilePortal, source_yaml
from warehouse.ingest import ingest

BUCKET = "govreports-faults"

@pytest.fixture
def bucket(s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("GOVREPORTS_LOCAL_DATA", str(tmp_path / "local"))
    fsspec.filesystem("s3").mkdir(BUCKET)  # the server starts empty for every test (tests/conftest.py)
    return Settings.resolve(f"s3://{BUCKET}/data")


def _leftovers(settings: Settings) -> list[Path]:
    """Files in the local spool other than the archive writers' lock (bodies, WARC files, blob temporaries)."""
    spool = settings.spool_dir
    return [path for path in spool.rglob("*") if path.is_file() and path.name != "writers.lock"]


def test_an_ingest_into_a_bucket_stores_each_good_file_whole(bucket: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for seed in seed_files()[:2]:
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    result = ingest(bucket, [folder], "bucket")
    assert result.files == 2 and [Path(skipped.path).name for skipped in result.skipped] == ["empty.txt"]
    blobs = check_archive(bucket.archive)  # type: ignore[arg-type]  # a URI: BlobStore and the manifest take both
    assert blobs == {hashlib.sha256(seed.read_bytes()).hexdigest() for seed in seed_files()[:2]}
    assert _leftovers(bucket) == []


@pytest.mark.slow
def test_a_spooled_body_reaches_the_bucket_whole(bucket: Settings, tmp_path: Path) -> None:
    size = 6 * MB
    config = Hostile(report_text=seed_files()[0].read_bytes(), big_bytes=size, bombs=False, slow=False)
    with HostilePortal(config) as portal:
        source_yaml(portal, tmp_path / "sources")
        done = subprocess.run(
            [sys.executable, "-m", "crawler.run", "--sources", str(tmp_path / "sources"), "--data", bucket.data,
             "--log-level", "WARNING", "--set", "GOVREPORTS_SPOOL_BYTES=1048576", "--set", "DOWNLOAD_TIMEOUT=3"],
            capture_output=True, text=True, timeout=300, cwd=ROOT, env=os.environ.copy(),
        )
    assert done.stdout.strip(), done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    [row] = [row for row in read_manifest(bucket.archive).to_pylist() if row["url"].endswith("/big.pdf")]
    expected = hashlib.sha256(b"%PDF-1.4\n" + b"0" * (MB - 9) + b"1" * (size - MB)).hexdigest()
    assert (row["sha256"], row["size"], row["media_type"]) == (expected, size, "application/pdf")
    check_archive(bucket.archive)  # type: ignore[arg-type]
    assert _leftovers(bucket) == []


def test_bodies_a_killed_crawl_spooled_for_the_bucket_are_swept_by_the_next_writer(bucket: Settings) -> None:
    """A crawl killed before its upload leaves a large body in the local spool; the next writer to hold the archive
    removes it (the body is fetched again by the crawl that needs it), and touches nothing archived."""
    from pipelines.archive.recovery import SPOOLED_BODIES, recover

    ingest(bucket, seed_files()[:1], name="before")
    left = bucket.spool_dir / SPOOLED_BODIES / "body-of-a-killed-crawl"
    left.parent.mkdir(parents=True, exist_ok=True)
    left.write_bytes(b"x" * 1024)
    done = recover(bucket.archive, bucket.spool_dir)
    assert not left.exists() and done["temporaries_removed"] >= 1
    assert _leftovers(bucket) == []
    check_archive(bucket.archive)  # type: ignore[arg-type]
