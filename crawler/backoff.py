"""Retries that wait without holding anything, hosts that cannot be reached given up at once, and both visible.

Scrapy's RetryMiddleware re-sends at once; a portal shedding load is better served by waiting ``base × 3^(n-1)``
seconds (capped; a ``Retry-After`` the portal sends is honoured up to the cap) — pingtan's 5/15/45 s with base 5.
The wait must not happen inside the downloader: a request sleeping there counts against the crawl's global
concurrency, and at thousands of sources a few dead portals would stall all the others. So a retry is handed
back to the engine after its delay (``call_later``), the original request ends with :class:`RetryLater` (which the
spider does not count as a failure), and the spider stays open while retries are pending.

A host that does not resolve or refuses connections is not retried: it is marked unreachable (by host and port:
a portal may answer on one port and refuse on another) and the rest of its requests fail at once. A host that times
out (or drops connections) ``RETRY_HOST_GIVE_UP`` times in a row without one answer is given up the same way; an
HTTP answer, even a 503, resets the count.
``crawler.retrying`` (host → attempt, reason, wait) and ``crawler.unreachable`` (host → reason) are what live
progress shows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadConnectionRefusedError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.utils.asyncio import call_later
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, NoRouteError

from crawler.spiders.context import context_of

UNREACHABLE = {
    DNSLookupError: "dns",
    CannotResolveHostError: "dns",
    ConnectionRefusedError: "connection_refused",
    DownloadConnectionRefusedError: "connection_refused",
    NoRouteError: "no_route",
}
"""Exceptions that say the host cannot be reached at all: no retry, and the host's other requests fail at once."""


class RetryLater(IgnoreRequest):
    """This request will be sent again after a delay (not a failure)."""


class HostUnreachable(IgnoreRequest):
    """The request's host was given up earlier in this crawl."""

    def __init__(self, host: str, kind: str) -> None:
        super().__init__(f"{host}: host given up earlier in this crawl ({kind})")
        self.kind = kind


@dataclass
class Retrying:
    """A host being retried: which attempt, why, and when the retry goes out."""

    host: str
    source: str | None
    attempt: int
    of: int
    reason: str
    at: float

    def as_dict(self) -> dict[str, Any]:
        return {"host": self.host, "source": self.source, "attempt": self.attempt, "of": self.of,
                "reason": self.reason, "in_seconds": round(max(0.0, self.at - time.monotonic()), 1)}


def _unreachable_kind(exception: BaseException) -> str | None:
    for kind, name in UNREACHABLE.items():
        if isinstance(exception, kind):
            return name
    return None


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware with delayed retries (``RETRY_BACKOFF_BASE`` / ``RETRY_BACKOFF_MAX`` seconds) and hosts
    given up (unreachable, or ``RETRY_HOST_GIVE_UP`` failures in a row)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        settings = crawler.settings
        middleware.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 5.0)
        middleware.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 120.0)
        middleware.host_give_up = settings.getint("RETRY_HOST_GIVE_UP", 6)
        middleware.pending = 0
        middleware.failures_in_a_row: dict[str, int] = {}
        middleware.retrying: dict[str, Retrying] = {}
        middleware.unreachable: dict[str, str] = {}
        crawler.retrying = middleware.retrying  # type: ignore[attr-defined]  # read by the progress extension
        crawler.unreachable = middleware.unreachable  # type: ignore[attr-defined]
        crawler.retries_pending = lambda: middleware.pending  # type: ignore[attr-defined]  # the spider waits
        crawler.signals.connect(middleware.spider_idle, signal=signals.spider_idle)
        return middleware

    def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).netloc
        kind = self.unreachable.get(host)
        if kind is not None and not request.meta.get("dont_retry"):
            raise HostUnreachable(host, kind)

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        host = urlparse_cached(request).netloc
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            self._answered(host)
            if not 500 <= response.status < 600:
                self.retrying.pop(host, None)
            return response
        reason = f"http_{response.status}"
        self._answered(host)  # an answer, even a 503, says the host is there
        retry = self._retry(request, reason)
        if retry is None:
            self.retrying.pop(host, None)
            return response
        self._later(retry, host, reason, self._retry_after(response))
        raise RetryLater(f"{request.url}: {reason}, retried later")

    def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        host = urlparse_cached(request).netloc
        kind = _unreachable_kind(exception)
        if kind is not None:
            self.unreachable.setdefault(host, kind)
            self.retrying.pop(host, None)
            return None
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        reason = type(exception).__name__
        if self._failed(host, "timeout" if "Timeout" in reason else reason):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            self.retrying.pop(host, None)
            return None
        self._later(retry, host, reason, None)
        raise RetryLater(f"{request.url}: {reason}, retried later")

    # ---------------------------------------------------------------------------------------------------------------

    def _answered(self, host: str) -> None:
        self.failures_in_a_row.pop(host, None)

    def _failed(self, host: str, reason: str) -> bool:
        """Count a failure of ``host``; True when it is given up now (too many in a row without an answer)."""
        count = self.failures_in_a_row[host] = self.failures_in_a_row.get(host, 0) + 1
        if self.host_give_up and count >= self.host_give_up:
            self.unreachable.setdefault(host, f"gave_up_{reason}")
            self.retrying.pop(host, None)
            return True
        return False

    def _retry_after(self, response: Response) -> float | None:
        value = response.headers.get(b"Retry-After")
        if not value:
            return None
        text = value.decode("latin-1").strip()
        if text.isdigit():
            return float(text)
        try:
            return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
        except (TypeError, ValueError):
            return None

    def _later(self, retry: Request, host: str, reason: str, asked: float | None) -> None:
        """Hand ``retry`` back to the engine after its delay; meanwhile the host shows as being retried."""
        attempt = retry.meta.get("retry_times", 1)
        delay = min(self.backoff_max, max(self.backoff_base * 3 ** (attempt - 1), asked or 0.0))
        context = context_of(self.crawler, retry)
        if context is not None:
            context.tally.retries += 1
        of = retry.meta.get("max_retry_times", self.max_retry_times)
        self.retrying[host] = Retrying(host, context.source.id if context else None, attempt, of, reason,
                                       time.monotonic() + delay)
        self.pending += 1
        call_later(delay, self._send, retry)

    def _send(self, retry: Request) -> None:
        self.pending -= 1
        engine = self.crawler.engine
        if engine is not None and engine.running:
            engine.crawl(retry)
        else:
            spider = self.crawler.spider
            done = getattr(spider, "done", None)
            if done is not None:
                done(retry)

    def spider_idle(self, spider: Spider) -> None:
        if self.pending:
            raise DontCloseSpider
