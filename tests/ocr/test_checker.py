"""The form's arithmetic checks every digit read by OCR: a misread cell is named with what was read and the
readings that satisfy the form, and left blank — never replaced, never kept silently wrong."""

from __future__ import annotations

from pipelines.findings import Finding, FindingsLog
from pipelines.report.form import load_form
from pipelines.report.model import Report
from pipelines.report.ocr_check import cells, check_ocr
from pipelines.report.parse import parse_bytes
from pipelines.report.validate import validate
from tests.conftest import seed_text

ZHENGZHOU = "000_0980f2edc394599a"
FORM = load_form()


def as_read_by_ocr(report: Report, confidence: float = 0.99) -> Report:
    """The seed's report as if every cell had been read from an image with this confidence."""
    for value in cells(report, FORM).values():
        value.location.engine = "rapidocr"
        value.location.confidence = confidence
        value.location.image_box = (10, 20, 30, 40)
    return report


def checked(report: Report) -> list[Finding]:
    log = FindingsLog(report.source, "validate")
    check_ocr(report, FORM.templates[report.template_variant], FORM, log)
    return log.findings


def errors(report: Report) -> list[str]:
    log = FindingsLog(report.source, "validate")
    validate(report, FORM, log)
    return [finding.rule for finding in log.findings if finding.severity == "error"]


def seed_report() -> Report:
    return as_read_by_ocr(parse_bytes(seed_text(ZHENGZHOU).encode("utf-8"), "seed.txt"))


def misread(report: Report, ref: tuple[str, str, str], raw: str, confidence: float = 0.99) -> None:
    value = cells(report, FORM)[ref]
    value.raw, value.value, value.location.confidence = raw, float(raw) if "." in raw else int(raw), confidence


def test_a_report_whose_sums_hold_is_left_as_read(shared):
    report = seed_report()
    before = report.to_json()
    assert checked(report) == []
    assert report.to_json() == before


def test_a_confusable_digit_breaking_two_sums_is_named_with_the_reading_that_holds(shared):
    report = seed_report()
    misread(report, ("applications", "total", "natural_person"), "128")  # printed 123: 3 read as 8
    findings = checked(report)
    assert [(f.rule, f.form_key) for f in findings] == [("ocr.misread", "applications.total.natural_person")]
    finding = findings[0]
    assert finding.values["read"] == "128" and finding.values["engine"] == "rapidocr"
    assert finding.values["candidates"] == [
        {"cell": "applications.total.natural_person", "read": "128", "reading": 123}
    ]
    assert finding.values["image_box"] == [10, 20, 30, 40]
    assert "part 三 总计 × 自然人 read '128'" in finding.message and "hold with 123" in finding.message
    value = report.applications["total"][0]
    assert value.value is None and value.raw == "128", "blank, never replaced; the reading is kept"
    assert errors(report) == [], "the doubted cell breaks nothing"


def test_a_speck_read_as_a_decimal_point_is_found(shared):
    report = seed_report()
    misread(report, ("review_litigation", "litigation_direct", "upheld"), "0.6")  # printed 0
    findings = checked(report)
    assert any(
        {"cell": "review_litigation.litigation_direct.upheld", "read": "0.6", "reading": 0} in f.values["candidates"]
        for f in findings
    )
    assert report.review_litigation[5].value is None


def test_a_dropped_digit_is_found(shared):
    report = seed_report()
    misread(report, ("applications", "new_received", "natural_person"), "14")  # printed 114
    findings = checked(report)
    assert [f.values["candidates"] for f in findings] == [
        [{"cell": "applications.new_received.natural_person", "read": "14", "reading": 114}]
    ]


def test_a_break_several_cells_could_explain_names_them_all(shared):
    report = seed_report()
    # 行政复议: 1 + 0 + 0 + 0 = 1; the 1 of 结果维持 read as 7 breaks only this block's sum, which any of its
    # cells could restore: every plausible one is named and left blank.
    misread(report, ("review_litigation", "review", "upheld"), "7")
    findings = checked(report)
    assert {f.rule for f in findings} == {"ocr.misread"}
    named = {f.form_key for f in findings}
    assert "review_litigation.review.upheld" in named and "review_litigation.review.total" in named
    candidates = findings[0].values["candidates"]
    assert {"cell": "review_litigation.review.upheld", "read": "7", "reading": 1} in candidates
    assert {"cell": "review_litigation.review.total", "read": "1", "reading": 7} in candidates
    for finding in findings:
        assert cells(report, FORM)[tuple(finding.form_key.split("."))].value is None


def test_a_cell_where_broken_sums_meet_is_named_whatever_the_slip(shared):
    report = seed_report()
    misread(report, ("applications", "total", "natural_person"), "423")  # 1 read as 4: not a usual OCR slip, but
    findings = checked(report)  # three broken sums meet in the cell and agree on 123
    assert [(f.rule, f.values["candidates"][0]["reading"]) for f in findings] == [("ocr.misread", 123)]
    assert report.applications["total"][0].value is None


def test_a_break_no_misreading_explains_stays_a_broken_sum(shared):
    report = seed_report()
    misread(report, ("review_litigation", "review", "upheld"), "4")  # 1 read as 4: only the block's sum breaks
    findings = checked(report)
    assert "ocr.misread" not in {f.rule for f in findings}
    assert report.review_litigation[0].value == 4, "a confident reading the sums cannot explain stays"
    assert errors(report) == ["review_litigation.block_total"]


def test_a_doubtful_reading_no_sum_can_verify_is_left_blank(shared):
    report = seed_report()
    licensing = report.active_disclosure["licensing"]["decisions"]
    licensing.location.confidence = 0.4  # part 二 has no sums
    penalty = report.active_disclosure["penalty"]["decisions"]
    granted = report.applications["granted"][0]
    granted.location.confidence = 0.4  # but its row and column sums hold: verified
    findings = checked(report)
    assert [(f.rule, f.form_key) for f in findings] == [("ocr.unverified", "active_disclosure.licensing.decisions")]
    assert licensing.value is None and licensing.raw == "1553053"
    assert penalty.value == 33782 and granted.value == 4


def test_nothing_read_beside_numbers_is_named(shared):
    report = seed_report()
    blank = report.applications["granted"][2]
    blank.raw, blank.value = "", None
    findings = checked(report)
    assert [(f.rule, f.values["cells"]) for f in findings] == [
        ("ocr.blank", ["applications.granted.research_institution"])
    ]


def test_reports_not_read_by_ocr_are_not_checked(shared):
    report = parse_bytes(seed_text(ZHENGZHOU).encode("utf-8"), "seed.txt")
    report.applications["total"][0].value = 128
    assert checked(report) == []
