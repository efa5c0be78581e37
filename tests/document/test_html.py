"""The HTML reader: structure as printed (spans, merged cells, nested tables, blanks), chrome ignored, encodings."""

from __future__ import annotations

import pytest

from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Paragraph, Table
from pipelines.document.read import read_document
from tests.conftest import CORPUS

CHROME_HEAD = """<html><head><meta name="ArticleTitle" content="{title}"><title>{title}_某某县人民政府</title>
<style>.nav {{ display: none; }}</style><script>var a = "<p>脚本里的文字</p>";</script></head><body>
<div class="top"><ul class="menu"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/hd/">互动交流</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; <a href="/nb/">年报</a></div>
<div class="main"><div class="side"><h3>相关报告</h3><ul>
<li><a href="/nb/2022.html">某某局2022年政府信息公开工作年度报告</a></li>
<li><a href="/nb/2021.html">某某局2021年政府信息公开工作年度报告</a></li></ul></div>
<div class="content"><h1>{title}</h1><div class="TRS_Editor">"""
CHROME_TAIL = """</div></div></div><div class="foot"><p>主办单位：某某县人民政府办公室 网站标识码：1234567890</p>
<p><a href="/about">关于我们</a> | <a href="/map">网站地图</a></p></div></body></html>"""
TITLE = "某某局2023年政府信息公开工作年度报告"


def page(body: str, title: str = TITLE) -> bytes:
    return (CHROME_HEAD.format(title=title) + body + CHROME_TAIL).encode("utf-8")


def paragraphs(document) -> list[str]:
    return [block.text for block in document.blocks if isinstance(block, Paragraph)]


def tables(document) -> list[Table]:
    return [block for block in document.blocks if isinstance(block, Table)]


def grid(table: Table) -> list[list[tuple[str, int, int, int, int]]]:
    return [[(c.text, c.location.row, c.location.col, c.rowspan, c.colspan) for c in row] for row in table.rows]


SENTENCE = "本机关严格执行《条例》，全年主动公开政府信息若干条，依申请公开工作依法办理。"
NARRATIVE = "".join(f"<p>　　第{n}段：{SENTENCE}</p>" for n in range(8))


def test_merged_cells_get_grid_positions_and_print_once() -> None:
    html = (
        NARRATIVE
        + """<table border="1">
    <tr><td colspan="3" rowspan="2">说明</td><td colspan="2">申请人</td></tr>
    <tr><td>甲</td><td>乙</td></tr>
    <tr><td rowspan="3">三、结果</td><td colspan="2">（一）公开</td><td>1</td><td>2</td></tr>
    <tr><td rowspan="2">（三）不予公开</td><td>1.秘密</td><td>0</td><td></td></tr>
    <tr><td>2.禁止</td><td>3</td><td>&nbsp;</td></tr>
    </table>"""
    )
    document = read_document(page(html), "merged.html")
    [table] = tables(document)
    assert grid(table) == [
        [("说明", 0, 0, 2, 3), ("申请人", 0, 3, 1, 2)],
        [("甲", 1, 3, 1, 1), ("乙", 1, 4, 1, 1)],
        [("三、结果", 2, 0, 3, 1), ("（一）公开", 2, 1, 1, 2), ("1", 2, 3, 1, 1), ("2", 2, 4, 1, 1)],
        [("（三）不予公开", 3, 1, 2, 1), ("1.秘密", 3, 2, 1, 1), ("0", 3, 3, 1, 1), ("", 3, 4, 1, 1)],
        [("2.禁止", 4, 2, 1, 1), ("3", 4, 3, 1, 1), ("\xa0", 4, 4, 1, 1)],
    ]
    assert table.rows[0][0].location.table == 0


def test_table_caption_is_a_paragraph_before_its_table() -> None:
    html = NARRATIVE + '<table border="1"><caption>表一 主动公开</caption><tr><td>规章</td><td>0</td></tr></table>'
    document = read_document(page(html), "caption.html")
    assert isinstance(document.blocks[-1], Table) and document.blocks[-2].text == "表一 主动公开"
    assert [cell.text for cell in document.blocks[-1].rows[0]] == ["规章", "0"]


def test_digits_split_across_word_runs_join_and_blocks_start_lines() -> None:
    html = (
        NARRATIVE
        + """<p><span style="font-family:仿宋"><font face="仿宋">统计时限为</font>20</span><span>23</span>年1月1日<br>
        至<b>2023</b>年12月31日</p><div>第一行<div>第二行</div>第三行</div>
        <table border="1"><tr><td><p><span>11</span><span>41</span></p></td>
        <td><p>尚未</p><p>审结</p></td></tr></table>"""
    )
    document = read_document(page(html), "runs.html")
    texts = paragraphs(document)
    assert "统计时限为2023年1月1日" in texts
    assert "至2023年12月31日" in texts
    assert texts[-3:] == ["第一行", "第二行", "第三行"]
    [table] = tables(document)
    assert [cell.text for cell in table.rows[0]] == ["1141", "尚未\n审结"]


def test_typed_spaces_kept_source_whitespace_collapsed() -> None:
    html = (
        NARRATIVE
        + """<p>　　一、总体情况&nbsp;&nbsp;</p><p>本年度
    共收到    申请 12 件</p><p>本年新收政府
信息公开申请</p>"""
    )
    texts = paragraphs(read_document(page(html), "spaces.html"))
    assert "　　一、总体情况\xa0\xa0" in texts
    assert "本年度共收到 申请 12 件" in texts  # a source line break between CJK characters is no space
    assert "本年新收政府信息公开申请" in texts


def test_nested_layout_tables_are_read_through() -> None:
    data_table = '<table border="1"><tr><td>行政许可</td><td>{n}</td></tr><tr><td>行政处罚</td><td>7</td></tr></table>'
    html = (
        NARRATIVE
        + '<table width="100%"><tr><td><p>二、主动公开政府信息情况</p>'
        + data_table.format(n=5)
        + "<table><tr><td>四、行政复议</td></tr></table>"
        + data_table.format(n=6)
        + "</td></tr></table>"
    )
    document = read_document(page(html), "nested.html")
    found = tables(document)
    assert [[cell.text for cell in row] for row in found[0].rows] == [["行政许可", "5"], ["行政处罚", "7"]]
    assert [table.index for table in found] == [0, 1]
    assert found[1].rows[0][1].text == "6" and found[1].rows[0][1].location.table == 1
    assert "二、主动公开政府信息情况" in paragraphs(document)
    assert "四、行政复议" in paragraphs(document)
    order = [type(block).__name__ for block in document.blocks[-4:]]
    assert order == ["Paragraph", "Table", "Paragraph", "Table"]


def test_chrome_is_ignored_and_title_read() -> None:
    html = NARRATIVE + '<table border="1"><tr><td>规章</td><td>0</td></tr><tr><td>行政许可</td><td>12</td></tr></table>'
    document = read_document(page(html), "chrome.html")
    text = "\n".join(paragraphs(document))
    for chrome in ("首页", "当前位置", "相关报告", "2022年政府信息公开", "主办单位", "网站地图", "脚本里的文字"):
        assert chrome not in text
    assert paragraphs(document)[0].startswith("　　第0段")
    assert document.title == TITLE
    assert not document.findings


def test_title_from_title_tag_when_no_meta() -> None:
    html = f"<html><head><title>{TITLE}_某某县人民政府</title></head><body><p>正文</p></body></html>"
    assert read_document(html.encode(), "t.html").title == TITLE


def test_title_is_not_the_site_logo_heading() -> None:
    html = (
        f"<html><head><title>{TITLE}_某某县人民政府</title></head><body><h1 class=logo>某某县人民政府</h1>"
        f"<div><h1>{TITLE}</h1><p>正文</p></div></body></html>"
    )
    assert read_document(html.encode(), "logo.html").title == TITLE
    only_site = "<html><head><title>某某县人民政府</title></head><body><h1>某某县人民政府</h1><p>正文</p></body></html>"
    assert read_document(only_site.encode(), "site.html").title == "某某县人民政府"


def test_hidden_blocks_and_link_lists_inside_content_dropped() -> None:
    html = (
        NARRATIVE
        + '<div style="DISPLAY: none">隐藏的文字</div><ul><li><a href="a">上一篇：某某报告</a></li>'
        + '<li><a href="b">下一篇：另一报告</a></li></ul><p>附件：<a href="x.pdf">统计表.pdf</a></p>'
    )
    texts = paragraphs(read_document(page(html), "hidden.html"))
    assert "隐藏的文字" not in "".join(texts)
    assert "上一篇：某某报告" not in texts
    assert "附件：统计表.pdf" in texts


def gbk_page(title: str = TITLE, declare: str | None = None) -> bytes:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={declare}">' if declare else ""
    body = NARRATIVE + '<table border="1"><tr><td>行政事业性收费</td><td>29458.49</td></tr></table>'
    return (f"<html><head>{meta}<title>{title}</title></head><body>" + body + "</body></html>").encode("gb18030")


def test_gbk_without_any_charset_declared() -> None:
    document = read_document(gbk_page(), "gbk.html")
    assert document.title == TITLE
    assert tables(document)[0].rows[0][0].text == "行政事业性收费"
    assert [finding.rule for finding in document.findings] == ["html.encoding_guessed"]


def test_gb2312_declared_page_with_gb18030_only_characters() -> None:
    title = "𠮷䶮镕堃2023年政府信息公开工作年度报告"  # outside GB2312 (and the first outside GBK)
    document = read_document(gbk_page(title, declare="gb2312"), "gb2312.html")
    assert document.title == title
    assert not document.findings


def test_http_header_charset_wins_over_wrong_meta() -> None:
    data = gbk_page(declare="utf-8")
    document = read_document(data, "header.html", declared_encoding="GBK")
    assert document.title == TITLE


def test_utf8_page_declared_gbk_reads_as_utf8() -> None:
    data = page(NARRATIVE).replace(b"<head>", b'<head><meta charset="gbk">')
    document = read_document(data, "mislabelled.html", declared_encoding="GB2312")
    assert document.title == TITLE
    assert [finding.rule for finding in document.findings] == ["html.encoding_mislabelled"]


def test_word_spacer_row_is_not_printed() -> None:
    html = (
        NARRATIVE
        + '<table border="1"><tr><td>行政许可</td><td>5</td></tr>'
        + '<![if !supportMisalignedColumns]><tr height=0><td width=113 style="border:none"></td>'
        + '<td width=50 style="border:none"></td></tr><![endif]></table>'
    )
    [table] = tables(read_document(page(html), "spacer.html"))
    assert [[cell.text for cell in row] for row in table.rows] == [["行政许可", "5"]]


def test_gbk_page_with_a_corrupt_byte_is_read_with_a_finding() -> None:
    data = gbk_page(declare="gbk")
    cut = data.index("行政事业性收费".encode("gb18030"))
    document = read_document(data[:cut] + b"\xff" + data[cut:], "corrupt.html")
    assert tables(document)[0].rows[0][1].text == "29458.49"
    assert [(finding.rule, finding.values["replaced"]) for finding in document.findings] == [
        ("html.encoding_damaged", 1)
    ]


def test_utf8_bom() -> None:
    data = b"\xef\xbb\xbf" + page(NARRATIVE)
    document = read_document(data, "bom.html")
    assert document.title == TITLE
    assert paragraphs(document)[0].startswith("　　第0段")


def test_page_without_text_is_a_finding_and_garbage_an_error() -> None:
    document = read_document(b"<html><body><div><img src='scan.png'></div></body></html>", "empty.html")
    assert "html.no_content" in [finding.rule for finding in document.findings]
    with pytest.raises(UnreadableDocument, match=r"blank\.html"):
        read_document(b"   ", "blank.html")


def test_saved_shuyang_page_reads_three_tables_and_the_body() -> None:
    path = CORPUS / "shuyang-fgj-2023.html"
    if not path.exists():
        pytest.skip("corpus not available")
    document = read_document(path.read_bytes(), str(path))
    assert document.title == "沭阳县发展和改革局2023年政府信息公开年度报告"
    found = tables(document)
    assert [len(table.rows) for table in found] == [14, 28, 4]
    assert [cell.text for cell in found[0].rows[3]] == ["规范性文件", "8", "0", "18"]
    total_row = found[1].rows[26]
    assert [(cell.text, cell.location.col) for cell in total_row][:3] == [("（七）总计", 1), ("26", 3), ("", 4)]
    assert found[1].rows[5][0].rowspan == 22
    assert [cell.text for cell in found[2].rows[3]] == ["0", "0", "0", "1", "1"] + ["0"] * 10
    texts = paragraphs(document)
    assert texts[0].startswith("根据《中华人民共和国政府信息公开条例》")
    assert "统计时限为2023年1月1日至2023年12月31日" in texts[0]
    assert "五、存在的主要问题及整改措施" in texts
    assert texts[-1] == "2024年1月17日"
    joined = "\n".join(texts)
    for chrome in ("采集时间", "索引号", "网站地图", "沭阳县人民政府办公室"):
        assert chrome not in joined
    assert not document.findings
