"""Per-source robots override (logged) and the download size limit, against the TRS replica."""

from __future__ import annotations

from pathlib import Path

import yaml

import replicas
from pipelines.archive.manifest import read_manifest
from tests.crawler.conftest import run_crawl


def test_robots_override_is_obeyed_and_logged(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    with replicas.serve_all(["replica-trs"]) as urls:
        replicas.write_sources(sources, urls)
        data = yaml.safe_load((sources / "replica-trs.yaml").read_text(encoding="utf-8"))
        data["obey_robots"] = False
        (sources / "replica-trs.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        code, summary, stderr = run_crawl(sources, tmp_path / "data", "--set", "DOWNLOAD_MAXSIZE=6000")
        log = urls.servers["replica-trs"].log
    assert summary is not None, stderr
    assert "overrides robots.txt" in stderr
    assert any("/private/" in entry.path for entry in log)
    [health] = summary["sources"]
    assert health["robots_forbidden"] == 0
    # Pages above the size limit are cancelled and counted, never archived cut short.
    assert health["errors"].get("cancelled", 0) >= 1, health["errors"]
    rows = read_manifest(tmp_path / "data" / "archive").to_pylist()
    assert rows and all(row["size"] <= 6000 for row in rows)
    assert code in (0, 1)
