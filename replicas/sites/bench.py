"""A large plain-list column for benchmarks: ``pages`` list pages of 20 items, each item a ~8 KB report-like page
(the bundled sample text, a line naming the item so that every body is distinct). No faults, no robots rules."""

from __future__ import annotations

import html
from typing import Any

from replicas.content import ZHENGZHOU, paragraphs
from replicas.server import Reply, Request, Site
from replicas.sites.common import not_found

COLUMN = "/bench/"
PER_PAGE = 20
SOURCE: dict[str, Any] = {"id": "replica-bench", "organ": "郑州市公安局", "region_code": "410100", "family": "plain"}


class BenchSite(Site):
    name = "bench"

    def __init__(self, pages: int = 50) -> None:
        self.pages = pages
        self.body = paragraphs(ZHENGZHOU)

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow:\n", [("Content-Type", "text/plain")], kind="robots")
        name = path.removeprefix(COLUMN)
        if name.startswith("index") and name.endswith(".html"):
            number = int(name.removeprefix("index").removeprefix("_").removesuffix(".html") or 1)
            return self.list_page(number) if 1 <= number <= self.pages else not_found()
        if name.startswith("t") and name.endswith(".html") and name[1:-5].isdigit():
            item = int(name[1:-5])
            title = f"工作动态 {item}"
            page = (f"<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>"
                    f"<div class=\"TRS_Editor\"><p>{item}</p>{self.body}</div></body></html>")
            return Reply(200, page.encode(), [("Content-Type", "text/html; charset=utf-8")], kind="page")
        return not_found()

    def list_page(self, number: int) -> Reply:
        first = (number - 1) * PER_PAGE
        rows = "".join(f'<li><a href="{COLUMN}t{item}.html">{html.escape(f"工作动态 {item}")}</a></li>'
                       for item in range(first, first + PER_PAGE))
        pager = f'<a href="{COLUMN}index_{number + 1}.html">下一页</a>' if number < self.pages else ""
        page = f'<html><head><meta charset="utf-8"><title>列表</title></head><body><ul>{rows}</ul>{pager}</body></html>'
        return Reply(200, page.encode(), [("Content-Type", "text/html; charset=utf-8")], kind="list")
