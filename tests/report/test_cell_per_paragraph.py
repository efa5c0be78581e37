"""Pages that print the tables as one paragraph per cell (a copy-paste from Word into a portal editor).

Made from the seeds: every printed cell of every table row becomes its own <p>, the narrative stays as it is.
The row structure is gone; the parser joins the numbers back to the label line above them.
"""

from __future__ import annotations

import html

import pytest

from pipelines.document.model import Paragraph
from pipelines.document.read import read_document
from pipelines.report.parse import parse_bytes
from tests.conftest import seed_expected, seed_names, seed_text, value_mismatches


def paragraph_per_cell(text: str) -> bytes:
    document = read_document(text.encode("utf-8"), "seed")
    lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend(cell.text for row in block.rows for cell in row if cell.text.strip())
    body = "\n".join(f"<p>{html.escape(line.strip())}</p>" for line in lines)
    return f"<html><head><meta charset='utf-8'><title>报告</title></head><body>{body}</body></html>".encode()


@pytest.mark.parametrize("name", seed_names())
def test_tables_printed_one_paragraph_per_cell(shared, name):
    report = parse_bytes(paragraph_per_cell(seed_text(name)), f"{name}.html").to_json()
    assert value_mismatches(seed_expected(name), report) == []
