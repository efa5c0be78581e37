"""Text whose cell boundaries were lost: each seed's table rows glued into one run of characters.

Made from the seeds themselves (the cells of every printed row concatenated with nothing between them, as
flattened web-page dumps print them). The parser must split the digits by the form's sums and give the same
values, or name the ambiguity in a finding.
"""

from __future__ import annotations

import pytest

from pipelines.document.model import Paragraph, Table
from pipelines.document.read import read_document
from pipelines.report.parse import parse_bytes
from tests.conftest import seed_expected, seed_names, seed_text


def run_together(text: str) -> str:
    """The seed with every table row's cells glued: '一、本年新收…数量\\t\\t114\\t1…' → '一、本年新收…数量1141…'."""
    document = read_document(text.encode("utf-8"), "seed")
    lines = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend("".join(cell.text.strip().replace("\u3000", "") for cell in row) for row in block.rows)
    return "\n".join(lines)


@pytest.mark.parametrize("name", seed_names())
def test_run_together_seed_gives_same_values_or_names_ambiguity(shared, name):
    expected = seed_expected(name)
    report = parse_bytes(run_together(seed_text(name)).encode("utf-8"), f"{name}-run-together.txt").to_json()
    findings = report["findings"]
    ambiguous = [f for f in findings if f["rule"] == "parse.ambiguous_split"]
    split = [f for f in findings if f["rule"] == "parse.split_by_sums"]
    assert split, "glued rows are split by the form's sums, and each split is reported"
    assert report["agency"] == expected["agency"] and report["year"] == expected["year"]
    for row, values in expected["applications"].items():
        got = report["applications"][row]
        if got == values:
            continue
        if None in values:
            # A cell the report did not print leaves no trace in glued digits: '7000007' is 7 numbers.
            assert [v for v in values if v is not None] == [
                v for v, e in zip(got, values, strict=True) if e is not None
            ]
            continue
        assert all(v is None for v in got) and any(row in f["message"] for f in ambiguous), (row, got, values)
    assert report["review_litigation"] == expected["review_litigation"] or any(
        "part 四" in f["message"] for f in ambiguous
    )
    for item, measures in expected["active_disclosure"].items():
        for measure, value in measures.items():
            got = report["active_disclosure"][item][measure]
            assert got == value or (got is None and any(item_label_in(f, item) for f in ambiguous)), (item, measure)


def item_label_in(finding: dict, item: str) -> bool:
    from pipelines.report.form import load_form

    labels = [i.label for t in load_form().templates.values() for i in t.items if i.key == item]
    return any(label in finding["message"] for label in labels)


def test_ambiguous_split_lists_candidates(shared):
    """'13055' as three numbers with no identity to check has several readings: all are listed, none chosen."""
    text = seed_text("003_9470c4aa1fea4678").replace("行政规范性文件\t1\t0\t1", "行政规范性文件13055")
    report = parse_bytes(text.encode("utf-8"), "ambiguous.txt").to_json()
    finding = next(f for f in report["findings"] if f["rule"] == "parse.ambiguous_split")
    assert finding["values"]["candidates"] == [[1, 30, 55], [1, 305, 5], [13, 0, 55], [130, 5, 5]]
    assert finding["form_key"] == "active_disclosure.normative_documents", "the row left blank, by its form key"
    assert report["active_disclosure"]["normative_documents"] == {"issued": None, "repealed": None, "in_force": None}
