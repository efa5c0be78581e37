"""Which requests of each source are still in flight, so that the engine knows when a source is finished.

A spider middleware placed closest to the engine: every request a callback yields is stamped with its source (a
family may build requests itself) and counted; when the callback's output is exhausted, the response's request is
done. Errbacks, dropped requests and callback crashes end a request in the spider (:mod:`crawler.spiders.generic`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.spiders.context import SOURCE_ID


class SourceTrackingMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceTrackingMiddleware:
        return cls(crawler)

    def _stamp(self, response: Response, item: Any) -> Any:
        if isinstance(item, Request):
            source_id = response.meta.get(SOURCE_ID)
            if source_id and SOURCE_ID not in item.meta:
                item.meta[SOURCE_ID] = source_id
            track = getattr(self.crawler.spider, "track", None)
            if track is not None:
                track(item)
        return item

    def _done(self, response: Response) -> None:
        done = getattr(self.crawler.spider, "done", None)
        if done is not None:
            done(response.request)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        try:
            for item in result:
                yield self._stamp(response, item)
        finally:
            self._done(response)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        try:
            async for item in result:
                yield self._stamp(response, item)
        finally:
            self._done(response)
