"""Plain list pages with a 下一页 link (any CMS that renders its pager as ordinary links)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler import pages
from crawler.spiders.families.listing import items, list_request

if TYPE_CHECKING:
    from crawler.spiders.context import SourceContext


def start_requests(spider: SourceContext) -> Iterator[Request]:
    for url in spider.source.start_urls:
        yield list_request(spider, url, column_url=url, page_no=1)


def parse_list(spider: SourceContext, response: Response) -> Iterator[Request]:
    hints = spider.source.hints
    next_urls: list[str] = []
    if isinstance(response, TextResponse):
        next_urls = [
            url for url, text in pages.links(response.selector, response.url)
            if text.strip() in hints.next_text and url != response.url
        ][:1]
    yield from items(spider, response, skip=set(next_urls))
    page_no = response.meta.get("page_no", 1)
    if next_urls and page_no < hints.max_pages:
        column_url = response.meta.get("column_url") or response.url
        yield list_request(spider, next_urls[0], column_url=column_url, parent_url=response.url, page_no=page_no + 1)
