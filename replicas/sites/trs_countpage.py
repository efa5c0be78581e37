"""A TRS 年报 column whose pager is written by hand (real markup 1): the page declares ``currentPage`` and
``countPage`` as plain script variables and builds each file name by joining ``"index"``, ``"_"``, the number and
``"shtml"`` — so neither ``createPageHTML`` nor a 下一页 link nor the text ``index_1.shtml`` is in the HTML. The
count says 5 pages but only 3 exist: pages 4 and 5 are 350-byte broken stubs (as deep ``index_N`` pages of many
central sites are), so the walk must stop on the first page that adds nothing. A report's tables are a file of their
own (…统计表), a 解读 sits beside a report, and a 填报说明 is listed among the reports."""

from __future__ import annotations

from typing import Any

from replicas.content import ZHENGZHOU, ZHUMADIAN, Sample
from replicas.server import Reply, Request, Site
from replicas.sites.common import PUBLISHED, article_reply, html_reply, list_items, not_found

COLUMN = "/zwgk/zfxxgknb/"
COUNT = 5
PAGES: list[list[tuple[str, str, Sample | None]]] = [
    [("202403/t20240308_1001.shtml", ZHENGZHOU.title, ZHENGZHOU),
     ("202402/t20240201_1000.shtml", "关于做好2023年政府信息公开工作年度报告编制发布工作的通知", None)],
    [("202401/t20240110_999.shtml", "2023年政府信息公开工作年度报告统计表填报说明", None),
     ("202312/t20231201_990.shtml", "政务公开工作动态", None)],
    [("202203/t20220301_900.shtml", ZHUMADIAN.title, ZHUMADIAN)],
]
STUB = b"<html><head><title></title></head><body><!-- TRS: template error 1024 --></body></html>" + b" " * 262
EXPECTED_REPORTS = {ZHENGZHOU.title, ZHUMADIAN.title}
SOURCE: dict[str, Any] = {"id": "replica-trs-countpage", "organ": "郑州市公安局", "region_code": "410100",
                          "family": "trs"}
START = f"{COLUMN}index.shtml"


def _pager(number: int) -> str:
    return (
        "<div class=\"page\"><script type=\"text/javascript\">\n"
        f"var currentPage = {number};//所在页从0开始\nvar countPage = {COUNT}//共多少页\n"
        "for (var i = 0; i < countPage; i++) {\n"
        "  var name = (i == 0) ? \"index\" : \"index\" + \"_\" + i;\n"
        "  document.write('<a href=\"' + name + \".\" + \"shtml\" + '\">' + (i + 1) + '</a> ');\n"
        "}\n</script></div>"
    )


class TrsCountPageSite(Site):
    name = "trs-countpage"

    def __init__(self) -> None:
        self.items = {path: (title, sample) for page in PAGES for path, title, sample in page}

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/robots.txt":
            return Reply(404, b"", kind="robots")
        relative = path.removeprefix(COLUMN)
        if path in (COLUMN, START):
            return self.list_page(0)
        if relative.startswith("index_") and relative.endswith(".shtml"):
            number = int(relative[6:-6]) if relative[6:-6].isdigit() else -1
            if 0 < number < len(PAGES):
                return self.list_page(number)
            if len(PAGES) <= number < COUNT:
                return Reply(200, STUB, [("Content-Type", "text/html")], kind="list")
            return not_found()
        if relative in self.items:
            title, sample = self.items[relative]
            stem = relative.rsplit(".", 1)[0]
            extra = ""
            if sample is not None:
                extra = (f'<p><a href="./{stem.rsplit("/", 1)[-1]}_tables.txt">{title}统计表</a></p>'
                         f'<p><a href="./{stem.rsplit("/", 1)[-1]}_jd.doc">《{title}》解读</a></p>')
            return article_reply(title, sample, extra=extra)
        for key, (title, sample) in self.items.items():
            stem = key.rsplit(".", 1)[0]
            if sample is not None and relative in (f"{stem}_tables.txt", f"{stem}_jd.doc"):
                data = sample.data() if relative.endswith(".txt") else f"《{title}》解读".encode()
                return Reply(200, data, [("Content-Type", "application/octet-stream"), ("Last-Modified", PUBLISHED)],
                             kind="attachment")
        return not_found()

    def list_page(self, number: int) -> Reply:
        rows = list_items([(f"./{path}", title) for path, title, _ in PAGES[number]])
        body = f'<ul class="list">\n{rows}\n</ul>\n{_pager(number)}'
        return html_reply("政府信息公开年报", body, "list")
