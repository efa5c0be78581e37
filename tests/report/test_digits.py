"""Run-together digits split by the form's sums: a reading the row sum leaves open is settled by the column sums;
readings every sum allows are named with their candidates and left blank; the search stays bounded; every value
split from a run points at its own digits."""

from __future__ import annotations

import re
import time

from pipelines.document.model import Cell, Paragraph
from pipelines.document.read import read_document
from pipelines.report.digits import row_readings
from pipelines.report.form import load_form
from pipelines.report.parse import parse_bytes
from pipelines.report.split import split_free, split_summed
from tests.conftest import seed_text

ZHENGZHOU = "000_0980f2edc394599a"
# Ten applications moved to the legal-person columns of 予以公开, and the totals with them: the row prints
# 4,0,0,0,1,10,15, whose digits '400011015' also read 4,0,0,0,11,0,15 by the row sum alone.
GRANTED = "4\t0\t0\t0\t1\t10\t15"
NEW = "114\t1\t0\t0\t1\t10\t126"
TOTAL = "123\t1\t0\t0\t1\t10\t135"


def _shifted() -> str:
    text = seed_text(ZHENGZHOU)
    text = text.replace("(一) 予以公开\t4\t0\t0\t0\t0\t0\t4", f"(一) 予以公开\t{GRANTED}")
    text = text.replace("申请数量\t\t114\t1\t0\t0\t0\t0\t115", f"申请数量\t\t{NEW}")
    return text.replace("(七) 总计\t123\t1\t0\t0\t0\t0\t124", f"(七) 总计\t{TOTAL}")


def test_the_shifted_report_holds_its_sums():
    report = parse_bytes(_shifted().encode("utf-8"), "shifted.txt").to_json()
    assert report["applications"]["granted"] == [4, 0, 0, 0, 1, 10, 15]
    assert not [f for f in report["findings"] if f["severity"] == "error"]


def test_a_reading_the_row_sum_leaves_open_is_settled_by_the_column_sums():
    assert len(row_readings("400011015", load_form()).readings) == 2
    text = _shifted().replace(f"(一) 予以公开\t{GRANTED}", "(一) 予以公开400011015")
    report = parse_bytes(text.encode("utf-8"), "one-glued-row.txt").to_json()
    assert report["applications"]["granted"] == [4, 0, 0, 0, 1, 10, 15]
    split = next(f for f in report["findings"] if f["rule"] == "parse.split_by_sums")
    assert split["values"] == {"digits": "400011015", "values": [4, 0, 0, 0, 1, 10, 15]}


def test_readings_every_sum_allows_are_named_with_their_candidates_and_left_blank():
    """All of part 三 run together: moving the ten between the two last legal-person columns in every row keeps
    every sum, so 予以公开, 新收 and 总计 each have two readings — named, never guessed."""
    flat = re.sub(r"[\t\r\n]", "", _shifted())
    report = parse_bytes(flat.encode("utf-8"), "shifted-dump.txt").to_json()
    ambiguous = {f["location"].split(" ")[3]: f for f in report["findings"] if f["rule"] == "parse.ambiguous_split"}
    assert set(ambiguous) == {"new_received", "granted", "total"}
    assert {row: f["form_key"] for row, f in ambiguous.items()} == {row: f"applications.{row}" for row in ambiguous}
    assert ambiguous["granted"]["values"]["candidates"] == [[4, 0, 0, 0, 1, 10, 15], [4, 0, 0, 0, 11, 0, 15]]
    for row in ("new_received", "granted", "total"):
        assert report["applications"][row] == [None] * 7
    assert report["applications"]["carried_over"] == [9, 0, 0, 0, 0, 0, 9], "the other rows are read"


def test_a_report_that_breaks_its_sums_leaves_the_open_run_open():
    """Only 予以公开 shifted, totals as printed before: neither reading fits the columns, so neither is taken."""
    text = seed_text(ZHENGZHOU).replace("(一) 予以公开\t4\t0\t0\t0\t0\t0\t4", "(一) 予以公开400011015")
    report = parse_bytes(text.encode("utf-8"), "broken.txt").to_json()
    assert report["applications"]["granted"] == [None] * 7
    finding = next(f for f in report["findings"] if f["rule"] == "parse.ambiguous_split")
    assert finding["values"]["candidates"] == [[4, 0, 0, 0, 1, 10, 15], [4, 0, 0, 0, 11, 0, 15]]


def test_long_runs_are_searched_within_a_bound():
    start = time.process_time()
    digits = "1234567890" * 6
    assert split_summed(digits, 1, 7).candidates == []
    assert split_summed(digits[:45], 3, 5).candidates == []
    wide = split_summed("9" * 62, 1, 7)
    assert wide.candidates == []
    free = split_free("1" * 40, 5)
    assert free.exhausted is False and len(free.candidates) == 64
    assert time.process_time() - start < 2, "bounded: no exponential search"
    text = seed_text(ZHENGZHOU).replace("(七) 总计\t123\t1\t0\t0\t0\t0\t124", "(七) 总计" + "8" * 40)
    report = parse_bytes(text.encode("utf-8"), "long-run.txt").to_json()
    assert report["applications"]["total"] == [None] * 7
    assert any(f["rule"] == "parse.ambiguous_split" and "total" in f["message"] for f in report["findings"])


def test_values_split_from_a_run_point_at_their_own_digits():
    """A split value's location is the printed line (and cell, where the reader cut the line into cells) and the
    span of its digits in it."""
    for name in (ZHENGZHOU, "004_2ca35232cdb27850"):
        flat = re.sub(r"[\t\r\n]", "", seed_text(name))
        document = read_document(flat.encode("utf-8"), "dump.txt")
        printed = {
            (cell.location.line, cell.location.col): cell.text
            for block in document.blocks
            for cells in ([[Cell(block.text, block.location)]] if isinstance(block, Paragraph) else block.rows)
            for cell in cells
        }
        report = parse_bytes(flat.encode("utf-8"), "dump.txt").to_json()
        split = [c for c in report["cells"] if c.get("note") == "split from run-together digits"]
        assert len(split) > 150
        for cell in split:
            where = cell["location"]
            start, end = where["span"]
            assert printed[(where["line"], where.get("col"))][start:end] == str(cell["value"]), cell


def test_a_row_printed_one_cell_short_has_its_blank_where_the_sums_put_it():
    """结转下年 printed with its 总计 cell empty (six numbers): the rule of report-json.md would make the last one
    总计 and break 新收 + 结转 = 总计 + 结转下年 in the 总计 column; the one placement that keeps every sum leaves
    总计 blank — as the corpus's 上海市科委 report prints it."""
    text = seed_text(ZHENGZHOU)
    text = text.replace("申请数量\t\t114\t1\t0\t0\t0\t0\t115", "申请数量\t\t115\t1\t0\t0\t0\t0\t116")
    text = text.replace("四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0", "四、结转下年度继续办理\t\t1\t0\t0\t0\t0\t0\t")
    report = parse_bytes(text.encode("utf-8"), "blank-total.txt").to_json()
    assert report["applications"]["carried_forward"] == [1, 0, 0, 0, 0, 0, None]
    placed = [f for f in report["findings"] if f["rule"] == "parse.cell_count" and "carried_forward" in f["message"]]
    assert placed[-1]["values"]["blank"] == ["total"]
    assert not [f for f in report["findings"] if f["severity"] == "error"]
    flat = re.sub(r"[\t\r\n]", "", text)
    report = parse_bytes(flat.encode("utf-8"), "blank-total-dump.txt").to_json()
    assert report["applications"]["carried_forward"] == [1, 0, 0, 0, 0, 0, None], "the column sums place the blank"
    placed = [f for f in report["findings"] if f["rule"] == "parse.cell_count" and "carried_forward" in f["message"]]
    assert placed[-1]["values"]["blank"] == ["total"]
    assert not [f for f in report["findings"] if f["severity"] == "error"]


def test_a_blank_cell_the_column_sums_cannot_place_is_named_with_its_candidates():
    """'100002' run together where no column sum checks 结转下年 (the 结转 and 总计 rows printed '/'): the blank could
    be 总计 (1,0,0,0,0,2,·) or any cell the row sum leaves room for (1,0,0,0,0,·,2 …) — not guessed."""
    text = seed_text(ZHENGZHOU).replace("四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0", "四、结转下年度继续办理100002")
    for label in ("二、上年结转政府信息公开申请数量", "(七) 总计"):
        text = re.sub(rf"({re.escape(label)})[\t\d]+", r"\1\t/\t/\t/\t/\t/\t/\t/", text)
    report = parse_bytes(text.encode("utf-8"), "unplaced-blank.txt").to_json()
    assert report["applications"]["carried_forward"] == [None] * 7
    finding = next(f for f in report["findings"] if f["rule"] == "parse.ambiguous_split")
    assert [1, 0, 0, 0, 0, 2, None] in finding["values"]["candidates"]
    assert [1, 0, 0, 0, 0, None, 2] in finding["values"]["candidates"]
    assert len(finding["values"]["candidates"]) > 1


def test_a_dumped_report_that_breaks_a_column_sum_is_read_as_printed_and_flagged():
    """总计 printed two higher than its results (and its row sum kept): dumped on one line, every row still splits one
    way by its own sum and is read so — the break is the report's, named by the validator, not a reason to blank."""
    text = seed_text(ZHENGZHOU).replace("(七) 总计\t123\t1\t0\t0\t0\t0\t124", "(七) 总计\t125\t1\t0\t0\t0\t0\t126")
    flat = re.sub(r"[\t\r\n]", "", text)
    report = parse_bytes(flat.encode("utf-8"), "broken-dump.txt").to_json()
    assert report["applications"]["total"] == [125, 1, 0, 0, 0, 0, 126]
    assert report["applications"]["granted"] == [4, 0, 0, 0, 0, 0, 4]
    assert not [f for f in report["findings"] if f["rule"] == "parse.ambiguous_split"]
    broken = {f["rule"] for f in report["findings"] if f["severity"] == "error"}
    assert {"applications.results_total", "applications.balance"} <= broken
