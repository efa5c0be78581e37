"""Hostile documents (issue 15 case 7 and more): each is refused by its reader at a limit, in bounded memory, with
the file and the limit named — and in a build it becomes that document's failed report with the reason as a
finding, while the good documents beside it are parsed.

The memory figures for every reader at its limits are in benchmarks/memory.py; the slow test here prints the
peaks of the issue's own cases and holds them to the target (≤ 300 MB).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import memory
from pipelines.document.errors import UnreadableDocument
from pipelines.document.limits import MAX_BLOCKS, MAX_BYTES, MAX_CELLS
from pipelines.document.model import Table
from pipelines.document.read import read_document
from tests.faults.conftest import ROOT, govreports, seed_files
from tests.faults.hostile_documents import docx, sheet, xlsx

TARGET_MB = 300


def test_a_spreadsheet_is_refused_by_its_declared_size_before_a_row_is_read() -> None:
    with pytest.raises(UnreadableDocument, match=r"big\.xlsx: sheet 'S' declares 1,000,000 cells"):
        read_document(xlsx(sheet(100, 10, dimension="A1:T50000")), "big.xlsx")


def test_a_merged_range_past_the_sheet_covers_only_the_sheet() -> None:
    """A merge of A1:XFD1048576 once meant 17 billion covered cells to list."""
    merged = sheet(3, 3).replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                                  b'<mergeCell ref="A1:XFD1048576"/></mergeCells>')
    document = read_document(xlsx(merged), "merged.xlsx")
    cells = [cell for block in document.blocks if isinstance(block, Table) for row in block.rows for cell in row]
    paragraphs = [block for block in document.blocks if not isinstance(block, Table)]
    assert len(cells) + len(paragraphs) == 1  # one cell spanning the sheet


def test_html_and_text_are_refused_by_counting_before_parsing() -> None:
    with pytest.raises(UnreadableDocument, match=rf"cells\.html: more than {MAX_CELLS:,} table cells"):
        read_document(b"<html><body><table><tr>" + b"<td>1</td>" * (MAX_CELLS + 1) + b"</tr></table></body></html>",
                      "cells.html")
    with pytest.raises(UnreadableDocument, match=rf"lines\.txt: more than {MAX_BLOCKS:,} lines"):
        read_document("年度报告 1 2 3\n".encode() * (MAX_BLOCKS + 1), "lines.txt")
    with pytest.raises(UnreadableDocument, match=r"huge\.txt: .* bytes, more than"):
        read_document(b"a" * (MAX_BYTES["text"] + 1), "huge.txt")


@pytest.mark.slow
def test_a_docx_of_one_endless_paragraph_is_refused() -> None:
    with pytest.raises(UnreadableDocument, match=r"endless\.docx: more than 1,000,000 XML elements"):
        read_document(docx(b"<w:p>" + b"<w:r/>" * 1_000_001 + b"</w:p>"), "endless.docx")


def test_hostile_documents_become_failed_reports_and_the_good_ones_land(tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for seed in seed_files()[:2]:
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "huge-dimension.xlsx").write_bytes(xlsx(sheet(10, 10, dimension="A1:Z99999")))
    (folder / "cells.html").write_bytes(b"<html><body><table><tr>" + b"<td>1</td>" * (MAX_CELLS + 1)
                                        + b"</tr></table></body></html>")
    (folder / "broken.docx").write_bytes(docx(b"<w:p><w:r><w:t>unclosed")[:-30])
    data = tmp_path / "data"
    assert govreports(data, "ingest", str(folder)).code == 0
    built = govreports(data, "build")
    built.assert_message_only()
    assert built.code == 0, built.stderr
    ran = govreports(data, "sql", "SELECT r.status, f.rule, f.message FROM reports r LEFT JOIN findings f "
                     "ON f.report_id = r.report_id AND f.stage IN ('build', 'read') ORDER BY r.source", "--json")
    rows = [json.loads(line) for line in ran.stdout.splitlines()]
    failed = {row["message"].split(": ")[0].rsplit("/", 1)[-1]: row["message"]
              for row in rows if row["status"] != "parsed"}
    assert set(failed) == {"huge-dimension.xlsx", "cells.html", "broken.docx"}, rows
    assert "declares" in failed["huge-dimension.xlsx"] and "table cells" in failed["cells.html"]
    assert sum(row["status"] == "parsed" for row in rows) == 2


@pytest.mark.slow
@pytest.mark.parametrize("case", ["docx-60mb-of-xml", "docx-one-huge-paragraph", "xlsx-million-cells",
                                  "xlsx-million-cells-lying-dimension", "html-million-cells"])
def test_issue_cases_are_refused_within_the_memory_target(case: str) -> None:
    mb, outcome, seconds = memory.read_case(case, ROOT)
    print(f"{case}: peak {mb:.0f} MB, {seconds:.1f} s, {outcome}")
    assert outcome.startswith("refused") and mb <= TARGET_MB, (mb, outcome)


@pytest.mark.slow
def test_the_crawl_of_a_190_mb_response_stays_within_400_mb() -> None:
    mb, outcome, seconds = memory.crawl_case("big", ROOT)
    print(f"crawl of a 190 MB response: peak {mb:.0f} MB, {seconds:.1f} s, {outcome}")
    assert mb <= 400, (mb, outcome)


