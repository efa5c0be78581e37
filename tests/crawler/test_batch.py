"""Many sources in one crawl process: columns on hosts of their own and columns sharing a host, a portal that hangs,
one whose walk crashes, one that is dead — each judged on its own, the others untouched."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

from replicas.server import ReplicaFleet, Reply, Request
from replicas.sites.column import COLUMN, ColumnSite, source_fields, write_sources
from tests.crawler.conftest import ROOT, run_crawl

FAST = ["--set", "RETRY_BACKOFF_BASE=0.05", "--set", "RETRY_BACKOFF_MAX=0.2", "--set", "DOWNLOAD_DELAY=0",
        "--set", "AUTOTHROTTLE_START_DELAY=0.01"]


class SharedHost:
    """How many requests the columns of one host answer at once, across all of them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0

    def enter(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1


class MeteredColumn(ColumnSite):
    def __init__(self, index: int, host: SharedHost) -> None:
        super().__init__(index)
        self.host = host

    def handle(self, request: Request) -> Reply:
        self.host.enter()
        try:
            time.sleep(0.02)  # long enough for requests to overlap if the crawler let them
            return super().handle(request)
        finally:
            self.host.leave()


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_columns_on_own_and_shared_hosts_in_one_engine(tmp_path: Path) -> None:
    shared = SharedHost()
    own = [ColumnSite(index) for index in range(24)]
    on_one_host = [MeteredColumn(100 + index, shared) for index in range(8)]
    with ReplicaFleet(own) as fleet, ReplicaFleet(on_one_host, hosts="ports") as same_host:  # type: ignore[arg-type]
        write_sources(tmp_path / "sources", fleet.endpoints + same_host.endpoints)
        code, summary, stderr = run_crawl(tmp_path / "sources", tmp_path / "data", *FAST)
        most_per_address = max(endpoint.max_in_flight for endpoint in fleet.endpoints)
    assert code == 0 and summary is not None, stderr
    assert len(summary["sources"]) == 32 and summary["status"] == "ok"
    for record in summary["sources"]:
        assert record["reports_found"] == 3 and record["report_years"] == [2021, 2022, 2023], record
        assert record["pages_fetched"] == 42, record  # robots.txt aside: 2 list pages + 40 items
    assert 1 <= most_per_address <= 2
    assert 1 <= shared.most <= 2, "eight columns on one host are still one host"


def test_a_hanging_a_crashing_and_a_dead_source_fail_alone(tmp_path: Path) -> None:
    sites = [ColumnSite(index) for index in range(6)] + [ColumnSite(6, hang=30.0), ColumnSite(7)]
    crash = """
import sys
from crawler.spiders.families import plain
real = plain.parse_list
def parse_list(context, response):
    if context.source.id == "replica-column-00007" and response.url.endswith("index_2.html"):
        raise RuntimeError("the family module cannot take this page")
    yield from real(context, response)
plain.parse_list = parse_list
from crawler.run import main
sys.exit(main(sys.argv[1:]))
"""
    with ReplicaFleet(sites) as fleet:
        sources = tmp_path / "sources"
        write_sources(sources, fleet.endpoints)
        dead = {**source_fields(8), "start_urls": [f"http://127.0.0.1:{_dead_port()}{COLUMN}index.html"]}
        (sources / f"{dead['id']}.yaml").write_text(yaml.safe_dump(dead, allow_unicode=True), encoding="utf-8")
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", crash, "--sources", str(sources), "--data", str(tmp_path / "data"),
             "--log-level", "WARNING", *FAST, "--set", "DOWNLOAD_TIMEOUT=1", "--set", "RETRY_TIMES=1"],
            capture_output=True, text=True, timeout=240, cwd=ROOT,
        )
        elapsed = time.monotonic() - started
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 1, done.stderr[-2000:]
    health = {record["source_id"]: record for record in summary["sources"]}
    for index in range(6):
        assert health[f"replica-column-{index:05d}"]["status"] == "ok"
    hanging, crashed, dead_record = (health[f"replica-column-{index:05d}"] for index in (6, 7, 8))
    assert hanging["status"] == "failed" and "timeout" in hanging["reasons"][0], hanging
    assert crashed["status"] == "failed", crashed
    assert crashed["reasons"][0].startswith("crashed: RuntimeError: the family module cannot take this page")
    assert crashed["failing_urls"][0]["kind"] == "crash" and crashed["failing_urls"][0]["role"] == "list"
    assert crashed["failing_urls"][0]["url"].endswith("index_2.html")
    assert dead_record["status"] == "failed" and dead_record["retries"] == 0  # refused: given up at once
    assert dead_record["elapsed_seconds"] < 5
    assert summary["failed_sources"] == ["replica-column-00006", "replica-column-00007", "replica-column-00008"]
    assert elapsed < 120


def test_a_column_listing_no_report_or_fewer_years_is_degraded(tmp_path: Path) -> None:
    shrinking, empty, steady = ColumnSite(0), ColumnSite(1, reports=False), ColumnSite(2)
    with ReplicaFleet([shrinking, empty, steady]) as fleet:
        write_sources(tmp_path / "sources", fleet.endpoints)
        _, first, _ = run_crawl(tmp_path / "sources", tmp_path / "data", *FAST)
        shrinking.report_years = (2023,)
        _, second, _ = run_crawl(tmp_path / "sources", tmp_path / "data", *FAST)
    assert first is not None and second is not None
    night1 = {record["source_id"]: record for record in first["sources"]}
    night2 = {record["source_id"]: record for record in second["sources"]}
    assert night1["replica-column-00000"]["status"] == "ok"
    assert night1["replica-column-00001"]["status"] == "degraded"
    assert night1["replica-column-00001"]["reasons"] == ["the column answers but lists no report"]
    assert night2["replica-column-00001"]["status"] == "degraded"
    shrunk = night2["replica-column-00000"]
    assert shrunk["status"] == "degraded" and shrunk["report_years"] == [2023]
    assert shrunk["reasons"] == ["lists 1 report years (2023), used to list 3 (2021, 2022, 2023); missing 2021, 2022"]
    assert night2["replica-column-00002"]["status"] == "ok" and night2["replica-column-00002"]["skipped"] == 40


class FlakyColumn(ColumnSite):
    """Answers 503 (Retry-After: 1) to the first two requests of every page."""

    def __init__(self, index: int) -> None:
        super().__init__(index, pages=1)
        self.seen: dict[str, int] = {}
        self.lock = threading.Lock()

    def handle(self, request: Request) -> Reply:
        with self.lock:
            count = self.seen[request.path] = self.seen.get(request.path, 0) + 1
        if request.path != "/robots.txt" and count <= 2:
            return Reply(503, b"busy", [("Content-Type", "text/html"), ("Retry-After", "1")], kind="fault")
        return super().handle(request)


def test_retries_show_in_live_progress_and_unreachable_hosts_are_given_up_at_once(tmp_path: Path) -> None:
    with ReplicaFleet([FlakyColumn(0)]) as fleet:
        sources = tmp_path / "sources"
        write_sources(sources, fleet.endpoints)
        for index, url in ((1, f"http://127.0.0.1:{_dead_port()}/"), (2, "http://nowhere.invalid/")):
            data = {**source_fields(index), "start_urls": [url], "local": index == 1}
            (sources / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "crawler.run", "--sources", str(sources), "--data", str(tmp_path / "data"),
             "--log-level", "WARNING", "--set", "GOVREPORTS_PROGRESS=1", "--set", "GOVREPORTS_PROGRESS_INTERVAL=0.1",
             "--set", "RETRY_BACKOFF_BASE=0.5", "--set", "DOWNLOAD_DELAY=0"],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )
    lines = [json.loads(line.split(" ", 1)[1]) for line in done.stderr.splitlines()
             if line.startswith("govreports-progress ")]
    retrying = [entry for line in lines for entry in line.get("retrying", [])]
    assert retrying, "live progress never showed a host being retried"
    assert {entry["reason"] for entry in retrying} == {"http_503"}
    assert all(entry["source"] == "replica-column-00000" and entry["of"] == 3 for entry in retrying)
    gave_up = {host: kind for line in lines for host, kind in line.get("unreachable", {}).items()}
    assert "connection_refused" in [kind for host, kind in gave_up.items() if host.startswith("127.0.0.1:")]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    health = {record["source_id"]: record for record in summary["sources"]}
    assert health["replica-column-00000"]["status"] == "ok", health["replica-column-00000"]
    assert health["replica-column-00000"]["retries"] >= 2
    for source_id in ("replica-column-00001", "replica-column-00002"):
        assert health[source_id]["status"] == "failed" and health[source_id]["retries"] == 0
        assert health[source_id]["elapsed_seconds"] < 5
    assert health["replica-column-00002"]["failing_urls"][0]["kind"] in ("dns", "refused_address")
    done_events = [line for line in lines if line.get("event") == "source"]
    assert sorted(event["source"] for event in done_events) == sorted(health)
