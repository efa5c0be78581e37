"""A Hanweb column whose ``<nextgroup>`` link carries opaque ids (国家医保局, 广电总局; real markup 4): the
``/col/`` page embeds the first records; further groups come only from the nextgroup link exactly as written
(``columnid`` and ``unitid`` are base64 blobs); a dataproxy form built from the digits in the page's script is the
wrong request (it answers no record); the group after the last answers an empty 54-byte body."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

from replicas.content import ZAOZHUANG, ZHENGZHOU, Sample
from replicas.server import Reply, Request, Site
from replicas.sites.common import article_reply, html_reply, not_found

COLUMN = "/col/col33517/index.html"
PROXY = "/module/web/jpage/dataproxy.jsp"
COLUMN_BLOB = "Q0xNTl8zMzUxNw%3D%3D"
UNIT_BLOB = "VU5JVF9fOTk3Mg%3D%3D"
GROUPS: list[list[tuple[str, str, Sample | None]]] = [
    [("/art/2024/2/1/art_33517_701.html", "关于做好2024年政务公开工作的通知", None),
     ("/art/2024/1/20/art_33517_700.html", ZAOZHUANG.title, ZAOZHUANG)],
    [("/art/2023/6/1/art_33517_650.html", "2023年政务公开工作要点", None),
     ("/art/2023/3/8/art_33517_640.html", ZHENGZHOU.title, ZHENGZHOU)],
    [("/art/2022/3/1/art_33517_600.html", "政府信息公开制度", None)],
]
EMPTY = b'<?xml version="1.0" encoding="UTF-8"?><datastore/>' + b" " * 4
EXPECTED_REPORTS = {ZAOZHUANG.title, ZHENGZHOU.title}
SOURCE: dict[str, Any] = {"id": "replica-hanweb-nextgroup", "organ": "枣庄市公安局市中分局", "region_code": "370402",
                          "family": "hanweb"}
START = COLUMN


def _records(group: list[tuple[str, str, Sample | None]]) -> str:
    return "".join(f'<record><![CDATA[<li><a href="{path}" title="{html.escape(title)}">{html.escape(title)}</a>'
                   f"<span>2024-01-20</span></li>]]></record>" for path, title, _ in group)


def _nextgroup(number: int) -> str:
    href = f"{PROXY}?page={number}&amp;columnid={COLUMN_BLOB}&amp;unitid={UNIT_BLOB}&amp;webid=1&amp;path=/"
    return f'<nextgroup><![CDATA[<a href="{href}"></a>]]></nextgroup>'


class HanwebNextgroupSite(Site):
    name = "hanweb-nextgroup"

    def __init__(self) -> None:
        self.articles = {path: (title, sample) for group in GROUPS for path, title, sample in group}

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/robots.txt":
            return Reply(404, b"", kind="robots")
        if path == COLUMN:
            body = (f'<div id="33517"><script type="text/xml"><datastore>{_nextgroup(2)}<recordset>'
                    f"{_records(GROUPS[0])}</recordset></datastore></script>\n"
                    "<script>var jpageOptions = {columnid:33517;unitid:9972;webid:1;perpage:2};</script></div>")
            return html_reply("政府信息公开年报", body, "list")
        if path == PROXY:
            return self.group(request)
        if path in self.articles:
            title, sample = self.articles[path]
            return article_reply(title, sample)
        return not_found()

    def group(self, request: Request) -> Reply:
        if request.method != "GET" or quote(request.arg("columnid"), safe="") != COLUMN_BLOB \
                or quote(request.arg("unitid"), safe="") != UNIT_BLOB:
            return Reply(200, b"<datastore><totalrecord>0</totalrecord></datastore>", [("Content-Type", "text/xml")],
                         kind="api")
        number = int(request.arg("page", "1") or 1)
        if not 2 <= number <= len(GROUPS):
            return Reply(200, EMPTY, [("Content-Type", "text/xml")], kind="api")
        following = _nextgroup(number + 1)
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><datastore>{following}<recordset>'
               f"{_records(GROUPS[number - 1])}</recordset></datastore>")
        return Reply(200, xml.encode(), [("Content-Type", "text/xml;charset=UTF-8")], kind="api")
