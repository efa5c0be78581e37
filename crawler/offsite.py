"""Each source keeps to its own hosts: Scrapy's offsite filter, with the allowed domains of the request's source.

One spider walks many sources, so ``spider.allowed_domains`` cannot say which hosts a request may reach; the
request's source can (``allowed_domains``, else the hosts of its start URLs). A request filtered here ends for its
source (counted as ``offsite_filtered``, a policy refusal, not an error). Framework requests (robots.txt) pass.
"""

from __future__ import annotations

import re

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from crawler.spiders.context import context_of


def host_pattern(domains: list[str]) -> re.Pattern[str]:
    """Hosts equal to one of ``domains`` or below it."""
    escaped = "|".join(re.escape(domain) for domain in domains if domain)
    return re.compile(rf"^(.*\.)?({escaped})$") if escaped else re.compile("")


class SourceOffsiteMiddleware(OffsiteMiddleware):
    """Replaces ``scrapy.downloadermiddlewares.offsite.OffsiteMiddleware`` (same order)."""

    _patterns: dict[str, re.Pattern[str]]

    def spider_opened(self, spider: Spider) -> None:
        self._patterns = {}

    def should_follow(self, request: Request, spider: Spider) -> bool:
        context = context_of(self.crawler, request)
        if context is None:
            return True
        source = context.source
        patterns = self.__dict__.setdefault("_patterns", {})
        pattern = patterns.get(source.id)
        if pattern is None:
            pattern = patterns[source.id] = host_pattern(source.domains())
        return bool(pattern.search(urlparse_cached(request).hostname or ""))

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        """Filtered at scheduling, a request never reaches an errback: end it for its source here."""
        try:
            self.process_request(request)
        except IgnoreRequest:
            context = context_of(self.crawler, request)
            if context is not None:
                context.tally.offsite_filtered += 1
                done = getattr(self.crawler.spider, "done", None)
                if done is not None:
                    done(request)
            raise
