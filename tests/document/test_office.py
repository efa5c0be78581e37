"""Word binary files (DOC; WPS 文字 writes the same compound-file format to .wps) through LibreOffice.

WPS: LibreOffice cannot write .wps and no real .wps report could be found, so no WPS test file exists; a DOC
renamed to .wps would test nothing the DOC test does not (the bytes decide, not the name). Seeds as DOC are in
tests/report/test_formats.py."""

from __future__ import annotations

import pytest

from pipelines.document import office
from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Table
from pipelines.document.read import read_document

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is not installed")


@pytest.mark.slow
def test_doc_keeps_merged_cells(converted):
    name = sorted(converted["doc"])[0]
    document = read_document(converted["doc"][name].read_bytes(), f"{name}.doc")
    assert document.media_type == "application/msword"
    cells = [cell for block in document.blocks if isinstance(block, Table) for row in block.rows for cell in row]
    group = next(cell for cell in cells if cell.text == "三、本年度办理结果")
    assert group.rowspan >= 22


def test_corrupt_doc_is_unreadable_naming_the_file():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "WordDocument".encode("utf-16-le") + b"\xff" * 2000
    with pytest.raises(UnreadableDocument, match=r"corrupt\.doc"):
        read_document(data, "corrupt.doc")
