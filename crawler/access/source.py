"""Per-source access as data: the headers, cookies and outbound proxy a source's ``access`` names are applied to
every one of its requests (a browser User-Agent for hosts that reset the connection without one; a mainland
vantage point through a proxy). The crawl-wide proxy is ``GOVREPORTS_PROXY`` (or the ``CRAWL_PROXY`` environment
variable, hulelan's name); a source's own proxy wins. Address families per host are handed to the resolver."""

from __future__ import annotations

import logging
import os
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler

from crawler.access.addresses import AddressFamilyResolver
from crawler.spiders.context import source_of

logger = logging.getLogger(__name__)
PROXY_ENV = "CRAWL_PROXY"


class SourceAccessMiddleware:
    """Downloader middleware before the cookie jar and the proxy middleware (which read what it sets)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.proxy = crawler.settings.get("GOVREPORTS_PROXY") or os.environ.get(PROXY_ENV) or None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceAccessMiddleware:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        sources = getattr(spider, "sources", None) or [getattr(spider, "source", None)]
        for source in sources:
            if source is None:
                continue
            if source.access.ip_version:
                for host in {urlsplit(url).hostname or "" for url in source.start_urls} | set(source.domains()):
                    AddressFamilyResolver.prefer(host, source.access.ip_version)
            if source.access.proxy or self.proxy:
                logger.info("source %s goes through proxy %s", source.id, source.access.proxy or self.proxy)

    def process_request(self, request: Request) -> None:
        source = source_of(self.crawler, request)
        if source is None:
            return
        access = source.access
        for name, value in access.headers.items():
            request.headers[name] = value
        if access.cookies and isinstance(request.cookies, dict):
            for name, value in access.cookies.items():
                request.cookies.setdefault(name, value)
        proxy = access.proxy or self.proxy
        if proxy and "proxy" not in request.meta:
            request.meta["proxy"] = proxy
            self.crawler.stats.inc_value("govreports/proxied")
