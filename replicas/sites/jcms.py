"""A Zhejiang-style JCMS column listed through the api-gateway (real markup 5): the column page prints its first
items and sets ``webId``, ``tplSetId``, ``tagId`` and ``pageId`` in script; further pages come only from
``/api-gateway/jpaas-publish-server/front/page/build/unit?…&pageNo=N`` as JSON holding an HTML fragment
(``<li><a title href>…</a><b>DATE</b></li>``). ``overseas=True`` answers page 1 to every ``pageNo`` (what
HL saw from abroad): a crawler must stop there and call the listing partial."""

from __future__ import annotations

import html
import json
from typing import Any

from replicas.content import ZHENGZHOU, ZHUMADIAN, Sample
from replicas.server import Reply, Request, Site
from replicas.sites.common import article_reply, html_reply, not_found

WEB_ID = "3185"
TPL_SET = "fc259c381af3496d85e61997ea7771cb"
PAGE_ID = "1229123"
TAG = "当前栏目list"
COLUMN = f"/col/col{PAGE_ID}/index.html"
GATEWAY = "/api-gateway/jpaas-publish-server/front/page/build/unit"
ROWS = 2
ITEMS: list[tuple[str, str, Sample | None]] = [
    ("/art/2024/3/8/art_1229123_59001.html", ZHENGZHOU.title, ZHENGZHOU),
    ("/art/2024/2/20/art_1229123_58990.html", "2024年政务公开工作要点", None),
    ("/art/2023/12/1/art_1229123_58800.html", "政府信息公开工作年度报告模板", None),
    ("/art/2022/3/1/art_1229123_50001.html", ZHUMADIAN.title, ZHUMADIAN),
    ("/art/2021/1/5/art_1229123_40001.html", "政府信息公开指南", None),
]
EXPECTED_REPORTS = {ZHENGZHOU.title, ZHUMADIAN.title}
EXPECTED_OVERSEAS = {ZHENGZHOU.title}
SOURCE: dict[str, Any] = {"id": "replica-jcms", "organ": "郑州市公安局", "region_code": "410100", "family": "jcms"}
OVERSEAS_SOURCE: dict[str, Any] = {**SOURCE, "id": "replica-jcms-overseas"}
START = COLUMN


def _fragment(items: list[tuple[str, str, Sample | None]]) -> str:
    return "".join(f'<li><a title="{html.escape(title)}" href="{path}" target="_blank">{html.escape(title)}</a>'
                   "<b>2024-03-08</b></li>" for path, title, _ in items)


class JcmsSite(Site):
    name = "jcms"

    def __init__(self, overseas: bool = False) -> None:
        self.overseas = overseas
        self.articles = {path: (title, sample) for path, title, sample in ITEMS}

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/robots.txt":
            return Reply(404, b"", kind="robots")
        if path == COLUMN:
            script = (f"<script>var unitParams = {{webId: '{WEB_ID}', tplSetId: '{TPL_SET}', pageType: 'column', "
                      f"tagId: '{TAG}', editType: 'null', pageId: '{PAGE_ID}', rows: {ROWS}}};</script>")
            body = f'<div class="list"><ul>{_fragment(ITEMS[:ROWS])}</ul></div>\n{script}'
            return html_reply("政府信息公开年报", body, "list")
        if path == GATEWAY:
            return self.gateway(request)
        if path in self.articles:
            title, sample = self.articles[path]
            return article_reply(title, sample)
        return not_found()

    def gateway(self, request: Request) -> Reply:
        wanted = {"webId": WEB_ID, "tplSetId": TPL_SET, "pageId": PAGE_ID, "tagId": TAG}
        if any(request.arg(name) != value for name, value in wanted.items()):
            data: dict[str, Any] = {"success": False, "message": "参数错误"}
            return Reply(200, json.dumps(data, ensure_ascii=False).encode(), [("Content-Type", "application/json")],
                         kind="api")
        rows = int(request.arg("rows", "15") or 15)
        page = 1 if self.overseas else max(int(request.arg("pageNo", "1") or 1), 1)
        chosen = ITEMS[(page - 1) * rows: page * rows]
        data = {"success": True, "data": {"html": f"<ul>{_fragment(chosen)}</ul>" if chosen else "",
                                          "total": len(ITEMS)}}
        return Reply(200, json.dumps(data, ensure_ascii=False).encode(), [("Content-Type", "application/json")],
                     kind="api")
