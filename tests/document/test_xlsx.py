"""The spreadsheet readers: merged ranges printed once with their spans, numbers as a reader sees them (no
'.0'), blanks kept blank, lone full-width rows as paragraphs, and broken workbooks named in the error."""

from __future__ import annotations

import io

import openpyxl
import pytest

from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Paragraph, Table
from pipelines.document.read import read_document


def workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某某局2023年政府信息公开工作年度报告", None, None, None])
    sheet.merge_cells("A1:D1")
    sheet.append(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])
    sheet.append(["规章", 0, 0, 11.0])
    sheet.append(["行政事业性收费", 96171.6, None, None])
    sheet.merge_cells("B4:D4")
    sheet.append(["三、本年度办理结果", "（一）予以公开", 4, None])
    sheet.append([None, "（七）总计", 4, None])
    sheet.merge_cells("A5:A6")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_sheet_rows_merges_and_values():
    document = read_document(workbook(), "book.xlsx")
    title, table = document.blocks
    assert isinstance(title, Paragraph) and title.text == "某某局2023年政府信息公开工作年度报告"
    assert isinstance(table, Table)
    rows = [[cell.text for cell in row] for row in table.rows]
    assert rows[1] == ["规章", "0", "0", "11"]
    assert rows[2] == ["行政事业性收费", "96171.6"] and table.rows[2][1].colspan == 3
    assert rows[3] == ["三、本年度办理结果", "（一）予以公开", "4"] and table.rows[3][0].rowspan == 2
    assert rows[4] == ["（七）总计", "4"]


@pytest.mark.parametrize("data", [b"PK\x03\x04" + b"\0" * 200])
def test_broken_workbook_is_unreadable(data):
    with pytest.raises(UnreadableDocument):
        read_document(data, "broken.xlsx")


def test_workbook_without_its_parts_is_unreadable():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
    with pytest.raises(UnreadableDocument, match=r"broken\.xlsx"):
        read_document(buffer.getvalue(), "broken.xlsx")
