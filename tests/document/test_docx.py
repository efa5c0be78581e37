"""The DOCX reader: merged cells printed once (gridSpan → colspan, vMerge → rowspan), paragraphs in order with
tables, text boxes read once, nested layout tables read through."""

from __future__ import annotations

import io

import docx as python_docx

from pipelines.document.model import Paragraph, Table
from pipelines.document.read import read_document


def word_file() -> bytes:
    """A small report-like document written with python-docx: the 三、本年度办理结果 group as a vertical merge."""
    document = python_docx.Document()
    document.add_paragraph("某某局2023年政府信息公开工作年度报告")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=4, cols=4)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "一、本年新收政府信息公开申请数量"
    table.cell(1, 0).merge(table.cell(3, 0)).text = "三、本年度办理结果"
    printed = [("", "3"), ("（一）予以公开", "2"), ("（二）部分公开", "1"), ("（七）总计", "3")]
    for row, (label, value) in enumerate(printed):
        if row:
            table.cell(row, 1).text = label
        table.cell(row, 2).text = value
        table.cell(row, 3).text = value
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_merged_cells_are_printed_once_with_their_spans():
    document = read_document(word_file(), "small.docx")
    kinds = [type(block).__name__ for block in document.blocks]
    assert kinds == ["Paragraph", "Paragraph", "Table", "Paragraph"]
    table = next(block for block in document.blocks if isinstance(block, Table))
    assert [[cell.text for cell in row] for row in table.rows] == [
        ["一、本年新收政府信息公开申请数量", "3", "3"],
        ["三、本年度办理结果", "（一）予以公开", "2", "2"],
        ["（二）部分公开", "1", "1"],
        ["（七）总计", "3", "3"],
    ]
    first, group = table.rows[0][0], table.rows[1][0]
    assert (first.colspan, first.rowspan, group.colspan, group.rowspan) == (2, 1, 1, 3)
    assert [cell.location.col for cell in table.rows[2]] == [1, 2, 3]


def test_paragraph_text_and_order():
    document = read_document(word_file(), "small.docx")
    paragraphs = [block.text for block in document.blocks if isinstance(block, Paragraph)]
    assert paragraphs[0] == "某某局2023年政府信息公开工作年度报告"
    assert document.media_type.endswith("wordprocessingml.document")
