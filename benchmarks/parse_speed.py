"""Text and HTML → report speed: documents per second and ms per document (CPU time), medians of several runs.

    .venv/bin/python benchmarks/parse_speed.py [--runs 15]

Inputs: the seed texts (../shared/seeds), each seed rendered as a Word-pasted portal page with chrome (~120 KB,
replicas.render style 'hanweb') and as a TRS page (~32 KB), and the saved real page ../shared/corpus/shuyang-fgj-2023
.html (~110 KB). For HTML it times the reader alone (bytes → Document) and reader + parser (bytes → report), and in
the same run a bare grid extraction (parse, every <table>'s cells' text) with lxml.html, selectolax and
BeautifulSoup where installed, so the figures compare on this machine's load. Times are the process's CPU time
(time.process_time), which other work on a shared machine disturbs less than wall-clock time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from pipelines.document.read import read_document
from pipelines.report.parse import parse_bytes
from replicas.render import render_html

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
SHUYANG = SHARED / "corpus" / "shuyang-fgj-2023.html"


def _median_ms(function: Callable[[], object], runs: int) -> float:
    function()
    timings = []
    for _ in range(runs):
        start = time.process_time()
        function()
        timings.append((time.process_time() - start) * 1000)
    return statistics.median(timings)


def _lxml_grid(data: bytes) -> list[list[list[str]]]:
    import lxml.html

    root = lxml.html.document_fromstring(data)
    return [
        [[cell.text_content() for cell in row if cell.tag in ("td", "th")] for row in table.iter("tr")]
        for table in root.iter("table")
    ]


def _selectolax_grid(data: bytes) -> list[list[list[str]]]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(data)
    return [
        [[cell.text(deep=True) for cell in row.css("td, th")] for row in table.css("tr")] for table in tree.css("table")
    ]


def _soup_grid(data: bytes) -> list[list[list[str]]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "lxml")
    return [
        [[cell.get_text() for cell in row.find_all(["td", "th"])] for row in table.find_all("tr")]
        for table in soup.find_all("table")
    ]


def _baselines() -> dict[str, Callable[[bytes], object]]:
    baselines: dict[str, Callable[[bytes], object]] = {"lxml.html grid": _lxml_grid}
    for module, name, function in (
        ("selectolax", "selectolax grid", _selectolax_grid),
        ("bs4", "bs4+lxml grid", _soup_grid),
    ):
        try:
            __import__(module)
        except ImportError:
            continue
        baselines[name] = function
    return baselines


def _inputs() -> dict[str, list[tuple[str, bytes]]]:
    seeds = sorted(path.name.removesuffix(".expected.json") for path in SEEDS.glob("*.expected.json"))
    texts = [(f"{name}.txt", (SEEDS / f"{name}.txt").read_bytes()) for name in seeds]
    pages: dict[str, list[tuple[str, bytes]]] = {"hanweb": [], "trs": []}
    for name in seeds:
        expected = json.loads((SEEDS / f"{name}.expected.json").read_text(encoding="utf-8"))
        text = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
        for style in pages:
            pages[style].append((f"{name}.{style}.html", render_html(expected, text, style=style)))
    inputs = {"seed text": texts, "HTML hanweb+chrome": pages["hanweb"], "HTML trs+chrome": pages["trs"]}
    if SHUYANG.exists():
        inputs["HTML shuyang (real)"] = [(SHUYANG.name, SHUYANG.read_bytes())]
    return inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per measurement (median reported)")
    args = parser.parse_args()
    rows: list[tuple[str, str, float, float]] = []
    for label, documents in _inputs().items():
        size = sum(len(data) for _, data in documents) / len(documents) / 1024
        steps: dict[str, Callable[[bytes, str], object]] = {
            "reader": lambda data, source: read_document(data, source),
            "reader+parser": lambda data, source: parse_bytes(data, source),
        }
        if label.startswith("HTML"):
            steps.update({name: (lambda data, _source, f=f: f(data)) for name, f in _baselines().items()})
        for step, function in steps.items():
            total = _median_ms(
                lambda function=function, documents=documents: [function(data, source) for source, data in documents],
                args.runs,
            )
            per_document = total / len(documents)
            rows.append((f"{label} ({len(documents)} × {size:.0f} KB)", step, per_document, 1000 / per_document))
    width = max(len(row[0]) for row in rows)
    print(f"{'input':<{width}}  {'step':<16}{'ms/doc':>9}{'docs/s':>10}")
    for label, step, milliseconds, per_second in rows:
        print(f"{label:<{width}}  {step:<16}{milliseconds:>9.2f}{per_second:>10.0f}")
    print(f"(CPU time, median of {args.runs} runs; grid baselines parse and collect cell text only, no container)")


if __name__ == "__main__":
    main()
