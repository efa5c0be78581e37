"""The one spider: walks a source's report column with its family module, follows items to their pages and pages
to their attachments. What a response *is* (list, page, attachment) travels in ``request.meta``; the archive
extension keeps every body, this spider only decides what to ask for next.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from crawler import pages
from crawler.guard import RefusedAddress, UnresolvableHost
from crawler.recognise import recognise
from crawler.redirects import RedirectLoop, RefusedRedirect
from crawler.sources import Source
from crawler.spiders import families

ERRORS = "govreports/errors/"
POLICY = {"offsite", "robots_forbidden"}


class GenericSpider(Spider):
    """Crawls one :class:`~crawler.sources.Source`."""

    name = "govreports"

    def __init__(self, source: Source, **kwargs: Any) -> None:
        super().__init__(name=f"govreports-{source.id}", **kwargs)
        self.source = source
        self.allowed_domains = source.domains()
        self.family = families.load(source.family)

    async def start(self) -> AsyncIterator[Request]:
        if not self.source.obey_robots:
            self.logger.warning("source %s overrides robots.txt (obey_robots: false)", self.source.id)
        for request in self.family.start_requests(self):
            yield request

    # Requests -----------------------------------------------------------------------------------------------------

    def request(self, url: str, role: str, callback: Any = None, **kwargs: Any) -> Request:
        """A request with the crawler's meta; every request gets the errback and the robots override."""
        meta: dict[str, Any] = kwargs.pop("meta", {})
        meta["role"] = role
        if not self.source.obey_robots:
            meta["dont_obey_robotstxt"] = True
        if role == "attachment":
            callback = callback or self.parse_attachment
        elif role == "page":
            callback = callback or self.parse_page
        return Request(url, callback=callback, errback=self.errback, meta=meta, **kwargs)

    def item(
        self, url: str, text: str, parent_url: str, extra_titles: Iterable[str] = (), role: str | None = None
    ) -> Request:
        """A listed item: a report page, or a file listed directly (``role`` forces attachment or page)."""
        guess = recognise(text, self.source.organ)
        for other in extra_titles:
            if guess.is_report:
                break
            guess = recognise(other, self.source.organ)
        report = self._report(text, guess) if guess.is_report else None
        role = role or ("attachment" if self.is_attachment(url) else "page")
        meta = {"parent_url": parent_url, "link_text": text, "title": text, "report": report}
        return self.request(url, role, meta=meta)

    def _report(self, title: str, guess: Any) -> dict[str, Any]:
        key = re.sub(r"[\s\u3000]+", "", title)
        return {"key": key, "agency": guess.agency, "year": guess.year, "title": title}

    def is_attachment(self, url: str) -> bool:
        hints = self.source.hints
        path = urlsplit(url).path
        return pages.extension(url) in hints.attachment_extensions or any(
            fragment in path for fragment in hints.attachment_paths
        )

    # Callbacks ----------------------------------------------------------------------------------------------------

    def parse_list(self, response: Response) -> Iterable[Request]:
        return self.family.parse_list(self, response)

    def parse_page(self, response: Response) -> Iterable[Request]:
        """A document page: decide report-ness (listing title, else the page's own), then follow its attachments."""
        if pages.is_deleted_stub(response.body):
            self.crawler.stats.inc_value(f"{ERRORS}deleted")
            return
        if not isinstance(response, TextResponse):
            return
        report = self.report_for(response)
        for url, text in pages.links(response.selector, response.url):
            if self.is_attachment(url):
                meta = {"parent_url": response.url, "link_text": text, "title": response.meta.get("title"),
                        "report": report}
                yield self.request(url, "attachment", meta=meta)

    def report_for(self, response: Response) -> dict[str, Any] | None:
        """The report a response belongs to: from its listing, else (pages) from the page's own title."""
        meta = response.meta
        if meta.get("report") is None and meta.get("role") == "page" and isinstance(response, TextResponse) \
                and "report_checked" not in meta and not pages.is_deleted_stub(response.body):
            meta["report_checked"] = True
            page_title = pages.title(response.selector)
            guess = recognise(page_title, self.source.organ)
            if guess.is_report:
                meta["report"] = self._report(page_title, guess)
            if not meta.get("title"):
                meta["title"] = page_title
        return meta.get("report")

    def parse_attachment(self, response: Response) -> Iterable[Request]:
        if pages.is_deleted_stub(response.body):
            self.crawler.stats.inc_value(f"{ERRORS}deleted")
        return ()

    def errback(self, failure: Failure) -> None:
        """Count the failure by kind; offsite and robots refusals are policy (own stats), not errors."""
        kind = error_kind(failure)
        if kind not in POLICY:
            self.crawler.stats.inc_value(f"{ERRORS}{kind}")


def error_kind(failure: Failure) -> str:
    """A short, stable name for what went wrong."""
    error = failure.value
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    if isinstance(error, RefusedAddress):
        return "refused_address"
    if isinstance(error, UnresolvableHost):
        return "dns"
    if isinstance(error, RedirectLoop):
        return "redirect_loop"
    if isinstance(error, RefusedRedirect):
        return "refused_redirect"
    if isinstance(error, IgnoreRequest):
        message = str(error)
        if "max redirections" in message:
            return "redirect_loop"
        if "offsite" in message.lower():
            return "offsite"
        if "robots" in message.lower():
            return "robots_forbidden"
        return "ignored"
    if isinstance(error, TimeoutError | TCPTimedOutError | DownloadTimeoutError):
        return "timeout"
    if isinstance(error, DNSLookupError | CannotResolveHostError):
        return "dns"
    if isinstance(error, ConnectionRefusedError | DownloadConnectionRefusedError):
        return "connection_refused"
    if isinstance(error, DownloadCancelledError):
        return "cancelled"  # above DOWNLOAD_MAXSIZE, or cut by a shutdown
    if isinstance(error, ResponseDataLossError):
        return "data_loss"
    if isinstance(error, DownloadFailedError):
        return "download_failed"
    return type(error).__name__
