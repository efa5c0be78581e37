"""Parse cost per shape of report text: the seeds rendered into every shape of tests/report/shapes.py, parsed.

    .venv/bin/python benchmarks/shapes_speed.py [--runs 7] [--cold-rounds 9] [--against REF ...]

Prints, per shape, the median CPU ms per document over the ten materials (five seeds and their 2019-form
variants), warm (after one parse of each), interleaved shape by shape in every run so machine load hits all alike;
the cost of a fresh process (cold: importing the parser from compiled bytecode, as a deployed one does, then its
first parse — the form read, caches empty — and a second parse), for a few shapes, interleaved round by round with
the same measured in the trees of the git refs given (``--against main`` or a commit: each checked out with ``git
archive`` into a temporary directory), medians and ratios; how the cost of a one-line page dump grows with the
length of its narrative (1×, 10×, 100×), which must stay linear; and the worst case of the digit splitter (long
runs), which must stay bounded.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.report.parse import parse_bytes  # noqa: E402
from pipelines.report.split import split_summed  # noqa: E402
from replicas.render import render_html  # noqa: E402
from tests.report.shapes import SHAPES, materials  # noqa: E402

COLD = """
import json, sys, time
sys.path.insert(0, {root!r})
start = time.process_time()
from pipelines.report.parse import parse_bytes
imported = time.process_time()
data = open({path!r}, "rb").read()
name = {path!r}.rsplit("/", 1)[-1]
parse_bytes(data, name)
first = time.process_time()
parse_bytes(data, "again-" + name)
second = time.process_time()
print(json.dumps({{"import": imported - start, "first": first - imported, "second": second - first}}))
"""
COLD_SHAPES = ("seed text", "portal html", "hook_dump", "page_innertext", "ocr_markdown")


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


def _tree(ref: str, tmp: Path) -> Path:
    """The tree of a git ref, checked out into ``tmp`` (git archive: the working tree is not touched)."""
    target = tmp / ref.replace("/", "_")
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def cold(refs: list[str], rounds: int, tmp: Path) -> dict[str, dict[str, dict[str, float]]]:
    """tree → shape → {import, first, second} median CPU ms in a fresh process, trees and shapes interleaved."""
    material = materials()[0]
    documents = {}
    for name in COLD_SHAPES:
        if name == "portal html":  # the seed as its portal publishes it (what parse_speed.py's cold cost reads)
            data, suffix = render_html(material.expected, material.text, style="trs"), "html"
        elif name in SHAPES:
            data, suffix = SHAPES[name](material).data, "txt"
        else:
            data, suffix = material.text.encode("utf-8"), "txt"
        path = tmp / f"{name.replace(' ', '_')}.{suffix}"
        path.write_bytes(data)
        documents[name] = path
    trees = {"this tree": ROOT, **{ref: _tree(ref, tmp) for ref in refs}}
    # A deployed parser imports compiled bytecode: let the processes write it, and write it once before timing.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    for root in trees.values():
        code = COLD.format(root=str(root), path=str(next(iter(documents.values()))))
        subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, env=env)
    samples: dict[str, dict[str, dict[str, list[float]]]] = {
        tree: {name: {"import": [], "first": [], "second": []} for name in documents} for tree in trees
    }
    for _ in range(rounds):
        for name, path in documents.items():
            for tree, root in trees.items():
                code = COLD.format(root=str(root), path=str(path))
                run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
                out = run.stdout
                for step, seconds in json.loads(out).items():
                    samples[tree][name][step].append(seconds * 1000)
    return {
        tree: {
            name: {step: statistics.median(values) for step, values in steps.items()} for name, steps in shapes.items()
        }
        for tree, shapes in samples.items()
    }


def _print_cold(results: dict[str, dict[str, dict[str, float]]]) -> None:
    print(f"\n{'fresh process (CPU ms, medians)':36} {'import':>8} {'1st parse':>10} {'2nd parse':>10}  ratio 1st")
    base = results["this tree"]
    for tree, shapes in results.items():
        for name, steps in shapes.items():
            ratio = steps["first"] / base[name]["first"]
            print(
                f"{tree[:18] + ': ' + name:36} {steps['import']:8.1f} {steps['first']:10.1f} {steps['second']:10.1f}"
                f"  {ratio:5.2f}×"
            )


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
    parser.add_argument("--cold-rounds", type=int, default=9, help="fresh processes per tree and shape")
    parser.add_argument("--against", nargs="*", default=[], help="git refs whose trees the cold cost is compared with")
    args = parser.parse_args()
    print(f"{'shape':24} {'warm ms/doc':>12}")
    for name, ms in sorted(warm(args.runs).items(), key=lambda item: item[1]):
        print(f"{name:24} {ms:12.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        _print_cold(cold(args.against, args.cold_rounds, Path(tmp)))
    print(f"\n{'page dump × narrative':24} {'characters':>10} {'ms':>8}")
    for factor, size, ms in growth(args.runs):
        print(f"{factor:>24}× {size:10} {ms:8.2f}")
    print(f"\n{'digit splitter worst cases':32} {'ms':>8} {'readings':>9}")
    for name, ms, count in splitter():
        print(f"{name:32} {ms:8.2f} {count:9}")
    print("\n(CPU time; medians; warm = after one parse of each document; the machine is shared, so compare ratios)")


if __name__ == "__main__":
    main()
