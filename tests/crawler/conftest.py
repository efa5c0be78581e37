"""Replica portals on 127.0.0.1 and a helper that runs a real crawl in a child process."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import replicas

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Replicas:
    urls: replicas.Served
    sources: Path
    data: Path

    @property
    def archive(self) -> Path:
        return self.data / "archive"

    def clear_logs(self) -> None:
        for server in self.urls.servers.values():
            server.clear()


def run_crawl(sources: Path, data: Path, *args: str, timeout: float = 180) -> tuple[int, dict[str, Any] | None, str]:
    """``python -m crawler.run`` as a child; (exit status, summary from the last stdout line, stderr)."""
    command = [
        sys.executable,
        "-m",
        "crawler.run",
        "--sources",
        str(sources),
        "--data",
        str(data),
        "--log-level",
        "WARNING",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    lines = done.stdout.strip().splitlines()
    summary = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None
    return done.returncode, summary, done.stderr


@pytest.fixture
def replica_portals(tmp_path: Path) -> Iterator[Replicas]:
    with replicas.serve_all() as urls:
        replicas.write_sources(tmp_path / "sources", urls)
        yield Replicas(urls, tmp_path / "sources", tmp_path / "data")
