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


def test_no_template_is_named_in_code():
    """Template choice reads the form's data (markers, rows, years): no template id is a literal in the parser."""
    import ast
    from pathlib import Path

    from pipelines.report.form import load_form

    ids = {t.id for t in load_form().templates.values()} | {t.reported_as for t in load_form().templates.values()}
    package = Path(__file__).resolve().parents[2] / "pipelines" / "report"
    literals = [
        f"{path.name}:{node.lineno} {node.value!r}"
        for path in sorted(package.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value in ids
    ]
    assert literals == []


def test_a_report_without_part_two_markers_is_placed_by_its_rows_then_its_year(shared):
    """Part 二 missing: the rows of part 三 decide (one （六）其他处理 row → a template printing it so), then the
    years of the reports each template is printed for (a 2020 report → the 2019 form)."""
    lines = seed_text(ZHENGZHOU).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("二、主动公开"))
    end = next(i for i, line in enumerate(lines) if line.startswith("三、收到和处理"))
    other = next(i for i, line in enumerate(lines) if line.startswith("(六) 其他处理"))
    body = [*lines[:start], *lines[end:other], "(六) 其他处理\t\t14\t0\t0\t0\t0\t0\t14\t", *lines[other + 3 :]]
    text = "\n".join(body)
    report = parse_bytes(text.replace("2023 年政府", "2020 年政府").encode("utf-8"), "no-part-2.txt").to_json()
    assert (report["template"], report["template_variant"]) == ("2019", "2019")
    report = parse_bytes(text.encode("utf-8"), "no-part-2-2023.txt").to_json()
    assert (report["template"], report["template_variant"]) == ("2021", "hybrid")
    itemised = "\n".join([*lines[:start], *lines[end:]]).replace("2023 年政府", "2020 年政府")
    report = parse_bytes(itemised.encode("utf-8"), "itemised-2020.txt").to_json()
    assert report["template_variant"] == "2021", "three 其他处理 rows are the 2021 form, whatever the year"


def test_template_years_come_from_the_templates():
    from pipelines.report.form import load_form

    templates = load_form().templates
    assert [t.id for t in templates.values() if t.covers(2016)] == ["legacy"]
    assert [t.id for t in templates.values() if t.covers(2020)] == ["2019"]
    assert [t.id for t in templates.values() if t.covers(2024)] == ["2021", "hybrid"]
