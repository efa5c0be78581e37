"""A TRS column paged ``1.html`` … ``N.html`` (延安 教育局), the page count only in a go-to-page check written by
hand (``if (ele.value > 3)``, 昆明 人社 and 财政) — real markup 1. GBK with no charset anywhere."""

from __future__ import annotations

from typing import Any

from replicas.content import ZAOZHUANG, ZHUMADIAN, Sample
from replicas.server import Reply, Request, Site
from replicas.sites.common import article_reply, html_reply, list_items, not_found

COLUMN = "/list/xxgknb/"
ENCODING = "gbk"
PAGES: list[list[tuple[str, str, Sample | None]]] = [
    [("/content/2024/0115/87.html", ZAOZHUANG.title, ZAOZHUANG),
     ("/content/2024/0110/86.html", "2024年政务公开工作要点", None)],
    [("/content/2023/0301/55.html", "政府信息公开工作年度报告格式", None)],
    [("/content/2022/0301/31.html", ZHUMADIAN.title, ZHUMADIAN)],
]
EXPECTED_REPORTS = {ZAOZHUANG.title, ZHUMADIAN.title}
SOURCE: dict[str, Any] = {"id": "replica-trs-numbered", "organ": "枣庄市公安局市中分局", "region_code": "370402",
                          "family": "trs"}
START = f"{COLUMN}1.html"


class TrsNumberedSite(Site):
    name = "trs-numbered"

    def __init__(self) -> None:
        self.items = {path: (title, sample) for page in PAGES for path, title, sample in page}

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/robots.txt":
            return Reply(404, b"", kind="robots")
        name = path.removeprefix(COLUMN)
        if name.removesuffix(".html").isdigit() and path.startswith(COLUMN):
            number = int(name.removesuffix(".html"))
            return self.list_page(number - 1) if 1 <= number <= len(PAGES) else not_found()
        if path in self.items:
            title, sample = self.items[path]
            return article_reply(title, sample, encoding=ENCODING, declare=False)
        return not_found()

    def list_page(self, index: int) -> Reply:
        rows = list_items([(path, title) for path, title, _ in PAGES[index]])
        pager = (
            f'<div class="page">第{index + 1}页 <input id="go" value="{index + 1}">'
            "<script>function goPage(){ var ele = document.getElementById('go');"
            f" if (ele.value > {len(PAGES)} || ele.value < 1) {{ alert('页码错误'); return; }}"
            " location.href = ele.value + '.html'; }</script><a href=\"javascript:goPage()\">跳转</a></div>"
        )
        return html_reply("信息公开年报", f'<ul class="list">\n{rows}\n</ul>\n{pager}', "list", encoding=ENCODING,
                          declare=False)
