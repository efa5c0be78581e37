"""Judge a redirect before Scrapy follows it: refuse one that leads to a non-public address, and stop one that
leads back into its own chain (a loop the duplicate filter would otherwise swallow without a trace)."""

from __future__ import annotations

from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.guard import RefusedAddress, refusal
from crawler.spiders.context import loopback_allowed


class RedirectLoop(IgnoreRequest):
    """The Location leads to a URL already in this request's redirect chain."""


class RedirectPolicyMiddleware:
    """Downloader middleware, just outside RedirectMiddleware (its process_response runs first)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectPolicyMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in (301, 302, 303, 307, 308) or b"Location" not in response.headers:
            return response
        location = response.headers[b"Location"].decode("latin-1")
        target = urljoin(request.url, location).split("#", 1)[0]
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            self.crawler.stats.inc_value("govreports/redirect_loop")
            raise RedirectLoop(f"redirect loop: {' → '.join([*chain, target])}")
        reason = refusal(target, loopback_allowed(self.crawler, request))
        if reason:
            self.crawler.stats.inc_value("govreports/refused_address")
            raise RefusedAddress(f"refused redirect from {request.url} to {target}: {reason}")
        return response
