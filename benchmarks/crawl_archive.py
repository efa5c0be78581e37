"""Crawl throughput against a local portal with and without archiving, and the archiving overhead.

    .venv/bin/python benchmarks/crawl_archive.py [--pages 50] [--runs 3]

One replica column (replicas/sites/bench.py: list pages of 20 items, ~8 KB per page) served on 127.0.0.1; each mode
is a real ``python -m crawler.run`` child, ``--runs`` times, medians reported:
  none    Scrapy and the spider only (--no-archive)
  blobs   + sha256 blobs (fsynced) and the manifest (--no-warc)
  full    + gzip WARC of every request/response
CPU is the child's user+sys time (resource.getrusage) minus that of a one-response crawl (interpreter and Scrapy
start-up), divided by the responses fetched. Every run starts from an empty data directory.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from replicas.server import ReplicaServer
from replicas.sites.bench import COLUMN, SOURCE, BenchSite

ROOT = Path(__file__).resolve().parents[1]
MODES = {"none": ["--no-archive"], "blobs": ["--no-warc"], "full": []}
FAST = [
    "--set",
    "AUTOTHROTTLE_ENABLED=False",
    "--set",
    "DOWNLOAD_DELAY=0",
    "--set",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "--set",
    "LOG_LEVEL=WARNING",
]


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl(sources: Path, flags: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data:
        cpu, start = _child_cpu(), time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "crawler.run", "--sources", str(sources), "--data", data, *FAST, *flags],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        wall, cpu = time.perf_counter() - start, _child_cpu() - cpu
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return {"wall": wall, "cpu": cpu, "responses": summary["sources"][0]["responses"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50, help="list pages (20 items each)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(BenchSite(args.pages)) as server:
        sources, idle = Path(tmp) / "sources", Path(tmp) / "idle"
        for folder, path in ((sources, f"{COLUMN}index.html"), (idle, f"{COLUMN}index_0.html")):
            folder.mkdir()
            data = {**SOURCE, "start_urls": [server.base_url + path], "local": True}
            (folder / "replica-bench.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        startup = statistics.median(crawl(idle, MODES["none"])["cpu"] for _ in range(args.runs))
        results = {}
        for mode, flags in MODES.items():
            runs = [crawl(sources, flags) for _ in range(args.runs)]
            responses = runs[0]["responses"]
            wall = statistics.median(run["wall"] for run in runs)
            cpu = statistics.median(run["cpu"] for run in runs)
            results[mode] = {
                "responses": responses,
                "responses_per_s": responses / wall,
                "cpu_ms_per_response": 1000 * (cpu - startup) / responses,
                "wall_s": wall,
            }
    print(f"start-up CPU (one-response crawl): {startup:.2f} s; {args.runs} runs per mode, medians")
    print(f"{'mode':6} {'responses':>9} {'resp/s':>8} {'CPU ms/resp':>12} {'wall s':>7}")
    for mode, row in results.items():
        print(
            f"{mode:6} {row['responses']:>9} {row['responses_per_s']:>8.1f} {row['cpu_ms_per_response']:>12.2f} "
            f"{row['wall_s']:>7.2f}"
        )
    base = results["none"]["cpu_ms_per_response"]
    for mode in ("blobs", "full"):
        print(
            f"archiving overhead ({mode}): ×{results[mode]['cpu_ms_per_response'] / base:.2f} CPU per response, "
            f"×{results['none']['responses_per_s'] / results[mode]['responses_per_s']:.2f} wall"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
