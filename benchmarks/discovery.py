"""Discovery cost per portal on the replica navigation tree (national → province → city → county, 10 portals and a
city platform): requests and bytes each portal was asked for, and the discovery process's CPU and wall time per
portal — the first (cold) run and the median of the warm ones, each a fresh ``python -m crawler.discovery`` process
(as ``govreports discover`` starts it).

    .venv/bin/python benchmarks/discovery.py [--runs 5]

The machine is small and shared: read the medians and the ratios, not single figures. The replicas answer at once;
a real portal's cost is these requests times its politeness delay.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from replicas.tree import PORTALS, serve_tree  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(start: str, out: Path, depth: int = 3) -> tuple[float, float, dict]:
    cpu, wall = _children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "crawler.discovery", start, "--out", str(out), "--local",
                           "--depth", str(depth)], capture_output=True, text=True, cwd=ROOT, check=False)
    wall, cpu = time.perf_counter() - wall, _children_cpu() - cpu
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return wall, cpu, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs in all (the first is the cold one)")
    args = parser.parse_args()
    walls, cpus, single, per_portal = [], [], [], {}
    with serve_tree() as tree:
        for run in range(args.runs):  # interleaved: the whole tree, then the top portal alone (depth 0)
            for server in tree.servers.values():
                server.clear()
            with tempfile.TemporaryDirectory() as out:
                wall, cpu, summary = run_once(tree.url("national") + "/", Path(out))
            with tempfile.TemporaryDirectory() as out:
                single.append(run_once(tree.url("national") + "/", Path(out), depth=0)[1])
            walls.append(wall)
            cpus.append(cpu)
            if run == 0:
                per_portal = {key: (len(server.log), sum(entry.size for entry in server.log))
                              for key, server in tree.servers.items()}
                first = summary
    portals = first["portals"]
    print(f"discovery of the replica tree: {portals} portals, {first['columns']} columns, "
          f"families {', '.join(first['families'])}")
    print(f"{'portal':<11} {'organ':<14} {'family':<9} {'requests':>8} {'bytes':>9}")
    for key, (requests, size) in per_portal.items():
        portal = PORTALS.get(key)
        organ = portal.organ if portal else "(city platform)"
        family = portal.family if portal and not portal.column_host else "-"
        print(f"{key:<11} {organ:<14} {family:<9} {requests:>8} {size:>9}")
    total = sum(requests for requests, _ in per_portal.values())
    print(f"requests: {total} in all, {total / portals:.1f} per portal (robots.txt, challenges and redirects included)")
    warm_cpu = statistics.median(cpus[1:]) if len(cpus) > 1 else cpus[0]
    warm_wall = statistics.median(walls[1:]) if len(walls) > 1 else walls[0]
    print(f"process CPU: cold {cpus[0]:.2f} s, warm median {warm_cpu:.2f} s "
          f"→ {1000 * warm_cpu / portals:.0f} ms per portal (interpreter and Scrapy start-up included)")
    alone = statistics.median(single[1:]) if len(single) > 1 else single[0]
    print(f"one portal alone (--depth 0): {alone:.2f} s CPU; each further portal adds "
          f"{1000 * (warm_cpu - alone) / (portals - 1):.0f} ms CPU (the marginal cost of a portal)")
    print(f"wall: cold {walls[0]:.2f} s, warm median {warm_wall:.2f} s → {warm_wall / portals:.2f} s per portal")


if __name__ == "__main__":
    main()
