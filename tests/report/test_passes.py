"""The shape passes: each is named in the catalogue, each fires on some shape of the seeds (none is dead code),
and the seeds' own tidy text needs almost none of them."""

from __future__ import annotations

from collections import defaultdict

from pipelines.findings import Severity
from pipelines.report.catalogue import rule_catalogue
from pipelines.report.parse import parse_bytes
from pipelines.report.passes import PASSES
from tests.conftest import seed_names, seed_text
from tests.report.shapes import SHAPES, materials


def test_every_pass_repairs_some_shape(shared):
    fired: dict[str, set[str]] = defaultdict(set)
    for material in materials():
        for name, shape in SHAPES.items():
            rendering = shape(material)
            for finding in parse_bytes(rendering.data, rendering.source).findings:
                if finding.rule.startswith("shape."):
                    assert finding.severity == Severity.INFO
                    fired[finding.rule].add(name)
    assert [step.rule for step in PASSES if not fired[step.rule]] == []


def test_every_pass_is_catalogued_with_its_meaning():
    catalogue = rule_catalogue()
    for step in PASSES:
        assert catalogue[step.rule].meaning.endswith(step.meaning)
        assert len(step.meaning) > 30, step.name


def test_tidy_seeds_need_no_repair_but_their_own(shared):
    """Tab-separated seeds: only seed 002's labels wrapped over lines (三、本年度办理 / 结果) are joined."""
    repaired = {
        name: {
            f.rule for f in parse_bytes(seed_text(name).encode("utf-8"), name).findings if f.rule.startswith("shape.")
        }
        for name in seed_names()
    }
    assert repaired == {name: ({"shape.floating_labels"} if name.startswith("002") else set()) for name in seed_names()}


def _glued_page(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == "parse.page_number_glued"]


def test_a_bare_page_number_run_into_a_number_leaves_it_blank_naming_both_readings(shared):
    """Seed 002 as pdftotext's text copied as one line: page 3's footer is a bare '3' after 行政强制's 16793, and runs
    on into the next label ('…行政强制 167933第二十条…'); pages 2 and 4 print recognisable footers around it."""
    material = next(m for m in materials() if m.name == "002_2a55ae499e2e47bc")
    decisions = material.expected["active_disclosure"]["coercion"]["decisions"]
    report = parse_bytes(SHAPES["pdf_one_line"](material).data, "002.txt").to_json()
    assert report["active_disclosure"]["coercion"]["decisions"] is None
    found = {f["form_key"]: f["values"] for f in _glued_page(report)}
    assert found["active_disclosure.coercion"] == {
        "digits": f"{decisions}3",
        "page": 3,
        "candidates": [int(f"{decisions}3"), decisions],
    }
    # the recognisable footers inside the line are dropped: none is left to be read as a row of part 三
    assert not [f for f in report["findings"] if f["rule"] == "parse.row_unmatched" and "—4—" in f["message"]]


def test_a_page_whose_footer_is_found_blanks_nothing(shared):
    """The same line with page 3's footer printed recognisably ('— 3 —'): no page is missing, every value is read."""
    material = next(m for m in materials() if m.name == "002_2a55ae499e2e47bc")
    text = SHAPES["pdf_text"](material).text.replace("\n3\n", "\n— 3 —\n").replace("\n", "")
    report = parse_bytes(text.encode("utf-8"), "002.txt").to_json()
    assert _glued_page(report) == []
    assert (
        report["active_disclosure"]["coercion"]["decisions"]
        == material.expected["active_disclosure"]["coercion"]["decisions"]
    )


def test_a_one_line_dump_without_page_footers_keeps_every_value(shared):
    """A portal page's text on one line prints no page footers: numbers that run into the next label are not
    doubted, whatever digit they end with."""
    for material in materials():
        report = parse_bytes(SHAPES["page_innertext"](material).data, f"{material.name}.txt").to_json()
        rules = {f["rule"] for f in report["findings"]}
        assert not rules & {"parse.page_number_glued", "shape.glued_page_numbers", "shape.page_footers"}
