"""The OFD reader: OFD files written to GB/T 33190 from the seeds' tables read back into the same values, a cell
cut by a page break is joined, and broken packages give clean errors."""

from __future__ import annotations

import io
import zipfile

import pytest

from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Table
from pipelines.document.read import read_document
from pipelines.report.parse import parse_bytes
from replicas.render import render_html
from tests.conftest import seed_expected, seed_names, seed_text, value_mismatches
from tests.document.ofd_writer import write_ofd


def seed_ofd(name: str) -> bytes:
    """The seed's rendering read by the HTML reader, then laid out to OFD (no LibreOffice needed)."""
    page = render_html(seed_expected(name), seed_text(name), chrome=False)
    return write_ofd(read_document(page, f"{name}.html"))


@pytest.mark.parametrize("name", seed_names())
def test_seed_ofd_reproduces_the_expected_values(shared, name):
    data = seed_ofd(name)
    assert read_document(data, f"{name}.ofd").media_type == "application/ofd"
    assert value_mismatches(seed_expected(name), parse_bytes(data, f"{name}.ofd").to_json()) == []


def test_ofd_cells_carry_page_and_bbox(shared):
    document = read_document(seed_ofd(seed_names()[0]), "seed.ofd")
    cells = [cell for block in document.blocks if isinstance(block, Table) for row in block.rows for cell in row]
    assert cells and all(cell.location.page and cell.location.bbox for cell in cells)


def test_label_cut_by_a_page_break_is_joined():
    """A group label whose lines run over the page foot ('（四）无' / '法提供' in real reports)."""
    from pipelines.document.model import Cell, Document, Paragraph

    label = "（四）无法提供" + "很长的标签文字" * 7  # two lines in its column: one per page
    rows = [[Cell(label, rowspan=3), Cell("1.甲"), Cell("5")]]
    rows += [[Cell("2.乙"), Cell("6")], [Cell("3.丙"), Cell("7")]]
    filler = [Paragraph("正文" * 20) for _ in range(49)]  # the table starts two rows above the page foot
    document = Document("split", "0", "text/html", blocks=[*filler, Table(rows=rows)])
    read = read_document(write_ofd(document), "split.ofd")
    table = next(block for block in read.blocks if isinstance(block, Table))
    assert (table.rows[0][0].text, table.rows[0][0].rowspan) == (label, 3)
    assert table.rows[0][0].location.page == 1 and table.rows[-1][-1].location.page == 2
    assert [[cell.text for cell in row][-2:] for row in table.rows] == [["1.甲", "5"], ["2.乙", "6"], ["3.丙", "7"]]
    assert any(f.rule == "document.page_split_table" for f in read.findings)


def _ofd(**entries: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ({"OFD.xml": b"<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'><ofd:DocBody/></ofd:OFD>"}, "DocRoot"),
        ({"OFD.xml": b"<ofd:OFD><unclosed></ofd:OFD>"}, "malformed XML"),
        (
            {"OFD.xml": b"<OFD><DocBody><DocRoot>Doc_0/Document.xml</DocRoot></DocBody></OFD>"},
            "missing",
        ),
    ],
)
def test_broken_ofd_is_unreadable_naming_the_file(entries, reason):
    with pytest.raises(UnreadableDocument, match=reason) as error:
        read_document(_ofd(**entries), "broken.ofd")
    assert error.value.source == "broken.ofd"
