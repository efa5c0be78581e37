"""Scrapy's telnet console (a Python shell on a local port, into the running crawler) is never opened."""

from __future__ import annotations

from pathlib import Path

import replicas
from crawler.settings import scrapy_settings
from tests.crawler.conftest import run_crawl


def test_no_telnet_console(tmp_path: Path) -> None:
    assert scrapy_settings(tmp_path, "run")["TELNETCONSOLE_ENABLED"] is False
    with replicas.serve_all(["replica-plain"]) as urls:
        replicas.write_sources(tmp_path / "sources", urls)
        code, summary, stderr = run_crawl(tmp_path / "sources", tmp_path / "data", "--log-level", "INFO")
    assert summary is not None and code == 0, stderr
    assert "Enabled extensions" in stderr  # the log that would list it
    assert "TelnetConsole" not in stderr and "Telnet console listening" not in stderr
