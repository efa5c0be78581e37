"""City 政府信息公开 platforms that carry one column per organ (real markup 7), on a host of their own.

- Beijing style: ``/<organ code>/zfxxgknb/list.shtml``; the column root ``/<organ code>/zfxxgknb/`` is a ~160-byte
  ``location.replace`` shell (Beijing district roots are), to be followed, not judged a deleted document.
- Hefei style: ``/zwgk/public/spage.xp?doAction=sindex&unitid=<16 digits>&frame=nb``, the organ chosen by
  ``unitid``, pages by ``&pageIndex=N``; the pager prints 首页, page numbers, 下一页 and 尾页 as plain links, none of
  which is an item.

Which organ a column belongs to is in its URL (organ code, unitid) and in the page heading.
"""

from __future__ import annotations

import html
from typing import Any

from replicas.content import SHUYANG, ZAOZHUANG, ZHENGZHOU, ZHUMADIAN, Sample
from replicas.server import Reply, Request, Site
from replicas.sites.common import article_reply, html_reply, list_items, not_found

ORGANS: dict[str, dict[str, Any]] = {
    "410016": {"organ": "郑州市公安局", "region_code": "410100",
               "items": [("t20240308_6001.html", ZHENGZHOU.title, ZHENGZHOU),
                         ("t20240201_6000.html", "关于报送2023年政府信息公开工作年度报告的通知", None)]},
    "411094": {"organ": "驻马店市公安局", "region_code": "411700",
               "items": [("t20220301_5001.html", ZHUMADIAN.title, ZHUMADIAN)]},
}
"""Beijing style: organ code → organ and its column's items."""
SHELL = b"<html><head><script>window.location.replace('list.shtml');</script></head><body></body></html>"
UNITS: dict[str, dict[str, Any]] = {
    "3401000000000123": {"organ": "枣庄市公安局市中分局", "region_code": "370402",
                         "pages": [[("8812345", ZAOZHUANG.title, ZAOZHUANG), ("8812300", "政务公开咨询服务", None)],
                                   [("8800001", "政府信息公开制度", None)],
                                   [("8700001", "关于2014年政府信息公开工作要点落实情况的函", None)]]},
    "3401000000000456": {"organ": "沭阳县发展和改革局", "region_code": "321322",
                         "pages": [[("8900001", SHUYANG.title, SHUYANG)]]},
}
"""Hefei style: unitid → organ and its column's pages of (content id, title, sample)."""

BEIJING_SOURCE: dict[str, Any] = {"id": "replica-platform-beijing", "organ": "郑州市公安局", "region_code": "410100",
                                  "family": "plain"}
BEIJING_START = "/410016/zfxxgknb/"
BEIJING_EXPECTED = {ZHENGZHOU.title}
HEFEI_UNIT = "3401000000000123"
HEFEI_SOURCE: dict[str, Any] = {"id": "replica-platform-hefei", "organ": "枣庄市公安局市中分局",
                                "region_code": "370402", "family": "plain"}
HEFEI_START = f"/zwgk/public/spage.xp?doAction=sindex&unitid={HEFEI_UNIT}&frame=nb"
HEFEI_EXPECTED = {ZAOZHUANG.title}


def column_url(code: str) -> str:
    """Where an organ's column starts on the platform (Beijing style)."""
    return f"/{code}/zfxxgknb/"


class PlatformSite(Site):
    """Both platform styles on one host (a replica may serve a Beijing-style or a Hefei-style platform)."""

    name = "platform"

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/robots.txt":
            return Reply(404, b"", kind="robots")
        parts = path.strip("/").split("/")
        if len(parts) >= 2 and parts[0] in ORGANS and parts[1] == "zfxxgknb":
            return self.beijing(parts[0], "/".join(parts[2:]))
        if path == "/zwgk/public/spage.xp" and request.arg("unitid") in UNITS and request.arg("frame") == "nb":
            return self.hefei(request.arg("unitid"), int(request.arg("pageIndex", "1") or 1))
        if path == "/zwgk/public/content.xp":
            for unit in UNITS.values():
                for page in unit["pages"]:
                    for content_id, title, sample in page:
                        if request.arg("id") == content_id:
                            return self.document(title, sample)
        return not_found()

    def document(self, title: str, sample: Sample | None) -> Reply:
        if sample is SHUYANG:  # the bundled saved portal page, served as it was saved
            return Reply(200, sample.data(), [("Content-Type", "text/html; charset=utf-8")], kind="page")
        return article_reply(title, sample)

    def beijing(self, code: str, rest: str) -> Reply:
        organ = ORGANS[code]
        if rest == "":
            return Reply(200, SHELL, [("Content-Type", "text/html")], kind="list")
        if rest == "list.shtml":
            rows = list_items([(name, title) for name, title, _ in organ["items"]])
            body = f'<h2>{html.escape(organ["organ"])} 政府信息公开年报</h2><ul class="list">{rows}</ul>'
            return html_reply(f"{organ['organ']}政府信息公开年报", body, "list")
        for name, title, sample in organ["items"]:
            if rest == name:
                return self.document(title, sample)
        return not_found()

    def hefei(self, unit_id: str, page: int) -> Reply:
        unit = UNITS[unit_id]
        pages = unit["pages"]
        if not 1 <= page <= len(pages):
            return not_found()
        base = f"spage.xp?doAction=sindex&amp;unitid={unit_id}&amp;frame=nb"
        rows = list_items([(f"content.xp?id={content_id}", title) for content_id, title, _ in pages[page - 1]])
        pager = [f'<a href="{base}">首页</a>']
        pager += [f'<a href="{base}&amp;pageIndex={number}">{number}</a>' for number in range(1, len(pages) + 1)]
        if page < len(pages):
            pager.append(f'<a href="{base}&amp;pageIndex={page + 1}">下一页</a>')
        pager.append(f'<a href="{base}&amp;pageIndex={len(pages)}">尾页</a>')
        body = (f'<h2>{html.escape(unit["organ"])} 政府信息公开年报</h2><ul class="list">{rows}</ul>'
                f'<div class="pager">{" ".join(pager)}</div>')
        return html_reply(f"{unit['organ']}政府信息公开年报", body, "list")


