"""How many documents one page may send the crawler to: a list page of 100,000 links is a hostile page, not a
column (a real one lists tens of items a page), and 100,000 queued requests took half a gigabyte.

A spider middleware: past ``GOVREPORTS_MAX_ITEMS_PER_PAGE`` (default 2,000) the further page and attachment
requests of one response are dropped and counted as the source's error ``links_truncated`` (its health says so);
list requests (the pager) still pass, so a long column is walked to its end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.spiders.context import context_of

MAX_ITEMS = "GOVREPORTS_MAX_ITEMS_PER_PAGE"
DEFAULT_MAX_ITEMS = 2000
BOUNDED_ROLES = ("page", "attachment")


class FanOutLimitMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.limit = crawler.settings.getint(MAX_ITEMS, DEFAULT_MAX_ITEMS)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FanOutLimitMiddleware:
        return cls(crawler)

    def _keep(self, response: Response, item: Any, state: list[int]) -> bool:
        if not isinstance(item, Request) or item.meta.get("role") not in BOUNDED_ROLES:
            return True
        state[0] += 1
        if state[0] <= self.limit:
            return True
        if state[0] == self.limit + 1:
            self.crawler.stats.inc_value("govreports/errors/links_truncated")
            context = context_of(self.crawler, response)
            if context is not None:
                message = f"more than {self.limit:,} documents linked from one page; the rest not followed"
                context.error("links_truncated", response.url, message, role=response.meta.get("role"))
        return False

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        state = [0]
        for item in result:
            if self._keep(response, item, state):
                yield item

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        state = [0]
        async for item in result:
            if self._keep(response, item, state):
                yield item
