"""HTML and text → report speed: the HTML reader against bare grid extraction, cold (first parse in a fresh
process) and warm, with the ratio to bare lxml; then reader + parser throughput.

    .venv/bin/python benchmarks/parse_speed.py [--rounds 5] [--runs 15]

Inputs: each seed (../shared/seeds) rendered as a Word-pasted portal page with chrome in both replica styles
(hanweb ~120 KB, trs ~32 KB), UTF-8 and GBK without a charset, and the saved real page
../shared/corpus/shuyang-fgj-2023.html. Contenders on the same bytes: our HTML reader (bytes → Document: decoding,
title, content container, paragraphs and tables with spans and grid positions), and a bare grid extraction with
lxml, selectolax (lexbor) and BeautifulSoup(lxml): the same work with nothing the reader adds — decode (UTF-8,
else GB18030, the least that reads these pages right), parse, every table's cells with their text, rowspan and
colspan, and the page's text. Neither a strawman (without decoding the GBK pages it would read them wrong) nor a
superset (no chrome, lines, hidden blocks or grid positions). The baseline, "lxml grid", is the fastest such
extraction with lxml found: etree's parser and each cell's text from the C serializer; "lxml.html grid" is the
same with lxml.html as its documentation shows it (text_content() per cell, an XPath evaluation each: slower).

Cold, two ways. Fresh process: every measurement is a new Python process that imports the contender and collects
and freezes the objects the imports made (not timed: a library is imported once per worker, not per document;
without the freeze, a collection falling due during the call walks what the imports left in the young
generations: 1.1 ms for ~4,000 objects in the reader's process, on the pages whose allocations make one fall due),
reads the page and times its first call — the first
document a parsing process meets. Caches cleared: in this process, before each timed call the garbage is
collected and the CPU caches are flushed (64 MiB written, twice the L3 of this machine) and the page is a fresh
copy — a document a long-running worker parses for the first time. Both run interleaved (round by round, page by
page, contenders in a rotating order) so the machine's load falls on all alike. Warm: the median of repeated calls
on the same page. Times are CPU time (time.process_time), which other work on a shared machine disturbs less than
wall-clock time; medians.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SHUYANG = SHARED / "corpus" / "shuyang-fgj-2023.html"
BASELINE = "lxml grid"
TARGET = 1.3


def _reader(data: bytes) -> object:
    from pipelines.document.html import read

    return read(data, "page.html", "0" * 64)


def _decoded(data: bytes) -> str:
    """The least decoding that reads every page here right: UTF-8, else GB18030 (the GBK pages declare nothing)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


Grid = tuple[list[list[list[tuple[str, str | None, str | None]]]], str]
"""Every table's rows of (cell text, rowspan, colspan), and the page's text."""


def _lxml_grid(data: bytes) -> Grid:
    """The fastest bare extraction with lxml found: etree's HTML parser (no lxml.html element classes) and each
    cell's text from the C serializer (lxml.html's text_content() evaluates an XPath per cell: 2× the cost)."""
    from lxml import etree

    root = etree.HTML(_decoded(data))
    tables = [
        [
            [
                (etree.tostring(cell, method="text", encoding=str, with_tail=False), cell.get("rowspan"),
                 cell.get("colspan"))
                for cell in row
                if cell.tag in ("td", "th")
            ]
            for row in table.iter("tr")
        ]
        for table in root.iter("table")
    ]  # fmt: skip
    body = root.find("body")
    return tables, etree.tostring(root if body is None else body, method="text", encoding=str, with_tail=False)


def _lxml_html_grid(data: bytes) -> Grid:
    """The same with lxml.html as its documentation shows it: text_content() of every cell."""
    import lxml.html

    root = lxml.html.document_fromstring(_decoded(data))
    tables = [
        [
            [
                (cell.text_content(), cell.get("rowspan"), cell.get("colspan"))
                for cell in row
                if cell.tag in ("td", "th")
            ]
            for row in table.iter("tr")
        ]
        for table in root.iter("table")
    ]
    body = root.find("body")
    return tables, (root if body is None else body).text_content()


def _selectolax_grid(data: bytes) -> Grid:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_decoded(data))
    tables = [
        [
            [(cell.text(deep=True), cell.attrs.get("rowspan"), cell.attrs.get("colspan")) for cell in row.css("td, th")]
            for row in table.css("tr")
        ]
        for table in tree.css("table")
    ]
    return tables, (tree.body or tree.root).text(deep=True)


def _soup_grid(data: bytes) -> Grid:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decoded(data), "lxml")
    tables = [
        [
            [(cell.get_text(), cell.get("rowspan"), cell.get("colspan")) for cell in row.find_all(["td", "th"])]
            for row in table.find_all("tr")
        ]
        for table in soup.find_all("table")
    ]
    return tables, (soup.body or soup).get_text()


def _reader_and_parser(data: bytes) -> object:
    from pipelines.report.parse import parse_bytes

    return parse_bytes(data, "page.html")


CONTENDERS: dict[str, tuple[Callable[[bytes], object], tuple[str, ...]]] = {
    "html reader": (_reader, ("pipelines.document.html",)),
    BASELINE: (_lxml_grid, ("lxml.etree", "encodings.gb18030")),
    "lxml.html grid": (_lxml_html_grid, ("lxml.html", "encodings.gb18030")),
    "selectolax grid": (_selectolax_grid, ("selectolax.lexbor", "encodings.gb18030")),
    "bs4+lxml grid": (_soup_grid, ("bs4", "lxml", "encodings.gb18030")),
    "reader+parser": (_reader_and_parser, ("pipelines.report.parse", "pipelines.document.html")),
}
"""Each contender and the modules its process imports before the clock starts."""


def _available() -> list[str]:
    names = []
    for name, (_, modules) in CONTENDERS.items():
        try:
            for module in modules:
                __import__(module)
        except ImportError:
            continue
        names.append(name)
    return names


def seed_pages() -> dict[str, bytes]:
    """Each seed as portal pages: both replica styles, UTF-8 and GBK without a charset (``000.trs.gbk``)."""
    from replicas.render import STYLES, render_html

    pages: dict[str, bytes] = {}
    for expected_path in sorted(SEEDS.glob("*.expected.json")):
        name = expected_path.name.removesuffix(".expected.json")
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        text = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
        for style in STYLES:
            for encoding in ("utf-8", "gbk"):
                pages[f"{name[:3]}.{style}.{encoding}"] = render_html(expected, text, style=style, encoding=encoding)
    return pages


def _pages() -> dict[str, bytes]:
    pages = seed_pages()
    if SHUYANG.exists():
        pages["shuyang (real)"] = SHUYANG.read_bytes()
    return pages


def _interleaved(pages: dict[str, bytes], contenders: list[str], rounds: int) -> Iterator[tuple[str, bytes, str]]:
    """(page, bytes, contender) round by round, page by page, the contenders in a rotating order."""
    turn = 0
    for _ in range(rounds):
        for page, data in pages.items():
            shift = turn % len(contenders)
            turn += 1
            for contender in contenders[shift:] + contenders[:shift]:
                yield page, data, contender


def _cold_child(contender: str, path: str) -> None:
    """In a fresh process: import, read the page, time the first call; print CPU and wall milliseconds."""
    function, modules = CONTENDERS[contender]
    for module in modules:
        __import__(module)
    gc.collect()
    gc.freeze()  # the objects the imports made are import cost: no collection during the call walks them
    data = Path(path).read_bytes()
    start, start_cpu = time.perf_counter(), time.process_time()
    function(data)
    cpu, wall = (time.process_time() - start_cpu) * 1000, (time.perf_counter() - start) * 1000
    print(json.dumps({"cpu": cpu, "wall": wall}))


def _cold(pages: dict[str, bytes], contenders: list[str], rounds: int) -> dict[str, dict[str, list[float]]]:
    """page → contender → first-call CPU ms, one fresh process each, interleaved."""
    found: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    with tempfile.TemporaryDirectory() as directory:
        paths = {}
        for index, (page, data) in enumerate(pages.items()):
            paths[page] = Path(directory) / f"{index}.html"
            paths[page].write_bytes(data)
        for page, _, contender in _interleaved(pages, contenders, rounds):
            command = [sys.executable, __file__, "--cold-child", contender, str(paths[page])]
            run = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
            found[page][contender].append(json.loads(run.stdout.splitlines()[-1])["cpu"])
    return found


_FLUSH = bytearray(64 << 20)


def _flush_caches() -> None:
    """Write a buffer twice the size of the last-level cache, so the next call finds none of its data cached."""
    _FLUSH[:] = b"\x01" * len(_FLUSH) if _FLUSH[0] == 0 else bytes(len(_FLUSH))


def _cache_cleared(pages: dict[str, bytes], contenders: list[str], rounds: int) -> dict[str, dict[str, float]]:
    """page → contender → median CPU ms of one call each after flushing the caches, interleaved."""
    timings: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for name in contenders:  # the code paths run once, as in a worker that has parsed before
        CONTENDERS[name][0](next(iter(pages.values())))
    for page, data, contender in _interleaved(pages, contenders, rounds):
        fresh = bytes(bytearray(data))
        gc.collect()  # the garbage of the previous call is not this one's to collect
        _flush_caches()
        start = time.process_time()
        CONTENDERS[contender][0](fresh)
        timings[page][contender].append((time.process_time() - start) * 1000)
    return {page: {c: statistics.median(t) for c, t in by.items()} for page, by in timings.items()}


def _warm(pages: dict[str, bytes], contenders: list[str], runs: int) -> dict[str, dict[str, float]]:
    """page → contender → median CPU ms of ``runs`` calls after a first one, interleaved call by call."""
    timings: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for page, data in pages.items():
        for contender in contenders:
            CONTENDERS[contender][0](data)
        for _ in range(runs):
            for contender in contenders:
                start = time.process_time()
                CONTENDERS[contender][0](data)
                timings[page][contender].append((time.process_time() - start) * 1000)
    return {page: {c: statistics.median(t) for c, t in by.items()} for page, by in timings.items()}


def _table(title: str, figures: dict[str, dict[str, float]], contenders: list[str], sizes: dict[str, int]) -> None:
    print(f"\n{title}")
    header = f"{'page':<22}{'KB':>5}" + "".join(f"{c:>17}" for c in contenders) + f"{'reader/lxml':>13}"
    print(header)
    ratios = []
    for page, by in figures.items():
        ratio = by["html reader"] / by[BASELINE]
        ratios.append(ratio)
        cells = "".join(f"{by[c]:>14.2f} ms" for c in contenders)
        print(f"{page:<22}{sizes[page] // 1024:>5}{cells}{ratio:>12.2f}×")
    medians = {c: statistics.median(by[c] for by in figures.values()) for c in contenders}
    print(f"{'median of pages':<27}" + "".join(f"{medians[c]:>14.2f} ms" for c in contenders), end="")
    print(f"{statistics.median(ratios):>12.2f}×")
    others = ", ".join(f"{c} {medians[c] / medians[BASELINE]:.2f}×" for c in contenders if c != BASELINE)
    print(f"ratio to bare lxml (median page): {others}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="fresh processes per (page, contender), cold")
    parser.add_argument("--runs", type=int, default=15, help="timed calls per (page, contender), warm")
    parser.add_argument("--pages", type=int, default=None, help="only the first N pages (a quick look)")
    parser.add_argument("--contenders", default=None, help="comma-separated subset (the reader and lxml always run)")
    parser.add_argument("--modes", default="fresh,cleared,warm", help="comma-separated: fresh, cleared, warm")
    parser.add_argument("--cold-child", nargs=2, metavar=("CONTENDER", "PAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        _cold_child(*args.cold_child)
        return
    pages = dict(list(_pages().items())[: args.pages])
    sizes = {page: len(data) for page, data in pages.items()}
    contenders = _available()
    if args.contenders:
        chosen = {"html reader", BASELINE, *args.contenders.split(",")}
        contenders = [name for name in contenders if name in chosen]
    modes = args.modes.split(",")
    cold: dict[str, dict[str, dict[str, float]]] = {}
    if "fresh" in modes:
        fresh = _cold(pages, contenders, args.rounds)
        cold["fresh process"] = {page: {c: statistics.median(t) for c, t in by.items()} for page, by in fresh.items()}
        _table(f"Cold: first call in a fresh process (CPU ms, median of {args.rounds} processes)",
               cold["fresh process"], contenders, sizes)  # fmt: skip
    if "cleared" in modes:
        cold["caches cleared"] = _cache_cleared(pages, contenders, args.rounds)
        _table(f"Cold: caches cleared before each call (CPU ms, median of {args.rounds})", cold["caches cleared"],
               contenders, sizes)  # fmt: skip
    if "warm" in modes:
        _table(f"Warm: repeated calls in one process (CPU ms, median of {args.runs})",
               _warm(pages, contenders, args.runs), contenders, sizes)  # fmt: skip
    print()
    for label, figures in cold.items():
        reader = statistics.median(by["html reader"] / by[BASELINE] for by in figures.values())
        verdict = "meets" if reader <= TARGET else "misses"
        print(f"HTML reader cold ({label}), median page: {reader:.2f}× bare lxml ({verdict} the ≤ {TARGET}× target)")
        styles = sorted({page.split(".")[1] for page in figures if page.count(".") == 2})
        for style in styles:  # the median page hides how each kind of page fares: say it
            ratios = [by["html reader"] / by[BASELINE] for page, by in figures.items() if f".{style}." in page]
            print(f"    {style} pages: median {statistics.median(ratios):.2f}×, {min(ratios):.2f}–{max(ratios):.2f}×")
        if "lxml.html grid" in contenders:
            idiomatic = statistics.median(by["html reader"] / by["lxml.html grid"] for by in figures.values())
            print(f"    to lxml.html's text_content() grid instead: {idiomatic:.2f}× (median page)")


if __name__ == "__main__":
    main()
