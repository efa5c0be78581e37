"""The one spider: walks a source's report column with its family module, follows items to their pages and pages
to their attachments. What a response *is* (list, page, attachment) travels in ``request.meta``; the archive
extension keeps every body, this spider only decides what to ask for next.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy import FormRequest, Request, Spider
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
from crawler.guard import RefusedAddress
from crawler.organs import organ_of_report
from crawler.redirects import RedirectLoop
from crawler.sources import Source
from crawler.spiders import families
from pipelines.titles import Kind, Title, recognise

ERRORS = "govreports/errors/"
POLICY = {"offsite", "robots_forbidden"}


class GenericSpider(Spider):
    """Crawls one :class:`~crawler.sources.Source`."""

    name = "govreports"

    def __init__(self, source: Source, **kwargs: Any) -> None:
        super().__init__(name=f"govreports-{source.id}", **kwargs)
        self.source = source
        self.allowed_domains = source.domains()

    async def start(self) -> AsyncIterator[Request]:
        if not self.source.obey_robots:
            self.logger.warning("source %s overrides robots.txt (obey_robots: false)", self.source.id)
        for request in families.load(self.source.family).start_requests(self, self.source):
            yield request

    def source_of(self, request_or_response: Request | Response) -> Source:
        """The source a request (or the response to it) walks."""
        return request_or_response.meta.get("source") or self.source

    # Requests -----------------------------------------------------------------------------------------------------

    def request(self, source: Source, url: str, role: str, callback: Any = None, *,
                formdata: dict[str, str] | None = None, **kwargs: Any) -> Request:
        """A request of ``source`` with the crawler's meta (role, source); every request gets the errback and the
        robots override; ``formdata`` makes it a form POST."""
        meta: dict[str, Any] = kwargs.pop("meta", {})
        meta["role"] = role
        meta["source"] = source
        if not source.obey_robots:
            meta["dont_obey_robotstxt"] = True
        if role == "attachment":
            callback = callback or self.parse_attachment
        elif role == "page":
            callback = callback or self.parse_page
        if formdata is not None:
            return FormRequest(url, formdata=formdata, callback=callback, errback=self.errback, meta=meta, **kwargs)
        return Request(url, callback=callback, errback=self.errback, meta=meta, **kwargs)

    def item(
        self, source: Source, url: str, text: str, parent_url: str, extra_titles: Iterable[str] = (),
        role: str | None = None,
    ) -> Request:
        """A listed item: a report page, or a file listed directly (``role`` forces attachment or page)."""
        title = recognise(text, source.organ)
        for other in extra_titles:
            if title.is_report:
                break
            title = recognise(other, source.organ)
        role = role or ("attachment" if self.is_attachment(source, url) else "page")
        meta = {"parent_url": parent_url, "link_text": text, "title": text, "kind": title.kind.value,
                "report": self._report(source, text, title) if title.is_report else None}
        return self.request(source, url, role, meta=meta)

    def _report(self, source: Source, text: str, title: Title) -> dict[str, Any]:
        """The report a title names: its key (the title without spaces), organ, region, year, kind."""
        key = re.sub(r"[\s\u3000]+", "", text)
        agency, region_code = organ_of_report(self.crawler.settings, source, title)
        return {"key": key, "agency": agency, "year": title.year, "title": text, "kind": title.kind.value,
                "region_code": region_code}

    def is_attachment(self, source: Source, url: str) -> bool:
        hints = source.hints
        path = urlsplit(url).path
        return pages.extension(url) in hints.attachment_extensions or any(
            fragment in path for fragment in hints.attachment_paths
        )

    # Callbacks ----------------------------------------------------------------------------------------------------

    def parse_list(self, response: Response) -> Iterable[Request]:
        source = self.source_of(response)
        return families.load(source.family).parse_list(self, source, response)

    def parse_page(self, response: Response) -> Iterable[Request]:
        """A document page: follow an entry shell, decide report-ness (listing title, else the page's own), then
        follow its attachments — each judged by its own link text too (a 解读 beside the report is not it)."""
        source = self.source_of(response)
        entry = pages.entry_target(response.body, response.url)
        if entry is not None and response.meta.get("shells", 0) < 3:
            self.crawler.stats.inc_value("govreports/entry_shells")
            meta = {key: response.meta.get(key) for key in ("parent_url", "link_text", "title", "kind", "report")}
            yield self.request(source, entry, "page", meta={**meta, "shells": response.meta.get("shells", 0) + 1})
            return
        if pages.is_deleted_stub(response.body, response.url):
            self.crawler.stats.inc_value(f"{ERRORS}deleted")
            return
        if not isinstance(response, TextResponse):
            return
        report = self.report_for(response)
        for url, text in pages.links(response.selector, response.url):
            if self.is_attachment(source, url):
                yield self.request(source, url, "attachment", meta=self._attachment_meta(source, response, text,
                                                                                          report))

    def _attachment_meta(self, source: Source, page: Response, text: str,
                         report: dict[str, Any] | None) -> dict[str, Any]:
        """An attachment belongs to its page's report unless its own link text says otherwise: a document about
        the report is not the report; the report's tables are part of it."""
        own = recognise(text, source.organ)
        if own.kind is Kind.ABOUT:
            report, kind = None, own.kind.value
        elif own.kind is Kind.TABLES and report is not None:
            report, kind = {**report, "kind": Kind.TABLES.value}, Kind.TABLES.value
        else:
            kind = report["kind"] if report else page.meta.get("kind")
        return {"parent_url": page.url, "link_text": text, "title": page.meta.get("title"), "report": report,
                "kind": kind}

    def report_for(self, response: Response) -> dict[str, Any] | None:
        """The report a response belongs to: from its listing, else (pages) from the page's own title."""
        meta = response.meta
        if meta.get("report") is None and meta.get("role") == "page" and isinstance(response, TextResponse) \
                and "report_checked" not in meta and meta.get("kind") != Kind.ABOUT.value \
                and not pages.is_deleted_stub(response.body, response.url):
            meta["report_checked"] = True
            source = self.source_of(response)
            page_title = pages.title(response.selector)
            title = recognise(page_title, source.organ)
            if title.is_report:
                meta["report"] = self._report(source, page_title, title)
            if title.kind is not Kind.OTHER or not meta.get("kind"):
                meta["kind"] = title.kind.value
            if not meta.get("title"):
                meta["title"] = page_title
        return meta.get("report")

    def parse_attachment(self, response: Response) -> Iterable[Request]:
        if pages.is_deleted_stub(response.body, response.url):
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
    if isinstance(error, RedirectLoop):
        return "redirect_loop"
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
