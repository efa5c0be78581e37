"""Printed cells → values, and printed labels → form rows, on the variants real reports print."""

from __future__ import annotations

import pytest

from pipelines.report.align import align, segments
from pipelines.report.cells import read_cell
from pipelines.report.form import load_form
from pipelines.report.normalize import bare, fold


@pytest.mark.parametrize(
    ("raw", "kind", "value", "unit", "note"),
    [
        ("", "null", None, None, None),
        ("/", "null", None, None, None),
        ("-", "null", None, None, None),
        ("—", "null", None, None, None),
        ("无", "null", None, None, None),
        ("不适用", "null", None, None, None),
        ("0", "number", 0, None, None),
        ("\u3000\u30000", "number", 0, None, None),
        ("\xa0\u30000", "number", 0, None, None),
        ("１２３", "number", 123, None, None),
        ("1,553,053", "number", 1553053, None, None),
        ("29458.49", "number", 29458.49, None, None),
        ("12829.5518", "number", 12829.5518, None, None),
        ("86400元", "number", 86400, "元", None),
        ("15（其中修订3件）", "number", 15, None, "(其中修订3件)"),
        ("1.属于国家秘密", "text", None, None, None),
        ("(一)", "text", None, None, None),
    ],
)
def test_cells_read_as_printed(raw, kind, value, unit, note):
    cell = read_cell(raw)
    assert (cell.kind, cell.value, cell.unit, cell.note) == (kind, value, unit, note)
    if value is not None:
        assert type(cell.value) is type(value)


def test_a_blank_is_never_zero():
    assert read_cell("").value is None and read_cell("0").value == 0


def test_radicals_fold_to_their_characters():
    kangxi = "⼀、本年新收政府信息公开申请数量"  # U+2F00 ⼀: NFKC folds it
    supplement = "中华⼈⺠共和国 ⻔⼾⽹站 意⻅ 副市⻓"  # U+2E80 block: NFKC does not
    assert fold(kangxi) == "一、本年新收政府信息公开申请数量"
    assert fold(supplement) == "中华人民共和国门户网站意见副市长"


def test_full_width_and_spaces_fold_away():
    assert bare("（三）不予公开\u3000 1．属于国家秘密") == bare("(三)不予公开1.属于国家秘密")


def test_mangled_and_variant_labels_align_to_the_form():
    rows = load_form().templates["2021"].rows
    printed = [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果（一）予以公开",
        "",  # numbers printed with their label lost: placed by order
        "（三）不予公开 1、属于国家秘密",
        "2.其他法律行政止公开",  # mangled
        "3.危及“三安全一稳定”",
    ]
    assignment, _ = align([segments(label) for label in printed], rows)
    assert [rows[i].key for i in assignment] == [
        "new_received",
        "carried_over",
        "granted",
        "partially_granted",
        "denied_state_secret",
        "denied_law_prohibited",
        "denied_three_safeties",
    ]


def test_social_organisation_variant_is_a_column_variant():
    column = next(c for c in load_form().columns if c.key == "social_welfare_org")
    assert "社会组织" in column.variants
