"""A crawl in which every request failed is a failed crawl (Scrapy itself would exit 0 and say "finished")."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import yaml

import replicas
from tests.crawler.conftest import run_crawl


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_dead_portal_and_non_local_loopback_source_fail(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    with replicas.serve_all(["replica-plain"]) as urls:
        replicas.write_sources(sources, urls)
        guarded = replicas.source_data("replica-plain", urls["replica-plain"])
        guarded.update(id="not-local", local=False)  # a real source may never reach loopback addresses
        (sources / "not-local.yaml").write_text(yaml.safe_dump(guarded, allow_unicode=True), encoding="utf-8")
        dead = replicas.source_data("replica-plain", f"http://127.0.0.1:{_free_port()}")
        dead.update(id="dead")
        (sources / "dead.yaml").write_text(yaml.safe_dump(dead, allow_unicode=True), encoding="utf-8")
        code, summary, stderr = run_crawl(
            sources,
            tmp_path / "data",
            "--source",
            "not-local",
            "--source",
            "dead",
            "--set",
            "RETRY_BACKOFF_BASE=0.05",
            "--set",
            "DOWNLOAD_DELAY=0",
            "--set",
            "AUTOTHROTTLE_START_DELAY=0.05",
        )
        assert urls.servers["replica-plain"].log == []  # the guard stopped every request before it left
    assert code == 1 and summary is not None, stderr
    health = {record["source_id"]: record for record in summary["sources"]}
    assert health["not-local"]["status"] == "failed" and health["not-local"]["finish_reason"] == "finished"
    assert health["not-local"]["errors"] == {"refused_address": 1}
    assert health["dead"]["status"] == "failed" and "connection_refused" in health["dead"]["errors"]
    assert summary["status"] == "failed"
    assert health["dead"]["reasons"] and "connection_refused" in health["dead"]["reasons"][0]
    assert health["dead"]["failing_urls"][0]["kind"] == "connection_refused"
    assert summary["failed_sources"] == ["not-local", "dead"]
    stored = json.loads(Path(summary["health_file"]).read_text(encoding="utf-8"))
    assert stored == {key: value for key, value in summary.items() if key != "health_file"}


def test_unknown_source_is_a_usage_error(tmp_path: Path) -> None:
    with replicas.serve_all(["replica-plain"]) as urls:
        replicas.write_sources(tmp_path / "sources", urls)
    code, summary, stderr = run_crawl(tmp_path / "sources", tmp_path / "data", "--source", "nope")
    assert code == 2 and summary is None and "nope" in stderr
