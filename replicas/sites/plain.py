"""A plain list column paged by 下一页 links (``index.html`` → ``list_2.htm`` → ``list_3.htm``) beside 首页, page
numbers and 尾页 links, which are pager controls, not items (a crawler that fetched 尾页 as an item would have its
duplicate filter drop the real list page 3). GBK with no
charset anywhere, no ETag or Last-Modified at all (so only sha256 dedupe and the archive keep a second run from
downloading again). A listing title truncated with …, so the report is known only from its page's own title; a
notice whose title mentions 年度报告; an attachment with a GBK Content-Disposition name and a path-traversal
attempt in it; a 412 and a 429 that succeed on retry."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from replicas.content import ZAOZHUANG, ZHUMADIAN, Sample, notice, paragraphs
from replicas.server import Reply, Request, Site
from replicas.sites.common import FailOnce, not_found

COLUMN = "/gknb/"
ENCODING = "gbk"


@dataclass(frozen=True)
class Entry:
    path: str
    listed_title: str
    title: str
    sample: Sample | None = None
    attachment: str | None = None


PAGES: list[list[Entry]] = [
    [
        Entry("202203/t20220301_1.html", ZHUMADIAN.title, ZHUMADIAN.title, ZHUMADIAN, attachment="nb2021.txt"),
        Entry("202402/t20240201_2.html", "关于开展2023年政府信息公开工作年度报告编制工作的通知",
              "关于开展2023年政府信息公开工作年度报告编制工作的通知"),
    ],
    [
        Entry("202401/t20240110_3.html", "2023年政府信息公开工作…", ZAOZHUANG.title, ZAOZHUANG),
        Entry("202312/t20231201_4.html", "政务公开咨询服务", "政务公开咨询服务"),
    ],
    [
        Entry("202301/t20230105_5.html", "政府信息公开申请流程", "政府信息公开申请流程"),
    ],
]
EXPECTED_REPORTS = {ZHUMADIAN.title, ZAOZHUANG.title}
SOURCE: dict[str, Any] = {
    "id": "replica-plain",
    "organ": "驻马店市公安局",
    "region_code": "411700",
    "family": "plain",
}


def _page_name(number: int) -> str:
    return "index.html" if number == 0 else f"list_{number + 1}.htm"


class PlainSite(Site):
    name = "plain"

    def __init__(self) -> None:
        self.entries = {entry.path: entry for page in PAGES for entry in page}
        self.attachments = {entry.attachment: entry for entry in self.entries.values() if entry.attachment}
        self.fail_412 = FailOnce(412)
        self.fail_429 = FailOnce(429)

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nCrawl-delay: 0\nDisallow:\n", [("Content-Type", "text/plain")],
                         kind="robots")
        relative = path.removeprefix(COLUMN)
        for number in range(len(PAGES)):
            if relative == _page_name(number) or (number == 0 and path == COLUMN):
                if number == 1 and (fault := self.fail_412.check(path)):
                    return fault
                return self.list_page(number)
        if relative in self.entries:
            if relative.endswith("_4.html") and (fault := self.fail_429.check(path)):
                return fault
            return self.article(self.entries[relative])
        if relative.startswith("files/") and relative.removeprefix("files/") in self.attachments:
            entry = self.attachments[relative.removeprefix("files/")]
            assert entry.sample is not None
            name = f"../../{entry.title}.txt".encode(ENCODING, "xmlcharrefreplace")
            return Reply(200, entry.sample.data(), [
                ("Content-Type", "application/octet-stream"),
                ("Content-Disposition", b'attachment; filename="' + name + b'"'),
            ], kind="attachment")
        return not_found()

    def _reply(self, title: str, body: str, kind: str) -> Reply:
        document = f"<html>\n<head>\n<title>{html.escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
        return Reply(200, document.encode(ENCODING, "xmlcharrefreplace"), [("Content-Type", "text/html")], kind=kind)

    def list_page(self, number: int) -> Reply:
        rows = "\n".join(
            f'<li><a href="{COLUMN}{entry.path}">{html.escape(entry.listed_title)}</a></li>' for entry in PAGES[number]
        )
        pager = [f'<a href="{COLUMN}index.html">首页</a>']
        if number > 0:
            pager.append(f'<a href="{COLUMN}{_page_name(number - 1)}">上一页</a>')
        pager += [f'<a href="{COLUMN}{_page_name(other)}">{other + 1}</a>' for other in range(len(PAGES))]
        if number < len(PAGES) - 1:
            pager.append(f'<a href="{COLUMN}{_page_name(number + 1)}">下一页</a>')
        pager.append(f'<a href="{COLUMN}{_page_name(len(PAGES) - 1)}">尾页</a>')
        body = f'<ul class="list">\n{rows}\n</ul>\n<div class="pager">{" ".join(pager)}</div>'
        return self._reply("政府信息公开年报", body, "list")

    def article(self, entry: Entry) -> Reply:
        content = paragraphs(entry.sample) if entry.sample else notice(entry.title)
        link = (f'<p>附件：<a href="{COLUMN}files/{entry.attachment}">{html.escape(entry.title)}.txt</a></p>'
                if entry.attachment else "")
        return self._reply(entry.title, f'<div class="content">{content}</div>{link}', "page")
