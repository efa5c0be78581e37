"""PDF → report speed: ms per page for the whole parse (reader + parser, all three tables) beside a pdfplumber
`extract_tables()` baseline on the same files in the same run, medians of several runs, and how far the cells agree.

    .venv/bin/python benchmarks/pdf_speed.py [PDF ...]      (default: every PDF in ../shared/corpus)

Agreement: every non-empty cell text (whitespace removed) pdfplumber finds in a table, per page, looked up among
our cells on that page; the rest are either part of a cell we joined across a page break ('（四）无' + '法提供')
or narrative we read as paragraphs (pdfplumber takes text boxes framed by rectangles for tables).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import pdfplumber

from pipelines.document.model import Paragraph
from pipelines.document.read import read_document
from pipelines.report.parse import parse_bytes

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _median_ms(function, runs: int) -> tuple[float, float]:
    """Median wall and median CPU milliseconds of ``runs`` calls (CPU time shows less of other processes' load)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def _plumber_tables(path: Path) -> list[list[list[list[str | None]]]]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_tables() for page in pdf.pages]


def _squash(text: str) -> str:
    return "".join(text.split())


def _agreement(path: Path, data: bytes) -> tuple[int, int, int, int]:
    """(same, joined, text, total): pdfplumber's non-empty table cells that are one of our cells on that page; that
    are part of a cell we joined across a page break; that we read as paragraphs (pdfplumber takes a framed text
    box for a table); and how many it found."""
    theirs: dict[int, Counter[str]] = {}
    for number, tables in enumerate(_plumber_tables(path), start=1):
        theirs[number] = Counter(_squash(cell) for table in tables for row in table for cell in row if cell)
    ours: dict[int, Counter[str]] = {}
    joined: list[str] = []
    paragraphs: set[str] = set()
    for block in read_document(data, str(path)).blocks:
        if isinstance(block, Paragraph):
            paragraphs.add(_squash(block.text))
            continue
        for row in block.rows:
            for cell in row:
                if cell.text.strip() and cell.location.page:
                    ours.setdefault(cell.location.page, Counter())[_squash(cell.text)] += 1
                    joined.append(_squash(cell.text))
    same = joined_parts = text = 0
    for page, counter in theirs.items():
        matched = counter & ours.get(page, Counter())
        same += sum(matched.values())
        for cell, count in (counter - matched).items():
            if cell in paragraphs:
                text += count
            elif any(cell in other and cell != other for other in joined):
                joined_parts += count
    return same, joined_parts, text, sum(sum(counter.values()) for counter in theirs.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its font warnings are not ours to print
    paths = args.pdfs or sorted(CORPUS.glob("*.pdf"))
    if not paths:
        print("no PDF to measure", file=sys.stderr)
        return 2
    total_pages = 0
    totals = [0.0, 0.0, 0.0, 0.0]  # ours wall, ours CPU, pdfplumber wall, pdfplumber CPU
    print(f"{'file':36} {'pages':>5}  ms/page ours wall/CPU  pdfplumber wall/CPU  ratio(CPU)  cells agree")
    for path in paths:
        data = path.read_bytes()
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        parse_bytes(data, str(path))  # warm-up: imports, form model, PDFium
        ours = _median_ms(lambda data=data, path=path: parse_bytes(data, str(path)), args.runs)
        theirs = _median_ms(lambda path=path: _plumber_tables(path), max(3, args.runs // 2))
        same, joined, text, cells = _agreement(path, data)
        total_pages += pages
        for index, value in enumerate((*ours, *theirs)):
            totals[index] += value
        label = f"{path.parent.name}/{path.name}"
        print(
            f"{label:36} {pages:5d}  {ours[0] / pages:9.2f} /{ours[1] / pages:6.2f}  {theirs[0] / pages:10.2f} /"
            f"{theirs[1] / pages:7.2f}  {theirs[1] / ours[1]:9.1f}×  "
            f"{same:4d}/{cells:<4d} (+{joined} joined, {text} text)"
        )
    print(
        f"{'all':36} {total_pages:5d}  {totals[0] / total_pages:9.2f} /{totals[1] / total_pages:6.2f}  "
        f"{totals[2] / total_pages:10.2f} /{totals[3] / total_pages:7.2f}  {totals[3] / totals[1]:9.1f}×"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
