"""TRS WCM static columns: ``index.html`` then ``index_1.html`` …, the page count only in an inline
``createPageHTML(count, current, "index", "html")`` (or ``createPage``) call (portals.md §2)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.spiders.families.listing import items, list_request

if TYPE_CHECKING:
    from crawler.spiders.context import SourceContext

PAGER = re.compile(r"""createPage(?:HTML)?\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["']([^"']+)["']\s*,\s*["']([^"']+)["']""")


def start_requests(spider: SourceContext) -> Iterator[Request]:
    for url in spider.source.start_urls:
        yield list_request(spider, url, column_url=url)


def parse_list(spider: SourceContext, response: Response) -> Iterator[Request]:
    pager_urls: list[str] = []
    if isinstance(response, TextResponse):
        match = PAGER.search(response.text)
        if match and int(match.group(2)) == 0:
            count = min(int(match.group(1)), spider.source.hints.max_pages)
            name, ext = match.group(3), match.group(4)
            pager_urls = [urljoin(response.url, f"{name}_{page}.{ext}") for page in range(1, count)]
    yield from items(spider, response, skip=set(pager_urls))
    column_url = response.meta.get("column_url") or response.url
    for url in pager_urls:
        yield list_request(spider, url, column_url=column_url, parent_url=response.url)
