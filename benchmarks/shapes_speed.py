"""Parse cost per shape of report text: the seeds rendered into every shape of tests/report/shapes.py, parsed.

    .venv/bin/python benchmarks/shapes_speed.py [--runs 7]

Prints, per shape, the median CPU ms per document over the ten materials (five seeds and their 2019-form
variants), warm (after one parse of each), interleaved shape by shape in every run so machine load hits all alike;
the first parse of a document in a fresh process (cold: caches empty, the form loaded), for a few shapes; how the
cost of a one-line page dump grows with the length of its narrative (1×, 10×, 100×), which must stay linear; and
the worst case of the digit splitter (long runs), which must stay bounded.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.report.parse import parse_bytes  # noqa: E402
from pipelines.report.split import split_summed  # noqa: E402
from tests.report.shapes import SHAPES, materials  # noqa: E402

COLD = """
import sys, time
sys.path.insert(0, {root!r})
from pipelines.report.parse import parse_bytes
data = open({path!r}, "rb").read()
start = time.process_time()
parse_bytes(data, "cold.txt")
print((time.process_time() - start) * 1000)
"""


def _ms(function) -> float:
    start = time.process_time()
    function()
    return (time.process_time() - start) * 1000


def warm(runs: int) -> dict[str, float]:
    docs = {name: [shape(m).data for m in materials()] for name, shape in SHAPES.items()}
    docs["seed text"] = [m.text.encode("utf-8") for m in materials() if not m.name.endswith("-2019")]
    for batch in docs.values():
        for data in batch:
            parse_bytes(data, "warm.txt")
    timings: dict[str, list[float]] = {name: [] for name in docs}
    for _ in range(runs):
        for name, batch in docs.items():
            timings[name].append(_ms(lambda batch=batch: [parse_bytes(d, "warm.txt") for d in batch]) / len(batch))
    return {name: statistics.median(values) for name, values in timings.items()}


def cold(shapes: list[str], tmp: Path) -> dict[str, float]:
    out = {}
    material = materials()[0]
    for name in shapes:
        path = tmp / f"{name}.txt"
        path.write_bytes(SHAPES[name](material).data if name in SHAPES else material.text.encode("utf-8"))
        code = COLD.format(root=str(ROOT), path=str(path))
        runs = [
            float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout) for _ in range(3)
        ]
        out[name] = statistics.median(runs)
    return out


def growth(runs: int) -> list[tuple[int, int, float]]:
    material = materials()[0]
    dump = SHAPES["page_innertext"](material).text
    narrative = " ".join(material.seed.before)
    out = []
    for factor in (1, 10, 100):
        text = (narrative + " ") * (factor - 1) + dump
        data = text.encode("utf-8")
        parse_bytes(data, "grown.txt")
        timings = [_ms(lambda data=data: parse_bytes(data, "grown.txt")) for _ in range(runs)]
        out.append((factor, len(text), statistics.median(timings)))
    return out


def splitter() -> list[tuple[str, float, int]]:
    out = []
    for digits, blocks, parts in (("1234567890" * 6, 1, 7), ("9" * 62, 1, 7), ("1234567890" * 4 + "12345", 3, 5)):
        start = time.process_time()
        split = split_summed(digits, blocks, parts)
        out.append(
            (f"{len(digits)} digits as {blocks}×{parts}", (time.process_time() - start) * 1000, len(split.candidates))
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"{'shape':24} {'warm ms/doc':>12}")
    for name, ms in sorted(warm(args.runs).items(), key=lambda item: item[1]):
        print(f"{name:24} {ms:12.2f}")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print(f"\n{'shape':24} {'cold ms (first parse in a fresh process)':>12}")
        for name, ms in cold(["seed text", "hook_dump", "page_innertext", "ocr_markdown"], Path(tmp)).items():
            print(f"{name:24} {ms:12.2f}")
    print(f"\n{'page dump × narrative':24} {'characters':>10} {'ms':>8}")
    for factor, size, ms in growth(args.runs):
        print(f"{factor:>24}× {size:10} {ms:8.2f}")
    print(f"\n{'digit splitter worst cases':32} {'ms':>8} {'readings':>9}")
    for name, ms, count in splitter():
        print(f"{name:32} {ms:8.2f} {count:9}")
    print("\n(CPU time; medians; warm = after one parse of each document; the machine is shared, so compare ratios)")


if __name__ == "__main__":
    main()
