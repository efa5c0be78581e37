"""Every format a report is published in reproduces the seeds' expected values exactly through parse_bytes:
the seed's rendering converted by LibreOffice (DOCX, DOC, RTF, XLSX, XLS, PDF), printed by Chromium (PDF), laid out
to OFD, and saved as MHT ('.doc' files that are web pages). Also the real corpus PDF."""

from __future__ import annotations

import email.generator
import email.mime.multipart
import email.mime.text
import io

import pypdfium2
import pytest

from pipelines.document import sniff
from pipelines.document.read import read_document
from pipelines.report.parse import parse_bytes
from replicas.render import render_html
from tests.conftest import CORPUS, seed_expected, seed_names, seed_text, value_mismatches
from tests.document import samples
from tests.document.ofd_writer import write_ofd

MEDIA_TYPES = {
    "docx": sniff.DOCX,
    "doc": sniff.DOC,
    "rtf": sniff.RTF,
    "xlsx": sniff.XLSX,
    "xls": sniff.XLS,
    "pdf": sniff.PDF,
    "chrome.pdf": sniff.PDF,
}


@pytest.fixture(scope="session")
def converted(shared, tmp_path_factory):
    if samples.soffice() is None:
        pytest.skip("LibreOffice is not installed (bash run.sh setup installs it)")
    return samples.session_samples(tmp_path_factory)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(MEDIA_TYPES))
def test_converted_seeds_reproduce_the_expected_values(converted, kind):
    if kind not in converted:
        pytest.skip(f"no converter for {kind} (Chromium missing?)")
    for name in seed_names():
        data = converted[kind][name].read_bytes()
        report = parse_bytes(data, f"{name}.{kind}").to_json()
        assert report["document"]["media_type"] == MEDIA_TYPES[kind]
        assert value_mismatches(seed_expected(name), report) == [], f"{name}.{kind}"


@pytest.mark.slow
def test_ofd_from_the_converted_docx_reproduces_the_expected_values(converted):
    for name in seed_names():
        document = read_document(converted["docx"][name].read_bytes(), f"{name}.docx")
        report = parse_bytes(write_ofd(document), f"{name}.ofd").to_json()
        assert value_mismatches(seed_expected(name), report) == [], name


def mht(page: bytes, charset: str) -> bytes:
    """A page saved as a single-file web page (what Word and IE write, often served as '.doc')."""
    message = email.mime.multipart.MIMEMultipart("related", type="text/html")
    part = email.mime.text.MIMEText(page.decode("utf-8"), "html", charset)
    part.replace_header("Content-Transfer-Encoding", part["Content-Transfer-Encoding"])
    message.attach(part)
    buffer = io.StringIO()
    email.generator.Generator(buffer, mangle_from_=False).flatten(message)
    return buffer.getvalue().encode("ascii")


@pytest.mark.parametrize("name", seed_names())
def test_mht_seeds_reproduce_the_expected_values(shared, name):
    page = render_html(seed_expected(name), seed_text(name))
    data = mht(page, "gb18030")
    report = parse_bytes(data, f"{name}.doc").to_json()
    assert report["document"]["media_type"] == sniff.MHT
    assert value_mismatches(seed_expected(name), report) == []


def test_corpus_pdf_parses_with_its_arithmetic_holding(shared):
    report = parse_bytes((CORPUS / "huaian-city-2024.pdf").read_bytes(), "huaian-city-2024.pdf").to_json()
    assert report["template"] == "2021" and report["year"] == 2024
    assert report["applications"]["total"] == [2932, 53, 0, 0, 61, 4, 3050]
    assert not [finding for finding in report["findings"] if finding["severity"] == "error"]


@pytest.mark.slow
def test_seed_pdf_scanned_to_images_gives_findings_and_no_numbers(converted, tmp_path, monkeypatch):
    """Every page of a seed PDF rendered to an image and wrapped into a PDF of its own, OCR switched off (tests/ocr
    reads them): nothing is read."""
    monkeypatch.setenv("GOVREPORTS_OCR_ENGINE", "off")
    name = seed_names()[0]
    pdf = converted["pdf"][name]
    pages = len(pypdfium2.PdfDocument(pdf))
    for page in range(1, pages + 1):
        scan = samples.image_only_pdf(pdf, page, tmp_path / f"scan-{page}.pdf")
        report = parse_bytes(scan.read_bytes(), scan.name).to_json()
        assert any(finding["rule"] == "document.image_page" for finding in report["findings"])
        assert report["applications"] == {} and report["review_litigation"] == []
        assert all(value is None for item in report["active_disclosure"].values() for value in item.values())
