"""The PDF reader on the real corpus PDF (values checked by eye against its rendered pages), on an image-only PDF,
on text-layer garbage and on broken files. PDFs made from the seeds are in tests/report/test_formats.py."""

from __future__ import annotations

import io

import pytest

from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Paragraph, Table
from pipelines.document.read import read_document
from pipelines.report.parse import parse_bytes
from tests.conftest import CORPUS, seed_expected, seed_names, value_mismatches
from tests.document import samples

HUAIAN = CORPUS / "huaian-city-2024.pdf"


@pytest.fixture(scope="module")
def huaian(shared):
    return read_document(HUAIAN.read_bytes(), HUAIAN.name)


def tables(document) -> list[Table]:
    return [block for block in document.blocks if isinstance(block, Table)]


def test_huaian_tables_are_rebuilt_from_the_rules(huaian):
    part2, part3, part4 = tables(huaian)
    assert [cell.text for cell in part2.rows[2]] == ["规章", "1", "0", "11"]
    # Table 2 runs over pages 3-4 and is one table; its last row is on page 4.
    assert part2.rows[-1][1].text == "96171.6" and part2.rows[-1][1].location.page == 4
    group = part3.rows[5][0]
    assert (group.text, group.rowspan) == ("三、本年度办理结果", 22)  # printed one character per line
    header = ["".join(cell.text.split()) for row in part3.rows[:3] for cell in row]  # letter-spaced as printed
    assert "商业企业" in header and "社会公益组织" in header  # '商业\n企业' split over two lines, joined
    printed = [cell.text for cell in part4.rows[-1]]
    assert printed == [str(n) for n in (72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20)]


def test_huaian_group_label_cut_by_the_page_break_is_joined(huaian):
    part3 = tables(huaian)[1]
    cell = next(cell for row in part3.rows for cell in row if cell.text.startswith("（四）"))
    assert (cell.text, cell.rowspan, cell.location.page) == ("（四）无法提供", 3, 4)
    assert any(f.rule == "document.page_split_table" and "法提供" in f.message for f in huaian.findings)


def test_huaian_page_numbers_are_dropped_and_every_cell_has_page_and_bbox(huaian):
    texts = [block.text for block in huaian.blocks if isinstance(block, Paragraph)]
    assert not [text for text in texts if text.strip("- ").isdigit()]
    for table in tables(huaian):
        for row in table.rows:
            for cell in row:
                assert cell.location.page in (3, 4, 5) and cell.location.bbox is not None


def test_huaian_parses_to_the_values_printed(shared):
    """INDEX.md's values, checked by eye on pdftoppm renderings of pages 3-5."""
    report = parse_bytes(HUAIAN.read_bytes(), HUAIAN.name).to_json()
    disclosure = report["active_disclosure"]
    assert disclosure["regulations"] == {"issued": 1, "repealed": 0, "in_force": 11}
    assert disclosure["normative_documents"] == {"issued": 8, "repealed": 26, "in_force": 66}
    assert [disclosure[key]["decisions"] for key in ("licensing", "penalty", "coercion")] == [447228, 3985758, 88283]
    assert disclosure["fees"]["amount_10k_yuan"] == 96171.6
    totals = {key: values[-1] for key, values in report["applications"].items()}
    assert [totals[key] for key in ("new_received", "carried_over", "granted", "partially_granted")] == [
        3119,
        34,
        1362,
        454,
    ]
    denied = [totals[key] for key in totals if key.startswith("denied_")]
    assert denied == [2, 31, 5, 6, 8, 12, 9, 105]
    assert [totals[key] for key in totals if key.startswith("unavailable_")] == [769, 11, 1]
    assert [totals[key] for key in totals if key.startswith("not_processed_")] == [62, 25, 0, 0, 1]
    assert [totals[key] for key in totals if key.startswith("other_")] == [71, 6, 110]
    assert (totals["total"], totals["carried_forward"]) == (3050, 103)
    assert report["applications"]["new_received"] == [3001, 53, 0, 0, 61, 4, 3119]
    assert report["review_litigation"] == [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]
    assert [f for f in report["findings"] if f["severity"] == "error"] == []  # the arithmetic holds


@pytest.mark.parametrize("name", seed_names())
def test_unruled_tables_are_read_by_column_gaps(shared, name):
    data = samples.unruled_pdf(name)
    document = read_document(data, f"{name}.pdf")
    assert not any(finding.rule.startswith("document.") for finding in document.findings)
    assert value_mismatches(seed_expected(name), parse_bytes(data, f"{name}.pdf").to_json()) == []


def test_image_only_pdf_without_ocr_gives_the_finding_and_no_numbers(shared, tmp_path, monkeypatch):
    """With OCR switched off (tests/ocr reads such pages), an image page says so and gives nothing."""
    monkeypatch.setenv("GOVREPORTS_OCR_ENGINE", "off")
    scan = samples.image_only_pdf(HUAIAN, 4, tmp_path / "scan.pdf")
    document = read_document(scan.read_bytes(), scan.name)
    assert document.blocks == []
    assert [(f.rule, f.values["page"]) for f in document.findings] == [("document.image_page", 1)]
    assert "tables are images on page 1" in document.findings[0].message
    report = parse_bytes(scan.read_bytes(), scan.name).to_json()
    assert report["applications"] == {} and report["review_litigation"] == []
    assert all(value is None for item in report["active_disclosure"].values() for value in item.values())


def test_table_pasted_as_an_image_beside_text_is_flagged_without_ocr(shared, tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setenv("GOVREPORTS_OCR_ENGINE", "off")
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    scan = samples.image_only_pdf(HUAIAN, 5, tmp_path / "scan.pdf")
    picture = tmp_path / "scan.png"  # image_only_pdf leaves the rendered page beside the PDF
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 800, "Part 3 follows as a picture.")
    with Image.open(picture) as image:
        page.drawImage(ImageReader(image), 72, 100, width=450, height=650)
    page.save()
    document = read_document(buffer.getvalue(), "pasted.pdf")
    assert scan.exists()
    assert [(f.rule, f.values["page"]) for f in document.findings] == [("document.image_page", 1)]
    assert "a table in it is not read" in document.findings[0].message


def test_ocr_scan_with_a_text_layer_over_the_image_is_read(shared, tmp_path):
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    samples.image_only_pdf(HUAIAN, 5, tmp_path / "scan.pdf")
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    with Image.open(tmp_path / "scan.png") as image:
        page.drawImage(ImageReader(image), 0, 0, width=595, height=842)
    layer = page.beginText(72, 700)
    layer.setTextRenderMode(3)  # invisible, as OCR software writes it
    for line in range(30):
        layer.textLine(f"recognised line {line} 72 64 178 37 351")
    page.drawText(layer)
    page.save()
    document = read_document(buffer.getvalue(), "ocr.pdf")
    assert document.findings == []
    assert "recognised line 29 72 64 178 37 351" in document.text().replace("\t", " ")


def test_cid_garbage_text_layer_is_not_read(tmp_path, monkeypatch):
    from reportlab.pdfgen import canvas

    monkeypatch.setenv("GOVREPORTS_OCR_ENGINE", "off")
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for line in range(12):
        page.drawString(72, 760 - 20 * line, "(cid:230)(cid:1021)(cid:37) 115 (cid:88)(cid:12)")
    page.save()
    document = read_document(buffer.getvalue(), "garbage.pdf")
    assert [f.rule for f in document.findings] == ["document.broken_font"]
    assert document.blocks == []


@pytest.mark.parametrize("data", [b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", b"%PDF-1.4\n" + b"\x00" * 300])
def test_broken_pdf_is_unreadable_naming_the_file(data):
    with pytest.raises(UnreadableDocument, match=r"broken\.pdf"):
        read_document(data, "broken.pdf")


def test_cells_drawn_as_stroked_rectangles_make_a_table():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "1", "0", "11"]]
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("STSong-Light", 10)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            page.rect(72 + 110 * c, 700 - 24 * r, 110, 24, stroke=1, fill=0)  # the 're' operator, one per cell
            page.drawString(75 + 110 * c, 708 - 24 * r, value)
    page.save()
    (table,) = tables(read_document(buffer.getvalue(), "cells.pdf"))
    assert [[cell.text for cell in row] for row in table.rows] == rows
