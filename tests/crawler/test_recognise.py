"""What the crawler reads from a response besides titles: attachment names, deleted stubs, entry shells, extensions."""

from __future__ import annotations

import pytest

from crawler.filenames import from_content_disposition
from crawler.pages import entry_target, extension, is_deleted_stub


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
    assert is_deleted_stub(b'<meta http-equiv="refresh" content="0;URL=../" />', "http://x/a/202401/t1.htm")
    assert not is_deleted_stub(b"<html><body>" + "正文".encode() * 300 + b"</body></html>")
    assert extension("http://x/module/download/downfile.jsp?classid=0&filename=4e59.pdf") == "pdf"
    assert extension("http://x/a/P020240308.OFD") == "ofd"


@pytest.mark.parametrize(
    ("body", "url", "entry", "deleted"),
    [
        (b'<meta http-equiv="refresh" content="0;URL=../" />', "http://x/a/b/t1.html", None, True),
        (b'<meta http-equiv="refresh" content="0;URL=./" />', "http://x/a/index_9.html", None, True),
        (
            b'<meta http-equiv="refresh" content="0; url=/zwgk/zfxxgknb/list.shtml">',
            "http://x/zwgk/zfxxgknb/",
            "http://x/zwgk/zfxxgknb/list.shtml",
            False,
        ),
        (
            b"<html><head><script>window.location.replace('nb/index.shtml');</script></head><body></body></html>",
            "http://x/zwgk/",
            "http://x/zwgk/nb/index.shtml",
            False,
        ),
        (b"<html><body>" + "正文".encode() * 300 + b"</body></html>", "http://x/a/t1.html", None, False),
    ],
)
def test_entry_shells_are_followed_and_stubs_pointing_up_are_deleted(
    body: bytes, url: str, entry: str | None, deleted: bool
) -> None:
    assert entry_target(body, url) == entry
    assert is_deleted_stub(body, url) is deleted


def test_a_links_text_is_every_text_node_under_it_as_parsels_text_query_reads_it() -> None:
    """``links`` reads anchors from lxml directly (speed); what it reads is what parsel's ``::text`` reads."""
    from parsel import Selector

    from crawler.pages import links

    page = (
        '<HTML><body><A HREF=" /a.html ">2023年<!-- 注释 -->度<b>政府信息<!--x-->公开</b>'
        "工作 &amp; 年度报告<?pi x?>。</A>"
        '<a>no address</a><a href="b.html" title="题名">q</a><a href="#top">top</a><a href="mailto:x@y">m</a>'
        '<a href="c.pdf"><span> 附件 </span></a>'
        '<script>var s = "<a href=\\"/s.html\\">脚本</a>";</script></body></HTML>'
    )
    selector = Selector(text=page)
    by_parsel = [
        (anchor.attrib["href"].strip(), anchor.attrib.get("title") or " ".join(anchor.css("::text").getall()))
        for anchor in selector.css("a[href]")
    ]
    assert by_parsel[0][1] == "2023年 度 政府信息 公开 工作 & 年度报告 。"
    assert list(links(selector, "http://h.gov.cn/col/")) == [
        ("http://h.gov.cn/a.html", "2023年 度 政府信息 公开 工作 & 年度报告 。"),
        ("http://h.gov.cn/col/b.html", "题名"),
        ("http://h.gov.cn/col/c.pdf", "附件"),
        ("http://h.gov.cn/s.html", "脚本"),
    ]
