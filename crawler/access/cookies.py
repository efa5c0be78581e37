"""A redirect to itself that sets a cookie (司法部's openresty WAF: 302 to the same URL plus ``Set-Cookie`` CT6T):
the cookie jar has already taken the cookie (its middleware sees the response first), so the request is replayed
once with it. Without this the redirect is a loop (and Scrapy's duplicate filter would drop the repeat silently).
"""

from __future__ import annotations

from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

REPLAYS = 2
"""Replays per request: one is the documented behaviour; a second covers a cookie renewed on the way."""


class CookieReloadMiddleware:
    """Downloader middleware just inside the cookie jar (its process_response runs after the jar's)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CookieReloadMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in (301, 302, 303, 307, 308) or b"Set-Cookie" not in response.headers:
            return response
        location = response.headers.get(b"Location")
        if not location or urljoin(request.url, location.decode("latin-1")).split("#", 1)[0] != request.url:
            return response
        replays = request.meta.get("cookie_replays", 0)
        if replays >= REPLAYS:
            return response
        self.crawler.stats.inc_value("govreports/cookie_replays")
        retry = request.replace(dont_filter=True)
        retry.headers.pop(b"Cookie", None)
        retry.meta["cookie_replays"] = replays + 1
        return retry
