"""Whole reports read by OCR: every seed printed by LibreOffice and by Chromium, scanned at 150, 200 and 300 dpi,
skewed ±1.5°, stamped with a red seal over part 三, speckled and saved as JPEG at quality 60 (tests/ocr/scans.py);
every seed's web page with its tables as pictures; and the corpus's real PDF scanned the same ways. Every value
comes out exactly, or blank with a finding naming the cell — never a wrong number.

Slow: about a hundred pages of OCR. Each seed is scanned two of the four ways by each renderer, the ways turning
from seed to seed so that every way meets every renderer; ``GOVREPORTS_OCR_TESTS=all`` scans every seed every
way (tests/ocr/test_pictures.py is the fast subset).
"""

from __future__ import annotations

import os

import pytest

from pipelines.report.parse import parse_bytes
from tests.conftest import CORPUS, seed_expected, seed_names
from tests.ocr import scans
from tests.ocr.expect import blanked, silent_mismatches

AGEINGS = [
    scans.Ageing(150, skew=1.5, jpeg=60),
    scans.Ageing(200, skew=-1.5, seal=True, speckle=0.002),
    scans.Ageing(300, seal=True),
    scans.Ageing(200, skew=0.7, seal=True, speckle=0.003, jpeg=60),
]
HUAIAN = CORPUS / "huaian-city-2024.pdf"
EVERY_WAY = os.environ.get("GOVREPORTS_OCR_TESTS") == "all"


def seed_scans() -> list[tuple[str, str, scans.Ageing]]:
    cases = []
    for number, name in enumerate(seed_names()):
        for renderer in ("pdf", "chrome.pdf"):
            turn = number + (renderer == "chrome.pdf")
            ways = AGEINGS if EVERY_WAY else [AGEINGS[turn % 4], AGEINGS[(turn + 2) % 4]]
            cases.extend((name, renderer, ageing) for ageing in ways)
    return cases


@pytest.mark.slow
@pytest.mark.parametrize(("name", "renderer", "ageing"), seed_scans(), ids=lambda value: getattr(value, "name", value))
def test_a_scanned_seed_reads_exactly_or_names_the_cell(converted, name, renderer, ageing):
    pages = scans.scanned(converted[renderer][name], ageing)
    report = parse_bytes(scans.image_pdf(pages, ageing.dpi), f"{name}-{ageing.name}.pdf").to_json()
    expected = seed_expected(name)
    assert silent_mismatches(expected, report) == []
    # At most one row's cells blank: a column rule lost under the seal can glue two cells' digits ('0 00') that
    # the form's sums then cannot split (parse.ambiguous_split leaves that row blank, named).
    assert blanked(expected, report) <= 7, "OCR leaves at most a few cells of a report blank"
    read = [finding for finding in report["findings"] if finding["rule"] == "ocr.read"]
    assert len(read) == len(pages)
    cell = next(cell for cell in report["cells"] if cell["part"] == "applications" and cell["value"] is not None)
    assert cell["location"]["engine"] == "rapidocr" and "confidence" in cell["location"]
    assert "image_box" in cell["location"]


@pytest.fixture(scope="module")
def huaian_printed(shared):
    """The corpus PDF's values read from its text layer (tests/document/test_pdf.py checks them by eye)."""
    return parse_bytes(HUAIAN.read_bytes(), HUAIAN.name).to_json()


@pytest.mark.slow
@pytest.mark.parametrize("ageing", AGEINGS, ids=lambda ageing: ageing.name)
def test_the_corpus_pdf_scanned_reads_as_its_text_layer(huaian_printed, ageing):
    pages = scans.scanned(HUAIAN, ageing)
    report = parse_bytes(scans.image_pdf(pages, ageing.dpi), f"huaian-{ageing.name}.pdf").to_json()
    assert silent_mismatches(huaian_printed, report) == []
    assert blanked(huaian_printed, report) <= 8, "of its ~200 cells (hairline rules, specks between its digits)"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "aged"),
    [(name, number % 2 == 1 or EVERY_WAY) for number, name in enumerate(seed_names())],
    ids=lambda value: (
        {True: "seal-speckle-jpeg60", False: "screenshots"}.get(value, value) if isinstance(value, bool) else value
    ),
)
def test_a_seed_page_with_its_tables_as_pictures_reads_exactly(converted, name, aged):
    """The seed's web page with each table replaced by an ``<img>`` of it (Chromium's rendering), the pictures
    handed over as the parse stage hands a page's archived pictures."""
    ageing = scans.Ageing(190, seal=True, speckle=0.001, jpeg=60) if aged else None
    page, pictures = scans.pictured_tables(converted["html"][name], ageing)
    assert page.count(b"<img") == 3 and b"<table" not in page
    report = parse_bytes(page, f"{name}.html", pictures=pictures.get).to_json()
    expected = seed_expected(name)
    assert silent_mismatches(expected, report) == []
    assert blanked(expected, report) <= 3
    images = {cell["location"].get("image") for cell in report["cells"] if cell["part"] == "applications"}
    assert images == {"images/table-2.png"}
