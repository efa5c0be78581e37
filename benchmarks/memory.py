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
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "memory"
MB = 1024 * 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

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


# Inputs ----------------------------------------------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx(body: bytes) -> bytes:
    document = f'<w:document xmlns:w="{W}"><w:body>'.encode() + body + b"</w:body></w:document>"
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": document})


def docx_60mb_of_xml() -> bytes:
    """Issue 15: 155 KB of DOCX, 60 MB of XML (1.76 million one-digit paragraphs)."""
    paragraph = b"<w:p><w:r><w:t>1</w:t></w:r></w:p>"
    return _docx(paragraph * (60_000_000 // len(paragraph)))


def docx_one_huge_paragraph() -> bytes:
    """One paragraph of 5.4 million empty runs: no block limit helps, only the XML element limit."""
    return _docx(b"<w:p>" + b"<w:r></w:r>" * 5_400_000 + b"</w:p>")


def docx_within_limits() -> bytes:
    """90,000 paragraphs of 40 characters and a 3,000-cell table: just inside every limit."""
    text = "本年度共收到政府信息公开申请一百二十件，全部按期答复办结完毕。".encode()
    paragraph = b"<w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p>"
    cell = b"<w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc>"
    table = b"<w:tbl>" + (b"<w:tr>" + cell * 10 + b"</w:tr>") * 300 + b"</w:tbl>"
    return _docx(paragraph * 90_000 + table)


def _sheet(rows: int, cols: int, dimension: str | None = None) -> bytes:
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c + 1) for c in range(cols)]
    parts = ['<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
             f'<dimension ref="{dimension or f"A1:{letters[-1]}{rows}"}"/><sheetData>']
    for r in range(1, rows + 1):
        parts.append(f'<row r="{r}">' + "".join(f'<c r="{letters[c]}{r}"><v>{r * c}</v></c>' for c in range(cols))
                     + "</row>")
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode()


def _xlsx(sheet: bytes) -> bytes:
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return _zip({
        "[Content_Types].xml": (
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (f'<?xml version="1.0"?><Relationships xmlns="{package}"><Relationship Id="rId1" '
                        f'Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                            f'2006/main" xmlns:r="{office}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
                            '</sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (f'<?xml version="1.0"?><Relationships xmlns="{package}"><Relationship '
                                       f'Id="rId1" Type="{office}/worksheet" Target="worksheets/sheet1.xml"/>'
                                       "</Relationships>").encode(),
        "xl/worksheets/sheet1.xml": sheet,
    })


def xlsx_million_cells() -> bytes:
    """Issue 15: a 5.6 MB XLSX of a million cells, its dimension declaring them."""
    return _xlsx(_sheet(50_000, 20))


def xlsx_million_cells_lying_dimension() -> bytes:
    """The same cells behind a dimension that claims one cell."""
    return _xlsx(_sheet(50_000, 20, dimension="A1:A1"))


def xlsx_within_limits() -> bytes:
    """190,000 cells: just inside the cell limit."""
    return _xlsx(_sheet(19_000, 10))


def html_24mb_of_text() -> bytes:
    """A page at the HTML size limit, all paragraphs."""
    text = "<p>" + "本年度共收到政府信息公开申请，全部按期答复。" * 20 + "</p>\n"
    return ("<html><head><meta charset='utf-8'></head><body>" + text * (24 * MB // len(text.encode()) - 1)
            + "</body></html>").encode()


def html_199000_cells() -> bytes:
    """A page with a table just inside the cell limit."""
    rows = "".join("<tr>" + "".join(f"<td>{r * c}</td>" for c in range(10)) + "</tr>" for r in range(19_900))
    return f"<html><head><meta charset='utf-8'></head><body><table>{rows}</table></body></html>".encode()


def html_million_cells() -> bytes:
    """A page of a million table cells (refused by counting them in the bytes)."""
    rows = "<tr>" + "<td>1</td>" * 10 + "</tr>"
    return f"<html><body><table>{rows * 100_000}</table></body></html>".encode()


def mht_16mb() -> bytes:
    """A Word 'single file web page' wrapping 16 MB of HTML in base64 (22 MB: inside the HTML size limit)."""
    import base64

    html = html_24mb_of_text()[: 16 * MB] + b"</body></html>"
    return (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n"
            b"Content-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(html) + b"\r\n--b--\r\n")


def text_8mb() -> bytes:
    """A text file at the text size limit (80,000 lines of table rows)."""
    line = "本年度共收到政府信息公开申请 12 件，全部按期答复，其中依申请公开 8 件。\t12\t0\t3\t5\t7\t9\n"
    return (line * (8 * MB // len(line.encode()) - 1)).encode()


def pdf_400_pages() -> bytes:
    """400 pages (the page limit), each a ruled table of 30 rows by 6 columns."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for number in range(400):
        for row in range(30):
            y = 780 - row * 24
            for col in range(6):
                x = 40 + col * 85
                page.rect(x, y, 85, 24)
                page.drawString(x + 4, y + 8, f"{number * row + col}")
        page.showPage()
    page.save()
    return buffer.getvalue()


def ofd_100000_glyphs() -> bytes:
    """One OFD page with 100,000 characters placed (the per-page limit), in 10,000 text objects."""
    ns = "http://www.ofdspec.org/2016"
    objects = "".join(
        f'<ofd:TextObject ID="{i}" Boundary="10 {10 + i % 250} 190 5" Size="3.5"><ofd:TextCode X="0" Y="3" '
        f'DeltaX="g 9 3.5">一二三四五六七八九十</ofd:TextCode></ofd:TextObject>' for i in range(10_000)
    )
    content = (f'<ofd:Page xmlns:ofd="{ns}"><ofd:Content><ofd:Layer ID="1">{objects}</ofd:Layer></ofd:Content>'
               "</ofd:Page>")
    return _zip({
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{ns}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
                   "</ofd:DocBody></ofd:OFD>".encode(),
        "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{ns}"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>'
                              "0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page "
                              'ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>'.encode(),
        "Doc_0/Pages/Page_0/Content.xml": content.encode(),
    })


READER_CASES: dict[str, Callable[[], bytes]] = {
    "docx-60mb-of-xml": docx_60mb_of_xml,
    "docx-one-huge-paragraph": docx_one_huge_paragraph,
    "docx-within-limits": docx_within_limits,
    "xlsx-million-cells": xlsx_million_cells,
    "xlsx-million-cells-lying-dimension": xlsx_million_cells_lying_dimension,
    "xlsx-within-limits": xlsx_within_limits,
    "html-24mb-of-text": html_24mb_of_text,
    "html-199000-cells": html_199000_cells,
    "html-million-cells": html_million_cells,
    "mht-16mb": mht_16mb,
    "text-8mb": text_8mb,
    "pdf-400-pages": pdf_400_pages,
    "ofd-100000-glyphs": ofd_100000_glyphs,
}
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

    sys.path.insert(0, str(ROOT))
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
