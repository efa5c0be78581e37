"""Reports are recognised from titles; notices, plans and explanations are not reports."""

from __future__ import annotations

import pytest

from crawler.filenames import from_content_disposition
from crawler.pages import extension, is_deleted_stub
from crawler.recognise import recognise


@pytest.mark.parametrize(
    ("title", "agency", "year"),
    [
        ("郑州市公安局2023年政府信息公开工作年度报告", "郑州市公安局", 2023),
        ("平潭综合实验区2023年度政府信息公开工作年度报告", "平潭综合实验区", 2023),
        ("平潭综合实验区地方税务局2013年信息公开年度报告", "平潭综合实验区地方税务局", 2013),
        ("沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局", "沭阳县发展和改革局", 2023),
        ("2024 年上海市科委政府信息公开工作年度报告", "上海市科委", 2024),
        ("2023年政府信息公开工作年度报告", "本机关", 2023),
        ("2022年政府信息公开工作年报", "本机关", 2022),
    ],
)
def test_reports(title: str, agency: str, year: int) -> None:
    guess = recognise(title, "本机关")
    assert (guess.is_report, guess.agency, guess.year) == (True, agency, year)


@pytest.mark.parametrize(
    "title",
    [
        "关于2014年政府信息公开工作要点落实情况的函",
        "关于印发2024年政务公开工作要点的通知",
        "《郑州市公安局2023年政府信息公开工作年度报告》解读",
        "关于开展2023年政府信息公开工作年度报告编制工作的通知",
        "图解：2023年政府信息公开工作年度报告",
        "政府信息公开指南",
        "",
    ],
)
def test_not_reports(title: str) -> None:
    assert not recognise(title, "本机关").is_report


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ('attachment; filename="郑州市公安局2023年报告.pdf"'.encode("gbk"), "郑州市公安局2023年报告.pdf"),
        ('attachment; filename="郑州.pdf"'.encode(), "郑州.pdf"),
        (b"attachment; filename=\"x.txt\"; filename*=UTF-8''%E9%83%91%E5%B7%9E.txt", "郑州.txt"),
        (b"attachment; filename*=gbk''%D6%A3%D6%DD.doc", "郑州.doc"),
        ('attachment; filename="../../etc/报告.txt"'.encode("gbk"), "报告.txt"),
        (b'attachment; filename="..\\\\..\\\\boot.ini"', "boot.ini"),
        (b'attachment; filename="a\x00b\x1b.pdf"', "ab.pdf"),
        (b'attachment; filename=".."', None),
        (b"inline", None),
        (None, None),
    ],
)
def test_content_disposition_names_are_decoded_and_sanitised(header: bytes | None, name: str | None) -> None:
    assert from_content_disposition(header) == name


def test_deleted_stub_and_extensions() -> None:
    assert is_deleted_stub(b'<meta http-equiv="refresh" content="0;URL=../" />')
    assert not is_deleted_stub(b"<html><body>" + "正文".encode() * 300 + b"</body></html>")
    assert extension("http://x/module/download/downfile.jsp?classid=0&filename=4e59.pdf") == "pdf"
    assert extension("http://x/a/P020240308.OFD") == "ofd"
