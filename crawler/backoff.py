"""Retries that wait: exponential backoff before re-sending on timeouts, 5xx, 429 and 412 (rate limits, WAFs).

Scrapy's RetryMiddleware re-queues at once; a portal that is shedding load is better served by waiting
``base × 3^(n-1)`` seconds (capped), which is pingtan's 5/15/45 s schedule with base 5.
"""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware plus a delay (``RETRY_BACKOFF_BASE``, ``RETRY_BACKOFF_MAX`` seconds) before each retry."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        middleware.backoff_base = crawler.settings.getfloat("RETRY_BACKOFF_BASE", 5.0)
        middleware.backoff_max = crawler.settings.getfloat("RETRY_BACKOFF_MAX", 120.0)
        return middleware

    async def _wait(self, retry: Request | None) -> None:
        if retry is not None:
            attempt = retry.meta.get("retry_times", 1)
            await asyncio.sleep(min(self.backoff_max, self.backoff_base * 3 ** (attempt - 1)))

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        result = super().process_response(request, response)
        await self._wait(result if isinstance(result, Request) else None)
        return result

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        result = super().process_exception(request, exception)
        await self._wait(result if isinstance(result, Request) else None)
        return result
