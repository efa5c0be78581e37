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
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from pipelines.archive.manifest import append_records
from pipelines.archive.media import media_type
from pipelines.archive.store import BlobStore
from pipelines.archive.warc import RunWarc
from replicas.server import ReplicaServer, Request
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


def _child_cpu() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime, usage.ru_stime


def crawl(sources: Path, flags: list[str]) -> dict[str, Any]:
    """One crawl in a child process from an empty data directory: wall time, user and system CPU, responses."""
    with tempfile.TemporaryDirectory() as data:
        before, start = _child_cpu(), time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "crawler.run", "--sources", str(sources), "--data", data, *FAST, *flags],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )
        wall = time.perf_counter() - start
        user, system = (after - earlier for after, earlier in zip(_child_cpu(), before, strict=True))
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return {"wall": wall, "user": user, "sys": system, "responses": summary["sources"][0]["responses"]}


def archive_path_cpu(body: bytes, count: int = 500) -> dict[str, float]:
    """CPU ms per response of the archive's own work, in this process (less exposed to machine load than a
    crawl): the blob (written without fsync, one syncfs per 100), a manifest row, and the WARC request/response
    pair with gzip."""
    with tempfile.TemporaryDirectory() as tmp:
        store, warc = BlobStore(tmp), RunWarc(tmp, "bench")
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        start, rows = time.process_time(), []
        for index in range(count):
            data = body + str(index).encode()
            rows.append({"source_id": "bench", "url": f"http://127.0.0.1/t{index}.html", "http_status": 200,
                         "sha256": store.put(data, durable=False), "media_type": media_type(data),
                         "size": len(data)})
            if len(rows) == 100:
                store.sync()
                append_records(tmp, "bench", rows)
                rows = []
        blobs = time.process_time() - start
        start = time.process_time()
        for index in range(count):
            warc.write(f"http://127.0.0.1/t{index}.html", "GET", [("Host", "127.0.0.1")], b"", "HTTP/1.1", 200,
                       "OK", headers, body)
        warc_cpu = time.process_time() - start
        warc.close()
    return {"blob_and_manifest_ms": 1000 * blobs / count, "warc_ms": 1000 * warc_cpu / count}


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
        runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in ["startup", *MODES]}
        for _ in range(args.runs):  # modes interleaved, so that a change of machine load hits them alike
            runs["startup"].append(crawl(idle, MODES["none"]))
            for mode, flags in MODES.items():
                runs[mode].append(crawl(sources, flags))
    startup = {key: statistics.median(run[key] for run in runs["startup"]) for key in ("user", "sys")}
    results = {}
    for mode in MODES:
        responses = runs[mode][0]["responses"]
        user = statistics.median(run["user"] for run in runs[mode]) - startup["user"]
        system = statistics.median(run["sys"] for run in runs[mode]) - startup["sys"]
        wall = statistics.median(run["wall"] for run in runs[mode])
        results[mode] = {
            "responses": responses,
            "responses_per_s": responses / wall,
            "cpu_ms_per_response": 1000 * (user + system) / responses,
            "sys_ms_per_response": 1000 * system / responses,
            "wall_s": wall,
        }
    print(f"start-up CPU (one-response crawl): {startup['user'] + startup['sys']:.2f} s; {args.runs} runs per mode, "
          f"medians; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'mode':6} {'responses':>9} {'resp/s':>8} {'CPU ms/resp':>12} {'of it sys':>10} {'wall s':>7}")
    for mode, row in results.items():
        print(f"{mode:6} {row['responses']:>9} {row['responses_per_s']:>8.1f} {row['cpu_ms_per_response']:>12.2f} "
              f"{row['sys_ms_per_response']:>10.2f} {row['wall_s']:>7.2f}")
    base = results["none"]
    for mode in ("blobs", "full"):
        print(f"archiving overhead ({mode}): ×{results[mode]['cpu_ms_per_response'] / base['cpu_ms_per_response']:.2f}"
              f" CPU per response, ×{base['responses_per_s'] / results[mode]['responses_per_s']:.2f} wall")
    body = BenchSite(1).handle(Request("GET", f"{COLUMN}t1.html", {}, {}, b"")).body
    path = archive_path_cpu(body)
    print(f"archive path alone, in-process ({len(body)} B pages): blob + manifest row "
          f"{path['blob_and_manifest_ms']:.2f} ms, WARC pair {path['warc_ms']:.2f} ms CPU per response")
    print(json.dumps({**results, "archive_path": path}))


if __name__ == "__main__":
    main()
