"""The table builder shared by PDF and OFD, on pages built from glyphs and rules: continuation tables under a
running head, header rows printed again on the next page, framed paragraphs that are no table."""

from __future__ import annotations

from pipelines.document.layout import Glyph, PageContent, Rule, build_blocks
from pipelines.document.model import Paragraph, Table

SIZE = 10.0


def text(x: float, y: float, value: str) -> list[Glyph]:
    return [Glyph(char, x + i * SIZE, y, x + (i + 1) * SIZE, y + SIZE) for i, char in enumerate(value)]


def ruled(rows: list[list[str]], top: float, widths=(200.0, 80.0, 80.0), left: float = 50.0):
    """Glyphs and rules of a table with one line per row, row height 20."""
    glyphs: list[Glyph] = []
    edges = [left]
    for width in widths:
        edges.append(edges[-1] + width)
    rules = [Rule(x, top, x, top + 20 * len(rows)) for x in edges]
    for r, row in enumerate(rows):
        y = top + 20 * r
        rules.append(Rule(edges[0], y, edges[-1], y))
        for c, value in enumerate(row):
            glyphs += text(edges[c] + 2, y + 5, value)
    rules.append(Rule(edges[0], top + 20 * len(rows), edges[-1], top + 20 * len(rows)))
    return glyphs, rules


def test_continuation_under_a_running_head_with_its_header_printed_again():
    header = ["信息内容", "件数", "数量"]
    glyphs1, rules1 = ruled([header, ["规章", "1", "2"]], top=600)
    glyphs2, rules2 = ruled([header, ["行政规范性文件", "3", "4"]], top=100)
    head = text(50, 40, "某某局年度报告")
    pages = [
        PageContent(1, 595, 842, [*text(50, 500, "二、主动公开政府信息情况"), *glyphs1], rules1),
        PageContent(2, 595, 842, [*head, *glyphs2], rules2),
    ]
    findings: list = []
    blocks = build_blocks(pages, findings, "made.pdf")
    tables = [block for block in blocks if isinstance(block, Table)]
    assert len(tables) == 1
    rows = [[cell.text for cell in row] for row in tables[0].rows]
    assert rows == [header, ["规章", "1", "2"], ["行政规范性文件", "3", "4"]]
    assert [cell.location.page for cell in tables[0].rows[-1]] == [2, 2, 2]
    assert "某某局年度报告" in [block.text for block in blocks if isinstance(block, Paragraph)]
    assert any("1 header rows printed again" in finding.message for finding in findings)


def test_a_framed_paragraph_is_text_not_a_table():
    frame = [Rule(40, 90, 500, 90), Rule(40, 130, 500, 130), Rule(40, 90, 40, 130), Rule(500, 90, 500, 130)]
    page = PageContent(1, 595, 842, text(50, 100, "如对本报告有疑问请联系"), frame)
    blocks = build_blocks([page], [], "framed.pdf")
    assert [type(block).__name__ for block in blocks] == ["Paragraph"]
    assert blocks[0].text == "如对本报告有疑问请联系"


def test_page_numbers_in_the_footer_are_dropped():
    page = PageContent(1, 595, 842, [*text(50, 100, "正文"), *text(280, 800, "— 4 —")], [])
    assert [block.text for block in build_blocks([page], [], "p.pdf")] == ["正文"]


def test_page_number_inside_a_table_that_runs_into_the_footer_band_is_dropped():
    glyphs, rules = ruled([["规章", "1", "2"], ["", "", ""]], top=760)  # the last row reaches y 800
    page = PageContent(1, 595, 842, [*glyphs, *text(262, 785, "- 4 -")], rules)
    (table,) = build_blocks([page], [], "p.pdf")
    assert [[cell.text for cell in row] for row in table.rows] == [["规章", "1", "2"], ["", "", ""]]
