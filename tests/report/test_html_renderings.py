"""Each seed rendered as a portal page (chrome, Word runs, merged-cell form layout; UTF-8 and GBK with no charset)
and as run-together text parses to exactly the values of its expected JSON."""

from __future__ import annotations

import re

import pytest

from pipelines.document.model import Paragraph, Table
from pipelines.document.read import read_document
from pipelines.report.parse import parse_bytes
from replicas.render import STYLES, read_seed_text, render_html, render_run_together_text
from tests.conftest import seed_expected, seed_names, seed_text, value_mismatches

SPLIT_DIGITS = re.compile(r"\d</font></span></span><span><span[^>]*><font[^>]*>\d")


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", seed_names())
def test_utf8_page_with_chrome_gives_the_expected_values(shared, name, style):
    expected = seed_expected(name)
    data = render_html(expected, seed_text(name), style=style)
    report = parse_bytes(data, f"{name}.{style}.html").to_json()
    assert value_mismatches(expected, report) == []


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", seed_names())
def test_gbk_page_without_charset_gives_the_expected_values(shared, name, style):
    expected = seed_expected(name)
    data = render_html(expected, seed_text(name), style=style, encoding="gbk")
    assert b"charset" not in data.lower()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    report = parse_bytes(data, f"{name}.{style}.gbk.html").to_json()
    assert value_mismatches(expected, report) == []


@pytest.mark.parametrize("name", seed_names())
def test_bare_page_without_chrome_gives_the_expected_values(shared, name):
    expected = seed_expected(name)
    data = render_html(expected, seed_text(name), style="hanweb", chrome=False)
    assert b"<nav" not in data and b'class="footer"' not in data
    report = parse_bytes(data, f"{name}.bare.html").to_json()
    assert value_mismatches(expected, report) == []


@pytest.mark.parametrize("name", seed_names())
def test_run_together_text_gives_the_expected_values(shared, name):
    expected = seed_expected(name)
    text = render_run_together_text(expected, seed_text(name))
    new_received = expected["applications"]["new_received"]
    assert "".join(str(value) for value in new_received if value is not None) in text
    report = parse_bytes(text.encode("utf-8"), f"{name}.run-together.txt").to_json()
    assert value_mismatches(expected, report) == []


@pytest.mark.parametrize("name", seed_names())
def test_reader_sees_the_report_not_the_chrome(shared, name):
    expected = seed_expected(name)
    seed = read_seed_text(seed_text(name), expected)
    data = render_html(expected, seed_text(name), style="hanweb")
    assert SPLIT_DIGITS.search(data.decode("utf-8")), "Word runs split some numbers across tags"
    document = read_document(data, name)
    assert document.title == seed.title
    tables = [block for block in document.blocks if isinstance(block, Table)]
    assert len(tables) == 3
    texts = [block.text for block in document.blocks if isinstance(block, Paragraph)]
    joined = "\n".join(texts)
    last_year = seed.title.replace(str(expected["year"]), str(expected["year"] - 1), 1)
    for chrome in ("当前位置", "打印本页", "网站地图", "主办单位", "上一篇", "发布机构", last_year):
        assert chrome not in joined, chrome
    assert len(texts) == len(seed.before) + len(seed.after) + 3
    results = next(cell for row in tables[1].rows for cell in row if cell.rowspan > 10)
    assert results.location.col == 0
