"""A hostile replica portal (tests/faults/hostile_portal.py): every fault is reported as data — an error of its
kind in the source's health — and affects only itself; the good report beside them is archived; nothing is asked
of a port, an address or a name the guard refuses (issue 15 case 8); nothing is left in the archive's temporary
folder; the crawl ends with its summary, not a traceback."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from pipelines.archive.manifest import read_manifest
from pipelines.archive.store import BlobStore
from tests.crawler.test_archive import warcio_check
from tests.faults.conftest import ROOT, check_archive, seed_files
from tests.faults.hostile_portal import COLUMN, MB, REPORT_TITLE, Hostile, HostilePortal, source_yaml


class Trap:
    """A listener that only counts who connects: a port no request may reach."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


@pytest.fixture
def trap() -> Iterator[Trap]:
    listener = Trap()
    yield listener
    listener.socket.close()


def crawl(sources: Path, data: Path, *settings: str) -> tuple[int, dict | None, str]:
    command = [sys.executable, "-m", "crawler.run", "--sources", str(sources), "--data", str(data),
               "--log-level", "WARNING", "--set", "DOWNLOAD_TIMEOUT=3", "--set", "RETRY_BACKOFF_BASE=0.05",
               "--set", "RETRY_BACKOFF_MAX=0.1", "--set", "AUTOTHROTTLE_START_DELAY=0"]
    for setting in settings:
        command += ["--set", setting]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    lines = done.stdout.strip().splitlines()
    return done.returncode, json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None, done.stderr


@pytest.mark.slow
def test_each_fault_is_its_own_error_and_the_good_report_lands(tmp_path: Path, trap: Trap) -> None:
    config = Hostile(report_text=seed_files()[0].read_bytes(), trap_port=trap.port)
    with HostilePortal(config) as portal:
        source_yaml(portal, tmp_path / "sources")
        code, summary, stderr = crawl(tmp_path / "sources", tmp_path / "data", "GOVREPORTS_SPOOL_BYTES=262144")
        paths = portal.paths()
    assert summary is not None, stderr
    assert "Traceback" not in stderr, stderr
    [health] = summary["sources"]
    errors = health["errors"]
    # Each hostile document is an error of its kind, named in the record; the list was walked whole, so the column
    # is not degraded by them (crawler/health.py: a portal's broken links are not the column's failure).
    assert code == 0 and health["status"] == "ok", health
    assert errors.get("refused_redirect") == 2, errors  # another port of the host; a file:// URL
    assert errors.get("refused_address") == 2, errors  # 169.254.169.254; localhost (a name, refused on resolving)
    assert errors.get("redirect_loop") == 1, errors  # a chain longer than REDIRECT_MAX_TIMES
    assert errors.get("dns") == 1, errors  # a host that does not resolve
    assert errors.get("timeout") == 1, errors  # a byte a second
    assert errors.get("data_loss") == 1, errors  # a Content-Length that lies
    assert errors.get("ignored") == 2, errors  # two decompression bombs (one in memory, one spooled)

    assert trap.connections == 0  # the redirect to another port was never followed
    assert not any("secret" in path for path in paths)  # nor the link to localhost
    rows = read_manifest(tmp_path / "data" / "archive").to_pylist()
    reports = [row for row in rows if row["is_report"]]
    assert {row["url"].rsplit("/", 1)[1] for row in reports} == {"good.html", "good.txt"}
    assert {row["title"] for row in reports} == {REPORT_TITLE}
    assert not any(row["url"].endswith(("bomb.html", "bigbomb.pdf")) for row in rows)
    check_archive(tmp_path / "data" / "archive")
    tmp = BlobStore(tmp_path / "data" / "archive").tmp
    assert not tmp.exists() or list(tmp.iterdir()) == []


@pytest.mark.slow
def test_a_list_page_of_20000_links_asks_for_no_more_than_the_limit(tmp_path: Path) -> None:
    """(benchmarks/memory.py measures the crawl of a 100,000-link page: its peak memory is bounded.)"""
    config = Hostile(report_text=seed_files()[0].read_bytes(), links=20_000, bombs=False, slow=False)
    with HostilePortal(config) as portal:
        source_yaml(portal, tmp_path / "sources")
        _, summary, stderr = crawl(tmp_path / "sources", tmp_path / "data", "GOVREPORTS_MAX_ITEMS_PER_PAGE=300",
                                   "AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
                                   # a loaded machine's slow answers must not give the host up before all are asked
                                   "DOWNLOAD_TIMEOUT=30", "RETRY_HOST_GIVE_UP=0")
        asked = [path for path in portal.paths() if path.startswith(f"{COLUMN}n/")]
    assert summary is not None, stderr
    [health] = summary["sources"]
    assert health["errors"].get("links_truncated") == 1, health["errors"]
    assert len(asked) == 300
    assert {"good.html", "good.txt"} <= {row["url"].rsplit("/", 1)[1] for row in
                                          read_manifest(tmp_path / "data" / "archive").to_pylist()}


def test_a_spooled_body_is_archived_byte_for_byte(tmp_path: Path) -> None:
    """A body past the spool threshold never sits in memory whole, and lands exactly: blob, manifest and WARC."""
    size = 6 * 1024 * 1024
    config = Hostile(report_text=seed_files()[0].read_bytes(), big_bytes=size, bombs=False, slow=False)
    with HostilePortal(config) as portal:
        source_yaml(portal, tmp_path / "sources")
        _, summary, stderr = crawl(tmp_path / "sources", tmp_path / "data", "GOVREPORTS_SPOOL_BYTES=1048576")
    assert summary is not None, stderr
    archive = tmp_path / "data" / "archive"
    [row] = [row for row in read_manifest(archive).to_pylist() if row["url"].endswith("/big.pdf")]
    expected = hashlib.sha256(b"%PDF-1.4\n" + b"0" * (MB - 9) + b"1" * (size - MB)).hexdigest()
    assert (row["sha256"], row["size"], row["media_type"]) == (expected, size, "application/pdf")
    check_archive(archive)
    [warc] = (archive / "warc").rglob("*.warc.gz")
    assert warcio_check(warc).returncode == 0
    with open(warc, "rb") as handle:
        bodies = [hashlib.sha256(record.content_stream().read()).hexdigest() for record in ArchiveIterator(handle)
                  if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI").endswith(
                      "/big.pdf")]
    assert bodies == [expected]
    tmp = BlobStore(archive).tmp
    assert not tmp.exists() or list(tmp.iterdir()) == []
