"""A column that carries several organs' reports (real markup 2): like the 平潭 column (three organs) or a
district column with every department's report. The column is its government's; the titles name the organs, which
the crawler resolves against the organ registry (``ORGANS`` are registered beside the column's own source); one
title names an organ the registry does not know; a 函 about disclosure work is listed among the reports."""

from __future__ import annotations

from typing import Any

from replicas.content import ZAOZHUANG, ZHENGZHOU, ZHUMADIAN, Sample
from replicas.server import Reply, Request, Site
from replicas.sites.common import article_reply, html_reply, list_items, not_found

COLUMN = "/zwgk/zfxxgk/zfxxgknb/"
ITEMS: dict[str, tuple[str, Sample | None]] = {
    "202403/t20240308_87885.htm": (ZHENGZHOU.title, ZHENGZHOU),
    "202401/t20240115_87001.htm": (ZAOZHUANG.title, ZAOZHUANG),
    "202203/t20220301_70001.htm": (ZHUMADIAN.title, ZHUMADIAN),
    "202403/t20240301_87800.htm": ("郑州市某某中心2023年政府信息公开工作年度报告", None),
    "201503/t20150301_1001.htm": ("关于2014年政府信息公开工作要点落实情况的函", None),
}
EXPECTED_REPORTS = {ZHENGZHOU.title, ZAOZHUANG.title, ZHUMADIAN.title, "郑州市某某中心2023年政府信息公开工作年度报告"}
ORGANS: list[dict[str, Any]] = [
    {"id": "replica-organ-zhengzhou-police", "organ": "郑州市公安局", "region_code": "410100",
     "level": "department-of-prefecture", "parent": "郑州市人民政府", "portal": "http://www.zhengzhou.gov.cn/"},
    {"id": "replica-organ-zhumadian-police", "organ": "驻马店市公安局", "region_code": "411700",
     "level": "department-of-prefecture", "portal": "http://www.zhumadian.gov.cn/"},
    {"id": "replica-organ-zaozhuang-police", "organ": "枣庄市公安局市中分局", "region_code": "370402",
     "aliases": ["市中公安分局"], "level": "department-of-county", "portal": "http://www.zzszq.gov.cn/"},
]
"""Organ-only registry entries written beside the column's source (no column of their own: marked for discovery)."""
SOURCE: dict[str, Any] = {
    "id": "replica-many", "organ": "郑州市人民政府", "region_code": "410100", "level": "prefecture",
    "family": "trs", "lists": "many", "organs": ["郑州市公安局", "驻马店市公安局", "枣庄市公安局市中分局"],
}
START = f"{COLUMN}index.htm"


class ManyOrgansSite(Site):
    name = "many"

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/robots.txt":
            return Reply(404, b"", kind="robots")
        if path in (COLUMN, START):
            rows = list_items([(f"./{name}", title) for name, (title, _) in ITEMS.items()])
            script = '<script>createPageHTML(1, 0, "index", "htm");</script>'
            return html_reply("政府信息公开年报", f'<ul class="list">{rows}</ul>{script}', "list")
        relative = path.removeprefix(COLUMN)
        if relative in ITEMS:
            title, sample = ITEMS[relative]
            return article_reply(title, sample)
        return not_found()
