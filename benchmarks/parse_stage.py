"""The parse stage's pool: wall-clock time to parse an archive with 1 and 2 worker processes, and how it grows.

    .venv/bin/python benchmarks/parse_stage.py [--documents 100 1000] [--rounds 3]

Material: every seed (../shared/seeds) rendered as portal pages (both replica styles, UTF-8 and GBK), as its
text and as a run-together dump, each copied with a distinct trailing comment until there are N distinct
documents, archived as a crawl archives them (blobs and a manifest). Each run is a full ``parse_archive`` under
a fresh parser version, so it parses every document: read the blob, parse, persist the outcome (gzipped JSON).
Runs with 1 and 2 workers alternate, round by round, so the machine's other load falls on both alike; the
figures are medians of wall-clock seconds. Target: 2 processes ≥ 1.7× one on 1,000 documents. The load average
is printed before and after: on a shared 2-core machine, other work eats directly into the second worker; "busy"
is the workers' CPU time over (workers × wall time) — near 100% means the pool kept its workers on the CPU and
only the machine's other load stands between them and a 2× speed-up.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

from parse_speed import seed_pages

from pipelines.archive.manifest import append_records
from pipelines.archive.store import BlobStore
from pipelines.report.stage import parse_archive
from replicas.render import render_run_together_text

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
TARGET = 1.7


def _material() -> list[tuple[str, bytes]]:
    """The seeds as portal pages (parse_speed.py's pages), as printed text and as run-together dumps."""
    documents = [(f"{name}.html", page) for name, page in seed_pages().items()]
    for expected_path in sorted(SEEDS.glob("*.expected.json")):
        name = expected_path.name.removesuffix(".expected.json")
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        text = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
        documents.append((f"{name}.txt", text.encode("utf-8")))
        documents.append((f"{name}.dump.txt", render_run_together_text(expected, text).encode("utf-8")))
    return documents


def _archive(directory: Path, count: int) -> Path:
    """``count`` distinct documents: the material in turn, each copy with its own trailing comment."""
    archive = directory / f"archive-{count}"
    blobs = BlobStore(archive)
    records = []
    for index, (name, data) in enumerate(islice(cycle(_material()), count)):
        marker = f"\n<!-- copy {index} -->\n" if name.endswith(".html") else f"\n（副本 {index}）\n"
        body = data + marker.encode("gbk" if ".gbk." in name else "utf-8")
        records.append(
            {"source_id": "bench", "url": f"file:///{index}/{name}", "sha256": blobs.put(body, durable=False)}
        )
    blobs.sync()
    append_records(archive, "bench", records)
    return archive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, nargs="+", default=[100, 1000], help="archive sizes to parse")
    parser.add_argument("--rounds", type=int, default=3, help="runs per (size, workers); medians reported")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    seconds: dict[tuple[int, int], list[float]] = {}
    busy: dict[tuple[int, int], list[float]] = {}
    with tempfile.TemporaryDirectory() as directory:
        archives = {count: _archive(Path(directory), count) for count in args.documents}
        for round_ in range(args.rounds):
            for count, archive in archives.items():
                for workers in (1, 2) if round_ % 2 == 0 else (2, 1):
                    start = time.perf_counter()
                    result = parse_archive(archive, workers=workers, version=f"bench-{round_}-{workers}")
                    wall = time.perf_counter() - start
                    seconds.setdefault((count, workers), []).append(wall)
                    busy.setdefault((count, workers), []).append(result.cpu_seconds / (workers * wall))
                    assert result.parsed == count and not result.failures, result
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print(f"{'documents':>9} {'workers':>8} {'wall s':>8} {'ms/doc':>8} {'docs/s':>8} {'speed-up':>9} {'busy':>6}")
    for count in args.documents:
        one = statistics.median(seconds[(count, 1)])
        for workers in (1, 2):
            wall = statistics.median(seconds[(count, workers)])
            figures = f"{wall:>8.2f} {wall / count * 1000:>8.2f} {count / wall:>8.1f} {one / wall:>8.2f}×"
            figures += f" {statistics.median(busy[(count, workers)]):>6.0%}"
            print(f"{count:>9} {workers:>8} {figures}")
    if len(args.documents) > 1:
        small, large = min(args.documents), max(args.documents)
        for workers in (1, 2):
            per_small = statistics.median(seconds[(small, workers)]) / small
            per_large = statistics.median(seconds[(large, workers)]) / large
            growth = statistics.median(seconds[(large, workers)]) / statistics.median(seconds[(small, workers)])
            print(
                f"growth {small} → {large} documents, {workers} worker(s): time ×{growth:.1f} "
                f"(per document {per_small * 1000:.2f} → {per_large * 1000:.2f} ms)"
            )
    largest = max(args.documents)
    speedup = statistics.median(seconds[(largest, 1)]) / statistics.median(seconds[(largest, 2)])
    verdict = "meets" if speedup >= TARGET else "misses"
    print(f"\n2 workers on {largest} documents: {speedup:.2f}× one worker ({verdict} the ≥ {TARGET}× target)")


if __name__ == "__main__":
    main()
