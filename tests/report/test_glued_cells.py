"""Cells whose separators were lost in places, read by the form's sums: the cases the property test first found.

Seed 004 prints one cell per line; a converter that drops a line break glues two cells ('0' '0' → '00', '8' '0' →
'80') and one that drops a leading tab makes a line continue the cell above. The row then prints fewer cells than the
form, and reading them as printed (the rule of report-json.md for short rows) would give a wrong number: the sums
read them, and where they leave more than one reading the values stay blank with the readings named.
"""

from __future__ import annotations

from pipelines.report.parse import parse_bytes
from pipelines.report.split import split_summed
from tests.conftest import seed_expected, seed_text, value_mismatches

SEED_004 = "004_2ca35232cdb27850"
NEW = "一、本年新收政府信息公开申请数量\n\t8\n\t0\n\t0\n\t0\n\t0\n\t0\n\t8\n"


def _parse(text: str, name: str) -> dict:
    return parse_bytes(text.encode("utf-8"), name).to_json()


def test_two_zero_cells_glued_as_00_are_two_cells(shared):
    text = seed_text(SEED_004).replace(NEW, NEW.replace("\t0\n\t0\n", "\t00\n", 1))
    assert text != seed_text(SEED_004)
    report = _parse(text, "004-00.txt")
    assert value_mismatches(seed_expected(SEED_004), report) == []
    split = next(f for f in report["findings"] if f["rule"] == "parse.split_by_sums")
    assert split["values"]["values"] == [8, 0, 0, 0, 0, 0, 8]


def test_a_number_glued_to_a_zero_is_split_where_as_printed_it_breaks_the_row(shared):
    """'8' '0' glued as '80' in a row of six cells: read as printed (80 for 自然人, a blank 其他) no count could fill
    the blank — 80 is more than the row's total 8; cut back into two cells the row keeps its sum."""
    text = seed_text(SEED_004).replace(NEW, NEW.replace("\t8\n\t0\n", "\t80\n", 1))
    assert "\t80\n" in text
    report = _parse(text, "004-80.txt")
    assert report["applications"]["new_received"] == [8, 0, 0, 0, 0, 0, 8]
    assert value_mismatches(seed_expected(SEED_004), report) == []


def test_a_line_without_its_tab_continues_the_cell_above_and_is_a_cell_of_its_own(shared):
    text = seed_text(SEED_004).replace(NEW, NEW.replace("\t0\n\t0\n\t0\n", "\t0\n0\n\t0\n", 1))
    assert "\n0\n" in text
    assert value_mismatches(seed_expected(SEED_004), _parse(text, "004-tab.txt")) == []


def test_glued_cells_the_sums_cannot_tell_apart_are_named():
    """A part 二 row whose three cells print as two ('12' '3'): 12,3,blank or 1,2,3 — no sum ties part 二's
    measures, so neither is taken."""
    text = seed_text("003_9470c4aa1fea4678").replace("行政规范性文件\t1\t0\t1", "行政规范性文件\t12\t3")
    report = _parse(text, "003-part2.txt")
    assert report["active_disclosure"]["normative_documents"] == {"issued": None, "repealed": None, "in_force": None}
    finding = next(f for f in report["findings"] if f["rule"] == "parse.ambiguous_split")
    assert [1, 2, 3] in finding["values"]["candidates"] and [12, 3, None] in finding["values"]["candidates"]


def test_thousands_separators_keep_their_three_digits():
    """'114,1141,001…115,115': the sums alone read 114114, 1, 0, 0, 1000 … as well; a separator has three digits after
    it in its number, which leaves one reading."""
    digits, groups = "11411410010000115115", frozenset({3, 7, 17})
    assert len(split_summed(digits, 1, 7).candidates) == 2
    assert split_summed(digits, 1, 7, groups=groups).candidates == [[114114, 1001, 0, 0, 0, 0, 115115]]


def test_the_reports_own_title_among_its_columns_list(shared):
    """A page lists its column's reports above the article: the report's own title is the one printed again (its
    heading, the 标题 of its metadata), not the first listed."""
    name = "000_0980f2edc394599a"
    expected = seed_expected(name)
    listing = [f"郑州市公安局{year}年政府信息公开工作年度报告" for year in (2024, 2022, 2021, 2023)]
    text = "\n".join([*listing, "发布机构：郑州市公安局", seed_text(name)])
    report = _parse(text, "listing.txt")
    assert (report["agency"], report["year"]) == (expected["agency"], expected["year"])
