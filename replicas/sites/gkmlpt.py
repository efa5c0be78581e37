"""A Guangdong 政府信息公开目录管理平台 (gkmlpt) column: ``/gkmlpt/index`` carries only ``window._CONFIG`` (the
column is the URL fragment ``#721``, which the server never sees); the list comes from
``GET /gkmlpt/api/all/721?page=N&sid=755041`` (pages 0 and 1 return the same data; past the end an empty list);
articles ``/gkmlpt/content/9/9103/post_NNN.html`` hold their body JSON-escaped in ``window._CONFIG.DETAIL``, so
their attachment links exist only inside script text; titles may carry ``%uXXXX`` escapes. Page size is 2 here
(100 on the real platform) so that a handful of items spans several pages; ``classify.post_count`` and ``total``
count articles. ``prefix`` serves the platform under a path (a department site on its government's host:
``/lhqkjhgyxxhj/gkmlpt/…``), so an API URL that drops the prefix finds nothing."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from replicas.content import ZAOZHUANG, ZHENGZHOU, Sample, notice, paragraphs
from replicas.server import Reply, Request, Site
from replicas.sites.common import PUBLISHED, not_found

SID = "755041"
CATEGORY = "721"
API = f"/gkmlpt/api/all/{CATEGORY}"
PAGE_SIZE = 2


def _percent_u(text: str) -> str:
    """The ``%uXXXX`` form some gkmlpt titles arrive in."""
    return "".join(f"%u{ord(char):04X}" for char in text)


def unescape_percent_u(text: str) -> str:
    return re.sub(r"%u([0-9A-Fa-f]{4})", lambda match: chr(int(match.group(1), 16)), text)


ARTICLES: list[dict[str, Any]] = [
    {"id": 9103540, "title": ZHENGZHOU.title, "sample": ZHENGZHOU, "attachment": "963149.txt"},
    {"id": 9103541, "title": "关于公布2024年政务公开工作要点的通知", "sample": None},
    {"id": 9103542, "title": _percent_u(ZAOZHUANG.title), "sample": ZAOZHUANG},
    {"id": 9103543, "title": _percent_u("政府信息公开指南"), "sample": None},
    {"id": 9103544, "title": "2023年政府信息公开工作年度报告解读", "sample": None},
]
EXPECTED_REPORTS = {ZHENGZHOU.title, ZAOZHUANG.title}
SOURCE: dict[str, Any] = {
    "id": "replica-gkmlpt",
    "organ": "郑州市公安局",
    "region_code": "410100",
    "family": "gkmlpt",
}


DEPARTMENT_PREFIX = "/lhqkjhgyxxhj"
DEPARTMENT_SOURCE: dict[str, Any] = {**SOURCE, "id": "replica-gkmlpt-dept"}


def _content_path(article: dict[str, Any], prefix: str = "") -> str:
    return f"{prefix}/gkmlpt/content/9/9103/post_{article['id']}.html"


class GkmlptSite(Site):
    name = "gkmlpt"

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.articles = {_content_path(article, prefix): article for article in ARTICLES}
        self.attachments = {f"/attachment/0/88/88389/{a['attachment']}": a for a in ARTICLES if a.get("attachment")}

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow: /admin/\n", [("Content-Type", "text/plain")], kind="robots")
        if path == f"{self.prefix}/gkmlpt/index":
            config = {"SID": SID, "TREE": [{"id": int(CATEGORY), "name": "政府信息公开年报", "children": []}]}
            page = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>政府信息公开</title></head><body>"
                    f"<div id=\"app\"></div><script>window._CONFIG = {json.dumps(config, ensure_ascii=False)};"
                    "</script></body></html>")
            return Reply(200, page.encode(), [("Content-Type", "text/html; charset=utf-8")], kind="list")
        if path == f"{self.prefix}{API}":
            return self.api(request)
        if path in self.articles:
            return self.content(self.articles[path])
        if path in self.attachments:
            sample: Sample = self.attachments[path]["sample"]
            return Reply(200, sample.data(), [("Content-Type", "application/octet-stream"),
                                              ("Last-Modified", PUBLISHED)], kind="attachment")
        return not_found()

    def api(self, request: Request) -> Reply:
        if request.arg("sid") != SID:
            return Reply(200, b'{"articles": [], "total": 0}', [("Content-Type", "application/json")], kind="api")
        page = max(int(request.arg("page", "1") or 1), 1)  # pages 0 and 1 are the same
        chosen = ARTICLES[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        articles = []
        for article in chosen:
            attachment = []
            if article.get("attachment"):
                attachment.append({"id": 963149, "name": f"{ZHENGZHOU.title}.txt", "type": "txt", "mime": "text/plain",
                                   "url": f"/attachment/0/88/88389/{article['attachment']}"})
            articles.append({
                "id": article["id"], "title": article["title"], "url": _content_path(article, self.prefix),
                "post_url": _content_path(article, self.prefix), "created_at": "2024-01-20 10:00:00",
                "document_number": "",
                "publisher": SOURCE["organ"], "identifier": f"11410100MB1{article['id']}", "attachment": attachment,
            })
        data = {"classify": {"post_count": len(ARTICLES)}, "articles": articles, "total": len(ARTICLES)}
        return Reply(200, json.dumps(data, ensure_ascii=False).encode(), [("Content-Type", "application/json")],
                     kind="api")

    def content(self, article: dict[str, Any]) -> Reply:
        title = unescape_percent_u(article["title"])
        body = paragraphs(article["sample"]) if article["sample"] else notice(title)
        if article.get("attachment"):
            body += f'<p><a href="/attachment/0/88/88389/{article["attachment"]}">附件</a></p>'
        detail = {"title": title, "content": body}
        page = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title></head>"
                f"<body><div id=\"app\"></div><script>window._CONFIG = {{DETAIL: {json.dumps(detail)}}};</script>"
                "</body></html>")
        return Reply(200, page.encode(), [("Content-Type", "text/html; charset=utf-8"), ("Last-Modified", PUBLISHED)],
                     kind="page")
