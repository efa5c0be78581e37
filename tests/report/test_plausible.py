"""Values the form cannot hold — a 20-digit cell, a negative or fractional count, a count beyond any organ's scale —
are left blank with a warning that keeps what was printed; the rest of the report reads as before, never a crash."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipelines.report.parse import parse_bytes
from pipelines.report.plausible import COUNT_MAX
from tests.conftest import seed_expected, seed_text, value_mismatches
from warehouse.schema import spec

ZHENGZHOU = "000_0980f2edc394599a"
NEW_RECEIVED = "申请数量\t\t114\t1\t0\t0\t0\t0\t115"


def _parse(old: str, new: str) -> dict:
    text = seed_text(ZHENGZHOU)
    assert old in text
    return parse_bytes(text.replace(old, new, 1).encode("utf-8"), "odd.txt").to_json()


@pytest.mark.parametrize(
    ("printed", "rule"),
    [
        ("12345678901234567890", "value.overflow"),  # beyond int64
        ("-3", "value.negative"),
        ("1.5", "value.fractional"),
        ("5000000", "value.implausible"),  # five million applications to one organ in a year
    ],
)
def test_a_value_the_form_cannot_hold_is_blank_with_its_printing_kept(shared, printed, rule):
    report = _parse(NEW_RECEIVED, f"申请数量\t\t{printed}\t1\t0\t0\t0\t0\t115")
    assert report["applications"]["new_received"] == [None, 1, 0, 0, 0, 0, 115]
    finding = next(f for f in report["findings"] if f["rule"] == rule)
    assert finding["severity"] == "warning" and finding["values"]["printed"] == printed
    assert "new_received.natural_person" in finding["message"]
    cell = next(c for c in report["cells"] if (c["row"], c["column"]) == ("new_received", "natural_person"))
    assert cell["value"] is None and cell["raw"] == printed and cell["location"]["line"]
    expected = seed_expected(ZHENGZHOU)
    expected["applications"]["new_received"][0] = None
    assert value_mismatches(expected, report) == [], "everything else reads as printed"
    assert not [f for f in report["findings"] if f["severity"] == "error"], "a blank term is not a broken sum"


def test_twenty_digits_in_part_four_and_part_two(shared):
    report = _parse("1\t0\t0\t0\t1\t0\t0\t2\t0\t2", "1\t0\t0\t0\t1\t0\t0\t99999999999999999999\t0\t2")
    assert report["review_litigation"][7] is None
    assert any(f["rule"] == "value.overflow" and "part 四" in f["message"] for f in report["findings"])
    report = _parse("行政许可\t1553053", "行政许可\t155305300000000000000")
    assert report["active_disclosure"]["licensing"]["decisions"] is None
    assert any(f["rule"] == "value.overflow" for f in report["findings"])


def test_an_amount_keeps_its_decimals_and_a_signed_change_its_sign(shared):
    report = _parse("行政事业性收费\t29458.49", "行政事业性收费\t1234567.8912")
    assert report["active_disclosure"]["fees"]["amount_10k_yuan"] == 1234567.8912
    assert not [f for f in report["findings"] if f["rule"].startswith("value.")]


def test_a_2019_change_may_be_negative(shared):
    from tests.report.shapes import materials, pdf_text

    material = next(m for m in materials() if m.name == f"{ZHENGZHOU}-2019")
    material.expected["active_disclosure"]["licensing"]["change"] = -3
    rendering = pdf_text(material)
    report = parse_bytes(rendering.data, rendering.source).to_json()
    assert report["active_disclosure"]["licensing"]["change"] == -3
    assert not [f for f in report["findings"] if f["rule"].startswith("value.")]


def test_the_limits_are_the_warehouse_types():
    """Counts of parts 三 and 四 are int64 columns, part 二 values float64: the limits plausible.py checks."""
    statistics = spec("statistics").schema
    counts = [field for field in statistics if field.name.endswith("__total") or field.name.startswith("review_")]
    assert counts and all(field.type == pa.int64() for field in counts)
    assert spec("active_disclosure").schema.field("value").type == pa.float64()
    assert COUNT_MAX == 2**63 - 1
