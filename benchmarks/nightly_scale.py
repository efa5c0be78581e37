"""The nightly path at scale: K replica columns, each on a host of its own, crawled night after night.

    .venv/bin/python benchmarks/nightly_scale.py [--k 10 100 1000] [--history 10] [--history-k 100]

Each column (replicas/sites/column.py) is served on its own loopback address (127.0.x.y), 2 list pages of 20 items
(3 of them reports), pages with ETag and Last-Modified: 42 fetches a column on night 1. For each K, interleaved:

  crawl        ``python -m crawler.run`` (what ``govreports crawl`` runs): night 1 (empty archive), night 2 (nothing
               changed)
  lists only   the same columns with items not followed: the cost of fetching the list pages with nothing to
               download, what night 2 is held against (target ≤ 1.1×)
  dagster      ``python -m dagster_project nightly --crawl-only`` on its own data directory: the registry sync, the
               ``nightly_crawl`` schedule evaluated as the daemon does, each shard run executed on the sqlite instance
               (night 1, night 2); Dagster's overhead is its CPU minus the crawl's, per source (target ≤ 20 ms), and
               its storage growth per night

Every figure is a child process's own (``os.wait4``: user + system CPU of it and its children, peak RSS). Then
``--history`` nights of one K (``--history-k``) through the crawl: night 2 against the last night, so that cost is
seen not to grow with the number of nights before. Last, the extrapolation to 15,000 sources. The machine is
shared and noisy: modes are interleaved, the figures are single runs (medians over ``--repeat`` when asked).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from replicas.server import ReplicaFleet
from replicas.sites.column import ColumnSite, write_sources

ROOT = Path(__file__).resolve().parents[1]
TARGET_SOURCES = 15_000


def run(command: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """A child's wall time, CPU (its own and its waited children's) and peak RSS; its last stdout line as JSON."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        lines = out.read().decode("utf-8", "replace").strip().splitlines()
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")[-2000:]
    try:
        result = json.loads(lines[-1]) if lines else None
    except ValueError:
        result = None
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "code": child.returncode, "result": result, "stderr": tail}


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def crawl(sources: Path, data: Path) -> dict[str, Any]:
    figures = run([sys.executable, "-m", "crawler.run", "--sources", str(sources), "--data", str(data),
                   "--log-level", "ERROR"])
    summary = figures["result"] or {}
    records = summary.get("sources", [])
    figures["responses"] = sum(record.get("responses", 0) for record in records)
    figures["failed"] = summary.get("failed_sources", [])
    figures["statuses"] = sorted({record["status"] for record in records})
    return figures


def dagster_night(sources: Path, data: Path) -> dict[str, Any]:
    summary_file = data / "nightly.json"
    data.mkdir(parents=True, exist_ok=True)
    before = du(data / "dagster")
    figures = run([sys.executable, "-m", "dagster_project", "--data", str(data), "--sources", str(sources),
                   "nightly", "--crawl-only", "--summary", str(summary_file)])
    figures["storage_added"] = du(data / "dagster") - before
    summary = json.loads(summary_file.read_text(encoding="utf-8")) if summary_file.exists() else {}
    figures["runs"] = len(summary.get("crawl_runs", []))
    figures["sources"] = len(summary.get("sources", []))
    figures["failed"] = summary.get("failed_sources", [])
    return figures


def lists_only(sources: Path, target: Path) -> Path:
    """The same sources with items not followed (a list selector that matches nothing): list pages only."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sources.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["hints"] = {"list_selector": "a.govreports-no-item"}
        (target / path.name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def one_k(k: int, work: Path, dagster: bool) -> dict[str, Any]:
    sites = [ColumnSite(index) for index in range(k)]
    with ReplicaFleet(sites) as fleet:
        sources = work / f"k{k}" / "sources"
        write_sources(sources, fleet.endpoints)
        listed = lists_only(sources, work / f"k{k}" / "lists")
        figures: dict[str, Any] = {"k": k}
        figures["crawl_1"] = crawl(sources, work / f"k{k}" / "crawl")
        if dagster:
            figures["dagster_1"] = dagster_night(sources, work / f"k{k}" / "dagster")
        figures["lists_only"] = crawl(listed, work / f"k{k}" / "lists-data")
        figures["crawl_2"] = crawl(sources, work / f"k{k}" / "crawl")
        if dagster:
            figures["dagster_2"] = dagster_night(sources, work / f"k{k}" / "dagster")
        figures["lists_only_2"] = crawl(listed, work / f"k{k}" / "lists-data")
    return figures


def history(k: int, nights: int, work: Path) -> list[dict[str, Any]]:
    sites = [ColumnSite(index) for index in range(k)]
    with ReplicaFleet(sites) as fleet:
        sources = work / f"history{k}" / "sources"
        write_sources(sources, fleet.endpoints)
        listed = lists_only(sources, work / f"history{k}" / "lists")
        results = []
        for night in range(1, nights + 1):
            figures = crawl(sources, work / f"history{k}" / "data")
            baseline = crawl(listed, work / f"history{k}" / "lists-data")
            results.append({"night": night, "cpu": figures["cpu"], "lists_cpu": baseline["cpu"],
                            "wall": figures["wall"], "responses": figures["responses"]})
            print(f"  history K={k} night {night}: crawl {figures['cpu']:.2f} s CPU, lists only "
                  f"{baseline['cpu']:.2f} s, ratio {figures['cpu'] / baseline['cpu']:.2f}", flush=True)
    return results


def report(rows: list[dict[str, Any]], startup: float, dagster: bool) -> None:
    print(f"\nstart-up of a crawl process (one idle column): {startup:.2f} s CPU")
    head = f"{'K':>5} {'mode':<11} {'wall s':>7} {'CPU s':>7} {'RSS MB':>7} {'ms CPU/src':>10} {'responses':>9}"
    print(head)
    for row in rows:
        k = row["k"]
        for mode in ("crawl_1", "crawl_2", "lists_only", "dagster_1", "dagster_2"):
            if mode not in row:
                continue
            figures = row[mode]
            print(f"{k:>5} {mode:<11} {figures['wall']:>7.1f} {figures['cpu']:>7.2f} {figures['rss_mb']:>7.0f} "
                  f"{1000 * figures['cpu'] / k:>10.1f} {figures.get('responses', ''):>9}"
                  + (f"  FAILED {figures['failed'][:3]}" if figures.get("failed") else ""))
    print()
    for row in rows:
        k = row["k"]
        night1, night2 = row["crawl_1"], row["crawl_2"]
        lists = statistics.median([row["lists_only"]["cpu"], row["lists_only_2"]["cpu"]])
        per_response = 1000 * (night1["cpu"] - startup) / max(1, night1["responses"])
        print(f"K={k}: crawl CPU per response incl. archive {per_response:.2f} ms (night 1, start-up removed); "
              f"night 2 / lists only {night2['cpu'] / lists:.2f}× (target ≤ 1.1); night 2 / night 1 "
              f"{night2['cpu'] / night1['cpu']:.2f}×")
        if dagster:
            for night in (1, 2):
                overhead = row[f"dagster_{night}"]["cpu"] - row[f"crawl_{night}"]["cpu"]
                print(f"      Dagster night {night}: {row[f'dagster_{night}']['runs']} run(s), overhead "
                      f"{overhead:.2f} s CPU = {1000 * overhead / k:.1f} ms per source (target ≤ 20), storage added "
                      f"{row[f'dagster_{night}']['storage_added'] / 1024:.0f} KB "
                      f"({row[f'dagster_{night}']['storage_added'] / k / 1024:.1f} KB per source)")
    if len(rows) >= 2:
        small, large = rows[-2], rows[-1]
        marginal = (large["crawl_2"]["cpu"] - small["crawl_2"]["cpu"]) / (large["k"] - small["k"])
        marginal1 = (large["crawl_1"]["cpu"] - small["crawl_1"]["cpu"]) / (large["k"] - small["k"])
        print(f"\nmarginal crawl CPU per source (K {small['k']}→{large['k']}): night 1 {1000 * marginal1:.0f} ms, "
              f"night 2 {1000 * marginal:.0f} ms")
        lines = [f"extrapolated to {TARGET_SOURCES:,} sources: crawl night 1 {marginal1 * TARGET_SOURCES / 3600:.2f} "
                 f"core-hours, night 2 {marginal * TARGET_SOURCES / 3600:.2f} core-hours"]
        if dagster:
            d_marginal = ((large["dagster_2"]["cpu"] - large["crawl_2"]["cpu"])
                          - (small["dagster_2"]["cpu"] - small["crawl_2"]["cpu"])) / (large["k"] - small["k"])
            storage = large["dagster_2"]["storage_added"] / large["k"]
            lines.append(f"Dagster: {1000 * d_marginal:.1f} ms marginal CPU per source → "
                         f"{d_marginal * TARGET_SOURCES / 60:.1f} CPU-minutes a night, storage "
                         f"{storage * TARGET_SOURCES / 2**20:.0f} MB a night")
        print("; ".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--history", type=int, default=10, help="nights of the history test (0: skip)")
    parser.add_argument("--history-k", type=int, default=100)
    parser.add_argument("--no-dagster", action="store_true")
    parser.add_argument("--work", type=Path, default=None, help="keep the data here (default: a temporary folder)")
    args = parser.parse_args()
    dagster = not args.no_dagster
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
        with ReplicaFleet([ColumnSite(0, pages=1, report_years=())]) as idle:
            sources = lists_only(write_sources(work / "idle" / "all", idle.endpoints)[0].parent, work / "idle" / "s")
            startup = statistics.median(crawl(sources, work / "idle" / f"data{i}")["cpu"] for i in range(3))
        rows = []
        for k in args.k:
            print(f"K={k} …", flush=True)
            rows.append(one_k(k, work, dagster))
            report(rows, startup, dagster)
        if args.history:
            print(f"\n{args.history} nights of K={args.history_k} through the crawl:", flush=True)
            nights = history(args.history_k, args.history, work)
            second, last = nights[1], nights[-1]
            print(f"night 2: {second['cpu']:.2f} s CPU ({second['cpu'] / second['lists_cpu']:.2f}× lists only); "
                  f"night {last['night']}: {last['cpu']:.2f} s ({last['cpu'] / last['lists_cpu']:.2f}× lists only); "
                  f"night {last['night']} / night 2: {last['cpu'] / second['cpu']:.2f}×")
        print(json.dumps({"startup_cpu": startup, "rows": [
            {key: ({k: v for k, v in value.items() if k not in ("result", "stderr")} if isinstance(value, dict) else
                   value) for key, value in row.items()} for row in rows]}, default=str))


if __name__ == "__main__":
    main()
