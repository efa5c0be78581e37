"""Every seed — and every seed as a 2019-form report — rendered into every shape of tests/report/shapes.py parses to
exactly the expected values, or leaves a value blank with a warning that names it (and, for digits that split
several ways, lists the candidates). Never a wrong number.
"""

from __future__ import annotations

import pytest

from pipelines.report.catalogue import rule_catalogue
from pipelines.report.form import load_form
from pipelines.report.parse import parse_bytes
from tests.report.shapes import SHAPES, Material, Rendering, materials

MATERIALS = {material.name: material for material in materials()}

# Shapes every one of whose cells the parser reads exactly, for every material (the rest may leave a cell blank
# where the digits split several ways — with the finding that says so).
EXACT = {
    "page_innertext",
    "two_renderings",
    "pdf_text",
    "pdf_markdown",
    "floating_pdf",
    "pdf_markdown_merged",
    "cell_per_line",
    "ocr_markdown",
    "markdown_then_wrapped",
    "csv_export",
    "html_fragment_dump",
}


# The seeds' own text as the before-stop hook dumps it: every cell exact (part 二's multi-measure rows print one
# digit per cell there); a 2019 variant's part 二 glued without separators splits several ways and is named so.
EXACT_FOR_SEEDS = {"hook_dump", "page_glued", "archived_dump", "glued_tables", "tidy_then_dump", "pdf_glued_numbers"}
SEEDS = {name for name in MATERIALS if not name.endswith("-2019")}


def judge(rendering: Rendering, report: dict) -> tuple[list[str], list[str]]:
    """(wrong, blank): cells read as another number than expected, and cells left blank (each with its finding)."""
    expected = rendering.material.expected
    findings = report["findings"]
    warnings = [f for f in findings if f["severity"] == "warning"]
    form = load_form()
    labels = {
        item.key: {p for t in form.templates.values() for i in t.items if i.key == item.key for p in i.printings}
        for item in form.all_items()
    }
    wrong: list[str] = []
    blank: list[str] = []
    for key in ("agency", "year", "template"):
        if report[key] != rendering.expected(key):
            wrong.append(f"{key}: {report[key]!r} for {rendering.expected(key)!r}")

    def named(words: set[str]) -> bool:
        return any(any(w in f["message"] or w in str(f.get("form_key", "")) for w in words) for f in warnings)

    for item, measures in expected["active_disclosure"].items():
        for measure, value in measures.items():
            got = (report["active_disclosure"].get(item) or {}).get(measure, "<missing>")
            if measure.endswith("_unit") and measures.get(measure.removesuffix("_unit")) is not None:
                printed = (report["active_disclosure"].get(item) or {}).get(measure.removesuffix("_unit"))
                got = got if printed is not None else value  # a blank value has no unit to give
            if got == value:
                continue
            where = f"active_disclosure.{item}.{measure}"
            if got is None and named({item, *labels.get(item, ())}):
                blank.append(where)
            else:
                wrong.append(f"{where}: {got!r} for {value!r}")
    for row, values in expected["applications"].items():
        got_row = report["applications"].get(row) or [None] * len(values)
        for column, (value, got) in enumerate(zip(values, got_row, strict=True)):
            if got == value:
                continue
            where = f"applications.{row}[{column}]"
            if got is None and named({row}):
                blank.append(where)
            else:
                wrong.append(f"{where}: {got!r} for {value!r}")
    got_review = report["review_litigation"] or [None] * len(expected["review_litigation"])
    for index, (value, got) in enumerate(zip(expected["review_litigation"], got_review, strict=True)):
        if got != value:
            if got is None and named({"part 四"}):
                blank.append(f"review_litigation[{index}]")
            else:
                wrong.append(f"review_litigation[{index}]: {got!r} for {value!r}")
    return wrong, blank


def parse(rendering: Rendering) -> dict:
    return parse_bytes(rendering.data, rendering.source).to_json()


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("material", sorted(MATERIALS))
def test_shape_gives_the_values_or_names_what_it_could_not_read(shared, shape: str, material: str):
    rendering = SHAPES[shape](MATERIALS[material])
    report = parse(rendering)
    wrong, blank = judge(rendering, report)
    assert wrong == [], f"never a wrong number ({rendering.source})"
    if shape in EXACT or (shape in EXACT_FOR_SEEDS and material in SEEDS):
        assert blank == [], f"{rendering.source}: every cell of this shape is read"
    catalogue = rule_catalogue()
    assert [f["rule"] for f in report["findings"] if f["rule"] not in catalogue] == []
    ambiguous = [f for f in report["findings"] if f["rule"] == "parse.ambiguous_split"]
    assert all("candidates" in f["values"] for f in ambiguous)


def test_material_covers_both_templates():
    templates = {m.expected["template"] for m in MATERIALS.values()}
    assert templates == {"2021", "2019"}
    assert isinstance(next(iter(MATERIALS.values())), Material)
