"""A Hanweb 大汉 JCMS column: ``/col/col78506/index.html`` with the first records inline in a
``<script type="text/xml">`` datastore and ``columnid:78506;unitid:'325517'`` in script; the rest only from
``POST /module/web/jpage/dataproxy.jsp?startrecord=…&endrecord=…&perpage=…`` (XML). Articles
``/art/YYYY/M/D/art_78506_N.html`` (body in ``#Zoom``); attachments through ``downfile.jsp?filename=<hash>`` with
an RFC 5987 Content-Disposition name and the wrong Content-Type, one of them ``302 → /attach/0/…`` (the same
file at two URLs). UTF-8 with charset header, ETag validators, article pages gzip-encoded.
Faults: a deleted-content stub, a 503 on the proxy that succeeds on retry."""

from __future__ import annotations

import gzip
import hashlib
import html
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from replicas.content import ZAOZHUANG, Sample, notice, paragraphs
from replicas.server import Reply, Request, Site
from replicas.sites.common import DELETED_STUB, FailOnce, not_found

COLUMN_ID = "78506"
UNIT_ID = "325517"
WEB_ID = "39"
COLUMN = f"/col/col{COLUMN_ID}/index.html"
PROXY = "/module/web/jpage/dataproxy.jsp"
INLINE = 3
FILE_HASH = "4e59a3178dec41fda94e6a596ebc228f"


@dataclass(frozen=True)
class Record:
    path: str
    title: str
    date: str
    sample: Sample | None = None
    deleted: bool = False


RECORDS = [
    Record("/art/2024/1/20/art_78506_101.html", ZAOZHUANG.title, "2024-01-20", ZAOZHUANG),
    Record("/art/2024/1/5/art_78506_100.html", "关于做好2024年政府信息公开工作的通知", "2024-01-05"),
    Record("/art/2023/12/1/art_78506_99.html", "市中分局召开政务公开工作推进会", "2023-12-01"),
    Record("/art/2023/3/2/art_78506_90.html", "2023年政务公开工作要点", "2023-03-02"),
    Record("/art/2020/1/15/art_78506_40.html", "枣庄市公安局市中分局2019年政府信息公开工作年度报告", "2020-01-15",
           deleted=True),
    Record("/art/2019/6/1/art_78506_30.html", "政府信息公开指南", "2019-06-01"),
    Record("/art/2019/1/10/art_78506_20.html", "政府信息公开制度", "2019-01-10"),
]
EXPECTED_REPORTS = {ZAOZHUANG.title}
SOURCE: dict[str, Any] = {
    "id": "replica-hanweb",
    "organ": "枣庄市公安局市中分局",
    "region_code": "370402",
    "family": "hanweb",
    "hints": {"page_size": 2, "api_params": {"webid": WEB_ID, "webname": "市中区人民政府"}},
}


def _etag(data: bytes) -> str:
    return '"' + hashlib.md5(data).hexdigest()[:16] + '"'


def _gzip(reply: Reply, request: Request) -> Reply:
    """Article pages go out gzip-encoded to clients that accept it (the WARC must keep them so)."""
    if "gzip" not in request.headers.get("accept-encoding", "") or reply.status != 200:
        return reply
    reply.body = gzip.compress(reply.body, mtime=0)
    reply.headers.append(("Content-Encoding", "gzip"))
    reply.headers.append(("Vary", "Accept-Encoding"))
    return reply


def _li(record: Record) -> str:
    return (f'<li><a href="{record.path}" title="{html.escape(record.title)}" target="_blank">'
            f"{html.escape(record.title)}</a><span>{record.date}</span></li>")


def _cdata(records: list[Record]) -> str:
    return "".join(f"<record><![CDATA[{_li(record)}]]></record>" for record in records)


class HanwebSite(Site):
    name = "hanweb"

    def __init__(self) -> None:
        self.fail_once = FailOnce(503)
        self.records = {record.path: record for record in RECORDS}

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nAllow: /\n", [("Content-Type", "text/plain")], kind="robots")
        if path in (COLUMN, f"/col/col{COLUMN_ID}/"):
            return self.column()
        if path == PROXY:
            return self.proxy(request)
        if path in self.records:
            return _gzip(self.article(self.records[path]), request)
        if path == "/module/download/downfile.jsp":
            if request.arg("filename") == f"{FILE_HASH}.txt":
                return self.file(request.arg("showname"))
            if request.arg("filename") == "redirect.txt":
                return Reply(302, b"", [("Location", f"/attach/0/{FILE_HASH}.txt")], kind="fault")
        if path == f"/attach/0/{FILE_HASH}.txt":
            return self.file(ZAOZHUANG.title + ".txt")
        return not_found()

    def _html(self, body: str, kind: str) -> Reply:
        data = body.encode("utf-8")
        return Reply(200, data, [("Content-Type", "text/html; charset=UTF-8"), ("ETag", _etag(data))], kind=kind)

    def column(self) -> Reply:
        nextgroup = (f'<a href="{PROXY}?page=1&amp;webid={WEB_ID}&amp;path=/&amp;columnid={COLUMN_ID}'
                     f'&amp;unitid={UNIT_ID}&amp;permissiontype=0"></a>')
        body = (
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>政府信息公开年报</title></head><body>\n"
            '<div id="78506"><script type="text/xml"><datastore>'
            f"<nextgroup><![CDATA[{nextgroup}]]></nextgroup><recordset>{_cdata(RECORDS[:INLINE])}</recordset>"
            "</datastore></script>\n"
            f"<script language=\"javascript\" src=\"/module/web/jpage/jpage.js\"></script>\n<script>"
            f"var jpageOptions = {{columnid:{COLUMN_ID};unitid:'{UNIT_ID}';webid:{WEB_ID};perpage:2}};</script>"
            "</div></body></html>"
        )
        return self._html(body, "list")

    def proxy(self, request: Request) -> Reply:
        if request.method != "POST":
            return Reply(405, b"method not allowed", [("Content-Type", "text/plain")], kind="fault")
        form = request.form()
        if form.get("columnid") != [COLUMN_ID] or form.get("unitid") != [UNIT_ID]:
            return Reply(200, b"<datastore><totalrecord>0</totalrecord></datastore>",
                         [("Content-Type", "text/xml")], kind="api")
        if fault := self.fail_once.check(f"{PROXY}?{request.arg('startrecord')}"):
            return fault
        start = max(int(request.arg("startrecord", "1")), 1)
        end = min(int(request.arg("endrecord", str(start))), len(RECORDS))
        xml = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><datastore><totalrecord>{len(RECORDS)}</totalrecord>"
               f"<recordset>{_cdata(RECORDS[start - 1:end])}</recordset></datastore>")
        return Reply(200, xml.encode("utf-8"), [("Content-Type", "text/xml;charset=UTF-8")], kind="api")

    def article(self, record: Record) -> Reply:
        if record.deleted:
            return Reply(200, DELETED_STUB, [("Content-Type", "text/html")], kind="page")
        content = paragraphs(record.sample) if record.sample else notice(record.title)
        links = ""
        if record.sample is ZAOZHUANG:
            showname = quote(f"{record.title}.txt")
            links = (
                f'<p>附件：<a href="/module/download/downfile.jsp?classid=0&amp;filename={FILE_HASH}.txt'
                f'&amp;showname={showname}">{html.escape(record.title)}.txt</a></p>'
                '<p>（备用下载：<a href="/module/download/downfile.jsp?classid=0&amp;filename=redirect.txt">'
                "镜像</a>）</p>"
            )
        body = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(record.title)}</title>"
                f"</head><body><div class=\"main\"><h1>{html.escape(record.title)}</h1>"
                f"<div id=\"Zoom\" class=\"article_zoom\">{content}</div>{links}</div></body></html>")
        return self._html(body, "page")

    def file(self, showname: str) -> Reply:
        data = ZAOZHUANG.data()
        disposition = f"attachment; filename=\"download.txt\"; filename*=UTF-8''{quote(showname)}"
        return Reply(200, data, [("Content-Type", "application/octet-stream"), ("Content-Disposition", disposition),
                                 ("ETag", _etag(data))], kind="attachment")
