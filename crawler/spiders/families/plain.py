"""Plain list pages with a 下一页 link (any CMS that renders its pager as ordinary links). Pager links (首页, 尾页,
page numbers) are never items, so the list page they point to is walked as a list, not dropped as a duplicate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler import pages
from crawler.spiders.families.listing import follow_shell, items, list_request, listed, new

if TYPE_CHECKING:
    from crawler.spiders.context import SourceContext


def start_requests(context: SourceContext) -> Iterator[Request]:
    source = context.source
    for url in source.start_urls:
        yield list_request(context, url, column_url=url, page_no=1)


def parse_list(context: SourceContext, response: Response) -> Iterator[Request]:
    source = context.source
    shell = follow_shell(context, response)
    if shell is not None:
        yield shell
        return
    hints = source.hints
    next_urls: list[str] = []
    if isinstance(response, TextResponse):
        next_urls = [
            url for url, text in pages.links(response.selector, response.url)
            if text.strip() in hints.next_text and url != response.url
        ][:1]
    fresh = new(response, items(context, response, skip=next_urls))
    yield from fresh
    page_no = response.meta.get("page_no", 1)
    if next_urls and page_no < hints.max_pages and next_urls[0] not in listed(response):
        listed(response).add(next_urls[0])
        column_url = response.meta.get("column_url") or response.url
        yield list_request(context, next_urls[0], column_url=column_url, parent_url=response.url,
                           seen=listed(response), page_no=page_no + 1)
