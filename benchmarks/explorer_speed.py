"""The explorer's pages on the national-scale synthetic warehouse: time to serve each page, over HTTP, by the real
server (uvicorn + Starlette + the catalog), cold and warm.

    .venv/bin/python benchmarks/explorer_speed.py                          # 2,250,000 reports (scale 1)
    .venv/bin/python benchmarks/explorer_speed.py --scale 0.01,0.1,1       # how the cost grows (10×, 100×)
    .venv/bin/python benchmarks/explorer_speed.py --data D --reuse         # a warehouse warehouse_scale.py kept

The warehouse is the one ``benchmarks/warehouse_scale.py`` writes (same generator, same write path and catalog):
~150,000 organs a year × 15 years. It has no ``cells``, ``documents`` or registry rows (the generator writes the
facts only), so a report page reads its printing from an empty provenance table: every other query a page makes
runs on the full tables. Each round requests every page once, for a different organ or report each round
(interleaved, so the machine's load spreads over all pages alike); the first round after the server starts is the
cold one. Target: every page ≤ 150 ms median.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import numpy as np
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from warehouse_scale import FULL_REPORTS, YEARS, organ_ids, year_batch

from explorer.app import create_app
from pipelines.settings import Settings
from warehouse import catalog
from warehouse.write import Warehouse

TARGET_MS = 150


def build(data: Path, scale: float, seed: int) -> float:
    """Write the synthetic warehouse as warehouse_scale.py does; return the seconds it took."""
    settings = Settings.resolve(data)
    warehouse = Warehouse(settings.warehouse)
    per_year = round(FULL_REPORTS * scale / len(YEARS))
    rng = np.random.default_rng(seed)
    organs = organ_ids(per_year)
    start = time.perf_counter()
    for year in YEARS:
        warehouse.replace_reports(year_batch(year, organs, rng))
    catalog.refresh(settings)
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[float, float]:
    """Wall time and CPU time of one request, in ms. The server runs in this process, so the CPU time is what the
    page cost on every core (server, DuckDB's threads, and the client's few hundred µs): the figure the machine's
    load does not inflate; the wall time is what a reader waits, and on a shared machine it includes queueing."""
    start, cpu = time.perf_counter(), time.process_time()
    with urllib.request.urlopen(url, timeout=120) as reply:
        reply.read()
        assert reply.status == 200, url
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


def pages(reader, rng: random.Random) -> dict[str, str]:
    """One address per page, for a randomly chosen organ and report (different every round)."""
    with reader.cursor() as db:
        (count,) = db.execute("SELECT count(*) FROM memory.organ_index").fetchone()
        organ_id, organ = db.execute(
            "SELECT organ_id, organ FROM memory.organ_index LIMIT 1 OFFSET ?", [rng.randrange(count)]
        ).fetchone()
        history = db.execute("SELECT year, report_id FROM organ_years WHERE organ_id = ? ORDER BY year", [organ_id])
        reports = history.fetchall()
    (year_a, a), (year_b, b) = rng.sample(reports, 2)
    name = organ[-9:]
    province = organ_id[:2] + "0000"
    ratio = rng.choice(list(reader.ratios))
    year = rng.choice(YEARS)
    return {
        "search by name": f"/?q={quote(name)}",
        "search by region": f"/?q={quote(organ_id[:6])}&region={province}",
        "organ": f"/organ/{quote(organ_id)}",
        "report": f"/report/{year_a}/{a}",
        "report csv": f"/report/{year_a}/{a}?format=csv",
        "ranking national": f"/rankings?measure={ratio}&year={year}&min=10",
        "ranking province": f"/rankings?measure={ratio}&year={year}&min=10&province={province}",
        "compare": f"/compare?a={year_a}/{a}&b={year_b}/{b}",
    }


def measure(data: Path, rounds: int, seed: int) -> tuple[dict[str, list[tuple[float, float]]], int]:
    """Every page's timings (the first run cold) and the number of reports in the warehouse."""
    settings = Settings.resolve(data)
    start = time.perf_counter()
    app = create_app(settings)
    opened = (time.perf_counter() - start) * 1000
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    rng = random.Random(seed)
    with app.state.reader.cursor() as db:
        (reports,) = db.execute("SELECT count(*) FROM reports").fetchone()
    timings: dict[str, list[tuple[float, float]]] = {"open (catalog + organ index)": [(opened, opened)]}
    try:
        for _ in range(rounds):
            for name, path in pages(app.state.reader, rng).items():
                timings.setdefault(name, []).append(_get(base + path))
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    return timings, reports


def report(scale: float, reports: int, timings: dict[str, list[tuple[float, float]]]) -> bool:
    load = os.getloadavg()[0]
    print(f"\n{reports:,} reports; load average {load:.1f} on {os.cpu_count()} cores (queueing inflates wall times)")
    print(f"  {'page':<30} {'cold':>7} {'median':>7} {'p90':>7} {'best':>7} {'cpu med':>8}   target ≤ {TARGET_MS} ms")
    met = True
    for name, runs in timings.items():
        if len(runs) == 1:
            print(f"  {name:<30} {runs[0][0]:7.0f} ms (once, at start)")
            continue
        warm = [wall for wall, _ in runs[1:]]
        cpu = statistics.median(cpu for _, cpu in runs[1:])
        median = statistics.median(warm)
        p90 = sorted(warm)[int(0.9 * (len(warm) - 1))]
        ok = median <= TARGET_MS
        met &= ok
        verdict = "ok" if ok else ("SLOW" if cpu > TARGET_MS else "slow wall, cpu within")
        print(f"  {name:<30} {runs[0][0]:7.1f} {median:7.1f} {p90:7.1f} {min(warm):7.1f} {cpu:8.1f}   {verdict}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="1", help="fractions of 2,250,000 reports, comma-separated (default 1)")
    parser.add_argument("--rounds", type=int, default=21, help="requests of every page (the first is cold)")
    parser.add_argument("--data", type=Path, default=None, help="data directory (one scale only)")
    parser.add_argument("--reuse", action="store_true", help="use the warehouse already in --data")
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    scales = [float(s) for s in args.scale.split(",")]
    if args.data and len(scales) > 1:
        parser.error("--data takes one scale")
    met = True
    for scale in scales:
        data = args.data or Path(tempfile.mkdtemp(prefix=f"explorer-{scale}-"))
        if not args.reuse:
            seconds = build(data, scale, args.seed)
            print(f"scale {scale}: synthetic warehouse written in {seconds:.0f} s → {data}")
        timings, reports = measure(data, args.rounds, args.seed)
        met &= report(scale, reports, timings)
        if not args.keep and args.data is None:
            shutil.rmtree(data, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
