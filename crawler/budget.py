"""A time budget per source, so that one column that never ends (a tarpit, a pager that loops on new URLs) cannot
hold a batch of thousands: past ``GOVREPORTS_SOURCE_SECONDS`` its remaining requests are dropped and its health says
so (``deadline``), while the other sources go on."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.spiders.context import context_of


class SourceDeadline(IgnoreRequest):
    """The request's source used up its time budget."""

    kind = "deadline"


class SourceBudgetMiddleware:
    """Downloader middleware, engine side: a request of a source past its deadline is not sent."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceBudgetMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        context = context_of(self.crawler, request)
        if context is not None and context.past_deadline():
            context.finish_reason = "deadline"
            raise SourceDeadline(f"{context.source.id}: time budget used up; {request.url} not fetched")
