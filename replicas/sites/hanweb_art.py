"""A Hanweb column page with no ``<datastore>`` at all (山东省人民政府 /col/ pages; real markup 3): the dataproxy
answers nothing, and the column page lists its ``/art/YYYY/M/D/art_C_D.html`` links directly — one of them in
济南's hash form ``/art/YYYY/art_<hex>.html``. The menus link other ``/col/`` columns, which are not items."""

from __future__ import annotations

from typing import Any

from replicas.content import ZAOZHUANG, Sample
from replicas.server import Reply, Request, Site
from replicas.sites.common import article_reply, html_reply, list_items, not_found

COLUMN = "/col/col100733/index.html"
ARTICLES: dict[str, tuple[str, Sample | None]] = {
    "/art/2024/1/20/art_100733_4421.html": (ZAOZHUANG.title, ZAOZHUANG),
    "/art/2024/art_9f86d081884c7d659a2feaa0c55ad015.html": ("政府信息公开工作年度报告编制说明", None),
    "/art/2023/5/6/art_100733_3990.html": ("政府信息公开指南", None),
}
EXPECTED_REPORTS = {ZAOZHUANG.title}
SOURCE: dict[str, Any] = {"id": "replica-hanweb-art", "organ": "枣庄市公安局市中分局", "region_code": "370402",
                          "family": "hanweb"}
START = COLUMN


class HanwebArtSite(Site):
    name = "hanweb-art"

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/robots.txt":
            return Reply(404, b"", kind="robots")
        if path in (COLUMN, "/col/col100733/"):
            menu = "".join(f'<li><a href="/col/col{n}/index.html">{name}</a></li>'
                           for n, name in ((1, "首页"), (2, "政务公开"), (3, "政府信息公开目录")))
            body = (f'<ul class="menu">{menu}</ul>\n<meta name="ColumnName" content="政府信息公开年报">\n'
                    f'<div class="list"><ul>{list_items([(p, t) for p, (t, _) in ARTICLES.items()])}</ul></div>')
            return html_reply("政府信息公开年报", body, "list")
        if path == "/module/web/jpage/dataproxy.jsp":
            return Reply(200, b"", [("Content-Type", "text/xml")], kind="api")
        if path in ARTICLES:
            title, sample = ARTICLES[path]
            return article_reply(title, sample)
        return not_found()
