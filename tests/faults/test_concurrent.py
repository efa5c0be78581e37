"""Writers at once: two ingests, an ingest during a crawl, a build during a crawl. The archive takes writers side by
side (content-addressed blobs, append-only manifest parts) and stays whole; the warehouse keeps one writer at a
time and answers with what was built."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

import replicas
from pipelines.archive.manifest import read_manifest
from tests.faults.conftest import BIN, ROOT, check_archive, govreports, report_ids, seed_files


def test_two_ingests_at_once_both_land(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folders = [tmp_path / "a", tmp_path / "b"]
    for index, folder in enumerate(folders):
        folder.mkdir()
        for number, seed in enumerate(seed_files()):
            (folder / f"{number}.txt").write_bytes(seed.read_bytes() + f"\n{index}".encode())
    children = [subprocess.Popen([str(BIN / "govreports"), "--data", str(data), "ingest", str(folder), "--name",
                                  folder.name], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for folder in folders]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0 and "Traceback" not in err, err
    blobs = check_archive(data / "archive")
    assert len(blobs) == 2 * len(seed_files())
    sources = set(read_manifest(data / "archive").column("source_id").to_pylist())
    assert sources == {"local:a", "local:b"}


@pytest.mark.slow
def test_ingest_and_build_while_a_crawl_writes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with replicas.serve_all(delay=0.2) as urls:
        replicas.write_sources(tmp_path / "sources", urls)
        crawl = subprocess.Popen([str(BIN / "govreports"), "--data", str(data), "crawl", "--sources",
                                  str(tmp_path / "sources")], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not list((data / "archive" / "blobs").rglob("??/??/*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.monotonic()
        ingested = govreports(data, "ingest", *map(str, seed_files()))
        waited = time.monotonic() - started
        assert crawl.poll() is None, "the crawl ended before the ingest: nothing was concurrent"
        built = govreports(data, "build")
        _, err = crawl.communicate(timeout=300)
    ingested.assert_message_only()
    built.assert_message_only()
    assert ingested.code == 0 and waited < 30, ingested.stderr  # did not wait for the crawl to end
    assert built.code == 0, built.stderr
    assert crawl.returncode == 0, err
    check_archive(data / "archive")
    again = govreports(data, "build")
    assert again.code == 0, again.stderr
    assert len(report_ids(data)["reports"]) >= len(seed_files())
