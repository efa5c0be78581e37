"""Template detection reads the printed headers, not the year."""

from __future__ import annotations

from pipelines.report.parse import parse_bytes
from tests.conftest import seed_expected, seed_text

ZHENGZHOU = "000_0980f2edc394599a"


def test_single_row_other_handling_in_a_2021_report_is_the_hybrid(shared):
    """Seed 000 with its three （六）其他处理 rows printed as one row (their sum), as hybrid reports print it."""
    lines = seed_text(ZHENGZHOU).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("(六) 其他处理"))
    merged = "(六) 其他处理\t\t14\t0\t0\t0\t0\t0\t14\t"
    text = "\n".join([*lines[:start], merged, *lines[start + 3 :]])
    report = parse_bytes(text.encode("utf-8"), "hybrid.txt").to_json()
    assert (report["template"], report["template_variant"]) == ("2021", "hybrid")
    assert report["applications"]["other_handling"] == [14, 0, 0, 0, 0, 0, 14]
    assert "other_other" not in report["applications"]
    expected = seed_expected(ZHENGZHOU)["applications"]
    assert report["applications"]["total"] == expected["total"]
    assert any(f["rule"] == "template.hybrid" for f in report["findings"])
    assert not [f for f in report["findings"] if f["severity"] == "error"]


def test_template_comes_from_headers_not_year(shared):
    """A 2021-form report whose title says 2020 is still read with the 2021 form."""
    text = seed_text(ZHENGZHOU).replace("郑州市公安局 2023 年政府", "郑州市公安局 2020 年政府")
    report = parse_bytes(text.encode("utf-8"), "year.txt").to_json()
    assert (report["year"], report["template"], report["template_variant"]) == (2020, "2021", "2021")
