"""Peak memory for large inputs: every reader at (and past) its limits, and the crawl of a 190 MB response and of a
list page of 100,000 links. Targets: ≤ 300 MB for any single document within the limits, ≤ 400 MB for the crawl.

    .venv/bin/python benchmarks/memory.py                    the whole table
    .venv/bin/python benchmarks/memory.py --only docx        cases whose name contains "docx"
    .venv/bin/python benchmarks/memory.py --against ../main  the same cases on another checkout's code, beside

Each case runs in a fresh process and reports its own high-water mark of resident memory (VmHWM, read as it
exits); the inputs are made once into benchmarks/out/memory/. The first line is a process that only imports the
readers: a reader's own cost is its peak less that. Peaks barely depend on the machine's load; seconds do (this
machine is shared: read them as rough).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.faults import hostile_documents  # noqa: E402 - the hostile material lives with the fault tests

OUT = ROOT / "benchmarks" / "out" / "memory"
MB = 1024 * 1024

READ = """
import json, sys, time
from pipelines.document.read import read_document
from pipelines.document.errors import UnreadableDocument
path = sys.argv[1]
data = open(path, "rb").read() if path != "-" else None
started = time.perf_counter()
outcome = "imports only"
if data is not None:
    try:
        document = read_document(data, path.rsplit("/", 1)[-1])
        outcome = f"read: {len(document.blocks)} blocks"
    except UnreadableDocument as error:
        outcome = "refused: " + error.reason
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - started}))
"""
PEAK_AT_EXIT = """
import atexit, os, runpy, sys
def peak():
    with open(f"/proc/{os.getpid()}/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["GOVREPORTS_PEAK_FILE"], "w") as out:
        out.write(kb)
atexit.register(peak)
target = sys.argv.pop(1)
sys.argv[0] = target
if target.endswith(".py"):
    runpy.run_path(target, run_name="__main__")
else:
    runpy.run_module(target, run_name="__main__", alter_sys=True)
"""
"""Runs a module or script (``python -c PEAK_AT_EXIT crawler.run ARGS``) and writes its peak resident memory (VmHWM,
kB) to GOVREPORTS_PEAK_FILE at exit. ru_maxrss will not do: Linux carries the parent's high-water mark across fork and
exec, so every child would report at least the benchmark's own peak."""


READER_CASES = hostile_documents.CASES
SUFFIX = {"docx": "docx", "xlsx": "xlsx", "html": "html", "mht": "mht", "text": "txt", "pdf": "pdf", "ofd": "ofd"}


def made(name: str) -> Path:
    path = OUT / f"{name}.{SUFFIX[name.split('-')[0]]}"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_bytes(READER_CASES[name]())
    return path


# Measuring -------------------------------------------------------------------------------------------------------


def peak(target: str, arguments: list[str], code: Path) -> tuple[float, str, int]:
    """Run a module (or a script's path) with ``code`` first on the path; its peak RSS in MB, stdout, exit status."""
    import tempfile

    with tempfile.NamedTemporaryFile(prefix="govreports-peak-") as peak_file:
        env = {**os.environ, "PYTHONPATH": str(code), "GOVREPORTS_PEAK_FILE": peak_file.name}
        done = subprocess.run([sys.executable, "-c", PEAK_AT_EXIT, target, *arguments], cwd=code, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        kb = Path(peak_file.name).read_text().strip()
    return (int(kb) / 1024 if kb else float("nan")), done.stdout, done.returncode


def read_case(name: str | None, code: Path) -> tuple[float, str, float]:
    path = str(made(name)) if name else "-"
    script = OUT / "read_one.py"
    OUT.mkdir(parents=True, exist_ok=True)
    script.write_text(READ, encoding="utf-8")
    mb, output, _ = peak(str(script), [path], code)
    try:
        result = json.loads(output.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return mb, f"crashed: {output.strip()[-80:]}", 0.0
    return mb, result["outcome"], result["seconds"]


def crawl_case(kind: str, code: Path) -> tuple[float, str, float]:
    """Crawl the hostile portal serving one 190 MB PDF, or one list page of 100,000 links."""
    import shutil
    import tempfile

    from tests.faults.hostile_portal import Hostile, HostilePortal, source_yaml

    seed = next((ROOT.parent / "shared" / "seeds").glob("*.txt")).read_bytes()
    config = Hostile(report_text=seed, bombs=False, slow=False,
                     big_bytes=190 * MB if kind == "big" else 0, links=100_000 if kind == "links" else 0)
    folder = Path(tempfile.mkdtemp(prefix="govreports-memory-"))
    try:
        with HostilePortal(config) as portal:
            source_yaml(portal, folder / "sources")
            arguments = ["--sources", str(folder / "sources"), "--data", str(folder / "data"), "--log-level",
                         "ERROR", "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
            started = time.perf_counter()
            mb, output, status = peak("crawler.run", arguments, code)
            seconds = time.perf_counter() - started
        summary = json.loads(output.strip().splitlines()[-1]) if output.strip() else None
        if summary is None:
            return mb, f"exit {status}, no summary", seconds
        [health] = summary["sources"]
        outcome = f"{health['status']}: {health['pages_fetched']} responses, errors {health['errors'] or '-'}"
        return mb, outcome, seconds
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    parser.add_argument("--against", type=Path, help="another checkout (e.g. ../main): its code measured beside")
    args = parser.parse_args()
    codes = [("this", ROOT)] + ([("against", args.against.resolve())] if args.against else [])
    cases: list[tuple[str, Callable[[Path], tuple[float, str, float]]]] = [
        ("imports only", lambda code: read_case(None, code)),
        *((name, lambda code, name=name: read_case(name, code)) for name in READER_CASES),
        ("crawl-190mb-response", lambda code: crawl_case("big", code)),
        ("crawl-100000-link-list-page", lambda code: crawl_case("links", code)),
    ]
    print(f"{'case':38} {'input':>9} {'code':8} {'peak MB':>8} {'s':>6}  outcome")
    for name, run in cases:
        if args.only and args.only not in name:
            continue
        size = made(name).stat().st_size / MB if name in READER_CASES else 0
        for label, code in codes:
            mb, outcome, seconds = run(code)
            print(f"{name:38} {size:8.1f}M {label:8} {mb:8.0f} {seconds:6.1f}  {outcome[:110]}", flush=True)


if __name__ == "__main__":
    main()
