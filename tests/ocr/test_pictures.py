"""Tables printed as pictures are read by OCR into the same blocks as any table, in every place a picture can be:
a picture file (PNG, JPEG, TIFF, BMP, GIF), a PDF page that is a scan or has a table pasted as a picture, a
page whose font is broken, a picture inside a DOCX. Straightened, seal removed, cached, every cell marked with
its engine, confidence and box. Fast: small pictures drawn here (tests/ocr/test_scans.py reads whole reports)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from pipelines.document import sniff
from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Table
from pipelines.document.ocr.cache import OcrCache, use_archive
from pipelines.document.ocr.engine import Char, Engine, load_engine, numeric_cleaned
from pipelines.document.ocr.prepare import binarise, skew_angle, without_red
from pipelines.document.ocr.raster import Raster
from pipelines.document.ocr.scan import read_raster
from pipelines.document.read import read_document
from tests.ocr import scans

ROWS = [
    ["新收", "结转", "予以公开", "部分公开", "不予公开", "无法提供", "总计", "结转下年"],
    ["3119", "34", "1362", "454", "0", "769", "3050", "103"],
    ["8", "60", "97", "1", "15", "28", "6", "0"],
]


@pytest.fixture(scope="module")
def picture() -> Image.Image:
    return scans.table_picture(ROWS)


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def table_texts(document) -> list[list[str]]:
    tables = [block for block in document.blocks if isinstance(block, Table)]
    assert len(tables) == 1, document.text()
    return [[cell.text for cell in row] for row in tables[0].rows]


def test_a_table_picture_is_read_cell_by_cell_with_engine_confidence_and_box(picture):
    document = read_document(png(picture), "table.png")
    assert document.media_type == "image/png"
    assert table_texts(document) == ROWS
    table = next(block for block in document.blocks if isinstance(block, Table))
    for row in table.rows:
        for cell in row:
            where = cell.location
            assert where.engine == "rapidocr" and 0.5 < where.confidence <= 1.0
            x0, y0, x1, y1 = where.image_box
            assert 0 <= x0 < x1 <= picture.width and 0 <= y0 < y1 <= picture.height
    number = table.rows[1][0].location
    assert number.to_json()["engine"] == "rapidocr" and "image_box" in number.to_json()
    assert [finding.rule for finding in document.findings] == ["ocr.read"]


def test_a_skewed_stamped_jpeg_scan_reads_the_same(picture):
    aged = scans.stamp(picture, 0.5, 0.6, 200)  # the seal over the numbers
    aged = aged.rotate(1.5, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255), expand=True)
    aged = scans.speckle(aged, 0.002, seed=7)
    buffer = io.BytesIO()
    aged.save(buffer, "JPEG", quality=60)
    document = read_document(buffer.getvalue(), "aged.jpg")
    assert document.media_type == "image/jpeg"
    assert table_texts(document) == ROWS
    assert document.findings[0].values["angle"] == pytest.approx(-1.5, abs=0.1)


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "TIFF", "BMP", "GIF"])
def test_every_picture_format_is_a_document(picture, kind):
    data = scans.encoded(picture, kind, 200)
    assert sniff.sniff(data) == {"PNG": sniff.PNG, "JPEG": sniff.JPEG, "TIFF": sniff.TIFF, "BMP": sniff.BMP,
                                 "GIF": sniff.GIF}[kind]  # fmt: skip
    assert table_texts(read_document(data, f"table.{kind.lower()}")) == ROWS


def test_a_multi_page_tiff_is_a_multi_page_document_whose_table_runs_on(picture):
    buffer = io.BytesIO()
    more = ["1", "2", "3", "4", "5", "6", "7", "8"]
    second = scans.table_picture([ROWS[0], more])  # the header printed again on the next page
    picture.save(buffer, "TIFF", save_all=True, append_images=[second], dpi=(200, 200))
    document = read_document(buffer.getvalue(), "two.tif")
    assert [f.values["page"] for f in document.findings if f.rule == "ocr.read"] == [1, 2]
    assert table_texts(document) == [*ROWS, more]
    table = next(block for block in document.blocks if isinstance(block, Table))
    assert table.rows[-1][0].location.page == 2
    assert any(f.rule == "document.page_split_table" for f in document.findings)


def test_a_broken_picture_is_unreadable_naming_the_file():
    with pytest.raises(UnreadableDocument, match=r"broken\.png"):
        read_document(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "broken.png")


def test_without_ocr_a_picture_says_so_and_gives_nothing(picture, monkeypatch):
    monkeypatch.setenv("GOVREPORTS_OCR_ENGINE", "off")
    document = read_document(png(picture), "table.png")
    assert document.blocks == [] and [f.rule for f in document.findings] == ["ocr.unavailable"]
    assert "GOVREPORTS_OCR_ENGINE=off" in document.findings[0].message


def test_a_table_pasted_as_a_picture_beside_pdf_text_is_read_into_the_page(picture):
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 800, "Part 3 follows as a picture.")
    page.drawImage(ImageReader(picture), 40, 300, width=picture.width * 72 / 200, height=picture.height * 72 / 200)
    page.save()
    document = read_document(buffer.getvalue(), "pasted.pdf")
    assert "Part 3 follows as a picture." in document.text()
    assert table_texts(document) == ROWS
    read = [f for f in document.findings if f.rule == "ocr.read"]
    assert len(read) == 1 and "an image covers" in read[0].message
    table = next(block for block in document.blocks if isinstance(block, Table))
    x0, _, x1, _ = table.rows[1][0].location.bbox  # in the page's points, where the picture was placed
    assert 40 <= x0 < x1 <= 40 + picture.width * 72 / 200


def test_a_scanned_pdf_page_is_read(picture):
    data = scans.image_pdf([picture], 150)
    document = read_document(data, "scan.pdf")
    assert table_texts(document) == ROWS
    assert [f.rule for f in document.findings] == ["ocr.read"]
    assert "image without a text layer" in document.findings[0].message


def test_a_page_with_a_broken_font_is_read_from_its_rendering(tmp_path):
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for line in range(12):
        page.drawString(72, 760 - 20 * line, "(cid:230)(cid:1021)(cid:37) 115 (cid:88)(cid:12)")
    page.save()
    document = read_document(buffer.getvalue(), "garbage.pdf")
    assert [f.rule for f in document.findings] == ["ocr.read", "document.broken_font"]
    assert "read by OCR" in document.findings[1].message
    assert "115" in document.text()  # what the page shows, not its broken codes


def test_a_picture_inside_a_docx_is_read_where_it_stands(picture, tmp_path):
    import docx

    path = tmp_path / "picture.png"
    picture.save(path)
    word = docx.Document()
    word.add_paragraph("三、收到和处理政府信息公开申请情况")
    word.add_picture(str(path))
    table = word.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "规章", "5"
    word.add_paragraph("四、结束")
    buffer = io.BytesIO()
    word.save(buffer)
    document = read_document(buffer.getvalue(), "pictures.docx")
    kinds = [type(block).__name__ for block in document.blocks]
    assert kinds == ["Paragraph", "Table", "Table", "Paragraph"]
    pictured, typed = (block for block in document.blocks if isinstance(block, Table))
    assert [[cell.text for cell in row] for row in pictured.rows] == ROWS
    assert pictured.index == 0 and typed.index == 1 and typed.rows[0][1].location.table == 1
    assert pictured.rows[1][0].location.image == "word/media/image1.png"
    assert [f.rule for f in document.findings] == ["ocr.read"]


class Counting(Engine):
    """The real engine, counting what it is asked to do."""

    name = "rapidocr"

    def __init__(self, version: str = "") -> None:
        self.engine, self.calls, self.suffix = load_engine("rapidocr"), 0, version

    @property
    def version(self) -> str:
        return self.engine.version + self.suffix

    def detect(self, image):
        self.calls += 1
        return self.engine.detect(image)

    def recognise(self, image, boxes):
        return self.engine.recognise(image, boxes)


def test_a_reading_is_cached_per_image_engine_and_version(picture, tmp_path):
    raster = Raster(np.asarray(picture), 200)
    cache = OcrCache(tmp_path / "ocr")
    engine = Counting()
    first = read_raster(raster, engine=engine, cache=cache)
    again = read_raster(Raster(np.asarray(picture).copy(), 200), engine=engine, cache=cache)
    assert engine.calls == 1 and again == first
    stored = list((tmp_path / "ocr" / "rapidocr").glob("*/*/*.json"))
    assert len(stored) == 1
    newer = Counting(" next")
    read_raster(raster, engine=newer, cache=cache)
    assert newer.calls == 1 and len(list((tmp_path / "ocr" / "rapidocr").glob("*/*/*.json"))) == 2
    stored[0].write_text("{ not json")  # a damaged entry is read again, never an error
    assert read_raster(raster, engine=engine, cache=cache) == first and engine.calls == 2


def test_the_cache_lives_beside_the_archive_unless_told(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVREPORTS_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("GOVREPORTS_OCR_CACHE", raising=False)
    assert OcrCache.configured().root == tmp_path / "data" / "archive" / "ocr"
    use_archive(tmp_path / "parsed")  # the parse stage's workers: beside the archive they parse
    try:
        assert OcrCache.configured().root == tmp_path / "parsed" / "ocr"
    finally:
        use_archive(None)
    monkeypatch.setenv("GOVREPORTS_OCR_CACHE", "off")
    assert OcrCache.configured().root is None
    remote = OcrCache("s3://bucket/archive/ocr")
    assert remote.root == "s3://bucket/archive/ocr"


def test_skew_is_measured_from_the_lines(picture):
    for degrees in (-1.5, 0.0, 1.5):
        turned = picture.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255), expand=True)
        gray = np.asarray(turned.convert("L"))
        assert skew_angle(binarise(gray)) == pytest.approx(-degrees, abs=0.1)


def test_red_ink_is_paper_and_black_ink_under_it_stays_dark():
    # seal ink, black, black under seal ink, paper, a hairline rule under seal ink
    pixels = np.array([[[214, 38, 42], [0, 0, 0], [30, 4, 5], [255, 255, 255], [175, 33, 37]]], dtype=np.uint8)
    assert without_red(pixels).tolist() == [[255, 0, 30, 255, 209]]


def test_a_number_loses_its_specks_and_stray_marks():
    chars = [Char(text, 0, 1, 0.9) for text in "'0.5.'"]
    assert "".join(char.text for char in numeric_cleaned(chars)) == "0.5"


def test_a_web_page_table_printed_as_a_picture_is_read_where_it_stands(picture):
    import base64

    from pipelines.document.model import Paragraph

    inline = base64.b64encode(png(picture)).decode()
    page = (
        "<html><head><title>2023年政府信息公开工作年度报告</title></head><body><div class='content'>"
        "<p>三、收到和处理政府信息公开申请情况</p>"
        f"<p><img src='data:image/png;base64,{inline}' alt='表三'></p>"
        "<p>四、政府信息公开行政复议、行政诉讼情况</p>"
        "<img src='/files/table4.png'><img src='/icons/print.gif' width='16' height='16'>"
        "<p>五、存在的主要问题及改进情况</p></div></body></html>"
    )
    asked = []

    def archived(src: str) -> bytes | None:
        asked.append(src)
        return png(scans.table_picture([["结果维持", "结果纠正"], ["7", "0"]])) if src == "/files/table4.png" else None

    document = read_document(page.encode(), "page.html", pictures=archived)
    assert asked == ["/files/table4.png"], "icons are not pictures of tables; data: addresses hold their picture"
    kinds = [(type(block).__name__, getattr(block, "text", None)) for block in document.blocks]
    assert kinds == [
        ("Paragraph", "三、收到和处理政府信息公开申请情况"),
        ("Table", None),
        ("Paragraph", "四、政府信息公开行政复议、行政诉讼情况"),
        ("Table", None),
        ("Paragraph", "五、存在的主要问题及改进情况"),
    ]
    first, second = (block for block in document.blocks if isinstance(block, Table))
    assert [[cell.text for cell in row] for row in first.rows] == ROWS
    assert [[cell.text for cell in row] for row in second.rows] == [["结果维持", "结果纠正"], ["7", "0"]]
    assert (first.index, second.index) == (0, 1)
    assert first.rows[1][0].location.image == "data:image/png #1"
    assert second.rows[1][0].location.image == "/files/table4.png"
    assert not any(isinstance(block, Paragraph) and "print" in block.text for block in document.blocks)


def test_a_picture_not_at_hand_is_named():
    page = "<html><body><p>三、收到和处理政府信息公开申请情况</p><p><img src='t3.png'></p></body></html>"
    document = read_document(page.encode(), "page.html")
    assert [(f.rule, f.values["image"]) for f in document.findings] == [("ocr.picture_missing", "t3.png")]


def test_a_saved_page_finds_its_pictures_beside_it_and_nowhere_else(tmp_path, picture):
    from pipelines.document.pictures import files_beside

    (tmp_path / "page_files").mkdir()
    (tmp_path / "page_files" / "表 3.png").write_bytes(png(picture))
    (tmp_path.parent / "secret.png").write_bytes(b"not yours")
    lookup = files_beside(tmp_path / "page.html")
    assert lookup("page_files/%E8%A1%A8%203.png") == png(picture)
    assert lookup("../secret.png") is None and lookup("http://example.org/t.png") is None
    assert lookup("page_files/none.png") is None


def test_a_cell_of_an_images_table_is_a_number_a_mark_a_label_or_blank_with_a_finding():
    from pipelines.document.model import Cell, Location
    from pipelines.document.ocr.scan import _tidy
    from pipelines.findings import FindingsLog

    findings: list = []
    log = FindingsLog("scan.pdf", "document", findings)
    read = {"3001": "3001", "96171.6": "96171.6", "/": "/", "其他结果": "其他结果", "8-": "8", "：0": "0",
            "0 ?": "0", "U": "", "1i1o": "", "96171.6 1": "", "PDF": "PDF"}  # fmt: skip
    for text, kept in read.items():
        cell = Cell(text, Location(page=1, engine="rapidocr"))
        _tidy(cell, log, last=True)
        assert cell.text == kept, text
    assert [finding.values["printed"] for finding in findings] == ["U", "1i1o", "96171.6 1"]
    label = Cell("行政事业性收费0", Location(page=1, engine="rapidocr"))
    _tidy(label, log, last=False)
    assert label.text == "行政事业性收费" and findings[-1].rule == "ocr.unreadable"
    total = Cell("（七）总计", Location(page=1, engine="rapidocr"))
    _tidy(total, log, last=False)
    assert total.text == "（七）总计"
