"""OCR engines compared on the same pages: cells exact per engine and CPU per page at 200 dpi (target ≤ 3 s).

    .venv/bin/python benchmarks/ocr_engines.py [--engines rapidocr,tesseract] [--seeds 5] [--renderings DIR]

The pages are the seeds as LibreOffice prints them (tests/document/samples.py), scanned by tests/ocr/scans.py:
clean at 200 dpi, and aged (200 dpi, skewed -1.5°, a red seal over part 三, speckle, JPEG quality 60). Each
scan is parsed whole (reader, OCR, table builder, parser, the arithmetic checker) with each engine in turn, the
engine order alternating per document, nothing cached. CPU is the process's plus its children's (Tesseract runs
as a program). Cold: loading an engine (its models) once per process; warm: CPU per page after that.

Cells: of the form's cells the seed prints, how many come out exact, how many are left blank with a finding
naming them (the checker doubting a reading), and how many are wrong without one (never acceptable).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.document.ocr.engine import ENGINE_ENV, load_engine
from pipelines.report.parse import parse_bytes
from tests.conftest import seed_expected, seed_names
from tests.document import samples
from tests.ocr import scans
from tests.ocr.expect import outcomes

AGEINGS = {"clean": scans.Ageing(200), "aged": scans.Ageing(200, skew=-1.5, seal=True, speckle=0.002, jpeg=60)}


def cpu() -> float:
    """CPU seconds of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def cells(expected: dict, got: dict) -> tuple[int, int, int]:
    """(exact, blank and named, wrong) over the cells the seed prints."""
    counts = Counter(outcomes(expected, got).values())
    return counts["exact"], counts["blank"], counts["wrong"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--seeds", type=int, default=len(seed_names()))
    parser.add_argument("--renderings", type=Path, help="folder for the seed renderings (kept, reused)")
    arguments = parser.parse_args()
    engines = arguments.engines.split(",")
    os.environ["GOVREPORTS_OCR_CACHE"] = "off"
    folder = arguments.renderings or Path(tempfile.mkdtemp(prefix="ocr-bench-"))
    pdfs = {path.stem: path for path in (folder / "pdf").glob("*.pdf")} if (folder / "pdf").is_dir() else {}
    if not pdfs:
        print(f"rendering the seeds with LibreOffice into {folder} …", flush=True)
        pdfs = samples.make_all(folder)["pdf"]
    names = seed_names()[: arguments.seeds]
    documents = []
    for name in names:
        for label, ageing in AGEINGS.items():
            pages = scans.scanned(pdfs[name], ageing)
            documents.append((name, label, len(pages), scans.image_pdf(pages, ageing.dpi)))
    loads = {}
    for engine in engines:  # cold: the engine's construction (models read), once per process
        start = cpu()
        load_engine(engine)
        loads[engine] = cpu() - start
    per_page: dict[str, list[float]] = {engine: [] for engine in engines}
    tally: dict[str, dict[str, list[int]]] = {engine: {label: [0, 0, 0] for label in AGEINGS} for engine in engines}
    identity: dict[str, int] = dict.fromkeys(engines, 0)
    for index, (name, label, pages, data) in enumerate(documents):
        order = engines if index % 2 == 0 else engines[::-1]
        for engine in order:
            os.environ[ENGINE_ENV] = engine
            start, wall = cpu(), time.perf_counter()
            report = parse_bytes(data, f"{name}-{label}.pdf").to_json()
            spent = cpu() - start
            per_page[engine].append(spent / pages)
            exact, blank, wrong = cells(seed_expected(name), report)
            for slot, count in enumerate((exact, blank, wrong)):
                tally[engine][label][slot] += count
            identity[engine] += report["agency"] == seed_expected(name)["agency"]
            print(
                f"  {engine:10} {name[:3]} {label:5} {pages} pages  CPU {spent / pages:5.2f} s/page  "
                f"wall {(time.perf_counter() - wall) / pages:5.2f} s/page  exact {exact} blank {blank} wrong {wrong}",
                flush=True,
            )
    print(f"\n{len(documents)} documents, {sum(d[2] for d in documents)} pages each engine, 200 dpi, cache off")
    print(f"{'engine':10} {'load s':>7} {'CPU s/page median':>18} {'p90':>6}  cells exact / blank+named / wrong")
    for engine in engines:
        costs = sorted(per_page[engine])
        p90 = costs[min(len(costs) - 1, round(0.9 * (len(costs) - 1)))]
        parts = "; ".join(f"{label} {e}/{b}/{w}" for label, (e, b, w) in tally[engine].items())
        print(
            f"{engine:10} {loads[engine]:7.2f} {statistics.median(costs):18.2f} {p90:6.2f}  {parts}; "
            f"organ named right in {identity[engine]}/{len(documents)}"
        )
    if len(engines) == 2:
        a, b = engines
        ratio = statistics.median(per_page[b]) / statistics.median(per_page[a])
        print(f"CPU per page, {b} / {a}: {ratio:.2f}×")


if __name__ == "__main__":
    main()
