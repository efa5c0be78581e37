"""A TRS WCM column: static ``index.html``, ``index_1.html`` … with the page count only in ``createPageHTML``;
articles ``./YYYYMM/tYYYYMMDD_ID.html`` with ``ArticleTitle`` meta and a ``TRS_Editor`` body; attachments
``./P0….txt`` (``appendix="true"``) and one written only by a script (``var rel_appendix``). GBK everywhere and no
charset anywhere (neither header nor meta). Faults: a 404, a slow page, a redirect loop, a redirect to a private
address, an off-site link, a robots.txt-disallowed link, a 503 that succeeds on retry, a page past the last one
that meta-refreshes to ``./``."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from replicas.content import ZHENGZHOU, ZHUMADIAN, Sample, notice, paragraphs
from replicas.server import Reply, Request, Site
from replicas.sites.common import PUBLISHED, FailOnce, not_found

COLUMN = "/xxgk/zfxxgknb/"
ENCODING = "gbk"


@dataclass(frozen=True)
class Item:
    path: str
    title: str
    date: str
    sample: Sample | None = None
    attachments: tuple[tuple[str, str], ...] = field(default=())
    script_attachments: tuple[tuple[str, str], ...] = field(default=())


PAGES: list[list[Item]] = [
    [
        Item("202403/t20240308_87885.html", ZHENGZHOU.title, "2024-03-08", ZHENGZHOU,
             attachments=(("P020240308512345678901.txt", f"{ZHENGZHOU.title}.txt"),),
             script_attachments=(("P020240308512345678902.doc", "下载文字版"),)),
        Item("202402/t20240220_87001.html", "关于印发2024年政务公开工作要点的通知", "2024-02-20"),
        Item("private/t20240101_1.html", "内部资料", "2024-01-01"),
        Item("http://www.example.gov.cn/xxgk/t1.html", "河南省2023年政府信息公开工作年度报告", "2024-01-01"),
    ],
    [
        Item("202203/t20220315_70001.html", ZHUMADIAN.title, "2022-03-15", ZHUMADIAN),
        Item("202403/t20240310_87890.html", f"《{ZHENGZHOU.title}》解读", "2024-03-10"),
        Item("go/slow.html", "关于调整政务公开咨询电话的通知", "2023-12-01"),
    ],
    [
        Item("202103/t20210301_60001.html", "郑州市公安局2020年政府信息公开工作年度报告", "2021-03-01"),
        Item("loop/a.html", "政务公开工作动态", "2021-02-01"),
        Item("go/private.html", "相关链接", "2021-01-01"),
    ],
]
GONE = {"202103/t20210301_60001.html"}
"""Listed but deleted: the server answers 404."""
EXPECTED_REPORTS = {ZHENGZHOU.title, ZHUMADIAN.title}
SOURCE: dict[str, Any] = {
    "id": "replica-trs",
    "organ": "郑州市公安局",
    "region_code": "410100",
    "family": "trs",
}


def _page(title: str, body: str, extra_head: str = "") -> bytes:
    document = (
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n<html>\n<head>\n"
        f"<title>{html.escape(title)}</title>\n{extra_head}</head>\n<body>\n"
        "<div class=\"header\"><a href=\"/\">首页</a> &gt; <a href=\"/xxgk/\">信息公开</a> &gt; "
        f"<a href=\"{COLUMN}\">政府信息公开年报</a></div>\n{body}\n</body>\n</html>\n"
    )
    return document.encode(ENCODING, "xmlcharrefreplace")


def _html(body: bytes, kind: str, validators: bool = False) -> Reply:
    headers: list[tuple[str, str | bytes]] = [("Content-Type", "text/html")]
    if validators:
        headers.append(("Last-Modified", PUBLISHED))
    return Reply(200, body, headers, kind=kind)


class TrsSite(Site):
    name = "trs"

    def __init__(self) -> None:
        self.fail_once = FailOnce(503)
        self.items = {item.path: item for page in PAGES for item in page if not item.path.startswith(("/", "http"))}
        self.attachments = {
            name: (item, label) for item in self.items.values()
            for name, label in item.attachments + item.script_attachments
        }

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/robots.txt":
            return Reply(200, f"User-agent: *\nDisallow: {COLUMN}private/\n".encode(), [("Content-Type", "text/plain")],
                         kind="robots")
        if path in (COLUMN, f"{COLUMN}index.html"):
            return self.list_page(0)
        if path.startswith(f"{COLUMN}index_") and path.endswith(".html"):
            number = path.removeprefix(f"{COLUMN}index_").removesuffix(".html")
            if number.isdigit() and 0 < int(number) < len(PAGES):
                return self.list_page(int(number))
            return _html(b'<meta http-equiv="refresh" content="0;URL=./" />', kind="list")
        relative = path.removeprefix(COLUMN)
        if relative == "go/slow.html":
            reply = self.article(self.items[relative])
            reply.delay = 1.5
            return reply
        if relative == "go/private.html":
            return Reply(302, b"", [("Location", "http://10.0.0.1/xxgk/")], kind="fault")
        if relative in ("loop/a.html", "loop/b.html"):
            other = "b" if relative.endswith("a.html") else "a"
            return Reply(302, b"", [("Location", f"{COLUMN}loop/{other}.html")], kind="fault")
        if relative.startswith("private/"):
            return Reply(200, _page("内部资料", notice("内部资料")), [("Content-Type", "text/html")], kind="private")
        if relative in self.items and relative not in GONE:
            return self.article(self.items[relative])
        name = relative.rsplit("/", 1)[-1]
        if name in self.attachments:
            return self.attachment(name, relative)
        return not_found()

    def list_page(self, number: int) -> Reply:
        rows = []
        for item in PAGES[number]:
            href = item.path if item.path.startswith(("/", "http")) else f"./{item.path}"
            rows.append(f'<li><a href="{href}" target="_blank" title="{html.escape(item.title)}">'
                        f"{html.escape(item.title)}</a><span>{item.date}</span></li>")
        body = (
            '<div class="list"><ul class="rsb_con_rightUl">\n' + "\n".join(rows) + "\n</ul></div>\n"
            '<div class="page"><script type="text/javascript">\n'
            f'createPageHTML({len(PAGES)}, {number}, "index", "html");\n</script></div>\n'
            "<script>function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){"
            'var s=""; for(var i=0;i<_nPageCount;i++){ s+= (i==0? _sPageName : _sPageName+"_"+i)+"."+_sPageExt; }'
            "}</script>"
        )
        return _html(_page("政府信息公开年报", body), kind="list")

    def article(self, item: Item) -> Reply:
        meta = (
            f'<meta name="ArticleTitle" content="{html.escape(item.title)}">\n'
            f'<meta name="PubDate" content="{item.date} 09:00">\n<meta name="ColumnName" content="政府信息公开年报">\n'
        )
        content = paragraphs(item.sample) if item.sample else notice(item.title)
        links = "".join(
            f'<p><a href="./{name}" appendix="true" title="{html.escape(label)}" download="{html.escape(label)}" '
            f'OLDSRC="/protect/P0202403/{name}">{html.escape(label)}</a></p>'
            for name, label in item.attachments
        )
        scripts = "".join(
            f"<script>var rel_appendix = '<a href=\"./{name}\">{label}</a>'; document.write(rel_appendix);</script>"
            for name, label in item.script_attachments
        )
        body = f'<h1>{html.escape(item.title)}</h1>\n<div class=TRS_Editor>{content}</div>\n{links}{scripts}'
        return _html(_page(item.title, body, meta), kind="page", validators=True)

    def attachment(self, name: str, relative: str) -> Reply:
        item, _label = self.attachments[name]
        if name.endswith(".txt") and (fault := self.fail_once.check(relative)):
            return fault
        assert item.sample is not None
        data = item.sample.data() if name.endswith(".txt") else self.article(item).body
        filename = f"{item.title}{name[name.rfind('.'):]}".encode(ENCODING)
        return Reply(200, data, [
            ("Content-Type", "application/octet-stream"),
            ("Content-Disposition", b'attachment; filename="' + filename + b'"'),
            ("Last-Modified", PUBLISHED),
        ], kind="attachment")
