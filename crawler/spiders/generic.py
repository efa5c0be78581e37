"""The one spider: walks a source's report column with its family module, follows items to their pages and pages
to their attachments. What a response *is* (list, page, attachment) travels in ``request.meta``; the archive
extension keeps every body, this spider only decides what to ask for next.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

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
from crawler.redirects import RedirectLoop, RefusedRedirect
from crawler.sources import Source
from crawler.spiders import families
from crawler.spiders.context import SourceContext, context_of
from pipelines.titles import Kind, recognise

ERRORS = "govreports/errors/"
POLICY = {"offsite", "robots_forbidden"}


class GenericSpider(Spider):
    """Crawls one :class:`~crawler.sources.Source`; families get its :class:`SourceContext`."""

    name = "govreports"

    def __init__(self, source: Source, **kwargs: Any) -> None:
        super().__init__(name=f"govreports-{source.id}", **kwargs)
        self.source = source
        self.allowed_domains = source.domains()
        self.contexts = {source.id: SourceContext(source, self)}

    async def start(self) -> AsyncIterator[Request]:
        if not self.source.obey_robots:
            self.logger.warning("source %s overrides robots.txt (obey_robots: false)", self.source.id)
        for request in families.load(self.source.family).start_requests(self.contexts[self.source.id]):
            yield request

    def context(self, response: Response) -> SourceContext:
        """The context of the source a response belongs to."""
        return context_of(self.crawler, response) or self.contexts[self.source.id]

    def report_for(self, response: Response) -> dict[str, Any] | None:
        """The report a response belongs to: from its listing, else (pages) from the page's own title."""
        meta = response.meta
        if meta.get("report") is None and meta.get("role") == "page" and isinstance(response, TextResponse) \
                and "report_checked" not in meta and meta.get("kind") != Kind.ABOUT.value \
                and not pages.is_deleted_stub(response.body, response.url):
            meta["report_checked"] = True
            context = self.context(response)
            page_title = pages.title(response.selector)
            title = recognise(page_title, context.source.organ)
            if title.is_report:
                meta["report"] = context.report_of(page_title, title)
            if title.kind is not Kind.OTHER or not meta.get("kind"):
                meta["kind"] = title.kind.value
            if not meta.get("title"):
                meta["title"] = page_title
        return meta.get("report")

    # Callbacks ----------------------------------------------------------------------------------------------------

    def parse_list(self, response: Response) -> Iterable[Request]:
        context = self.context(response)
        return families.load(context.source.family).parse_list(context, response)

    def parse_page(self, response: Response) -> Iterable[Request]:
        """A document page: follow an entry shell, decide report-ness (listing title, else the page's own), then
        follow its attachments — each judged by its own link text too (a 解读 beside the report is not it)."""
        context = self.context(response)
        entry = pages.entry_target(response.body, response.url)
        if entry is not None and response.meta.get("shells", 0) < 3:
            self.crawler.stats.inc_value("govreports/entry_shells")
            meta = {key: response.meta.get(key) for key in ("parent_url", "link_text", "title", "kind", "report")}
            yield context.request(entry, "page", meta={**meta, "shells": response.meta.get("shells", 0) + 1})
            return
        if pages.is_deleted_stub(response.body, response.url):
            self.crawler.stats.inc_value(f"{ERRORS}deleted")
            return
        if not isinstance(response, TextResponse):
            return
        report = self.report_for(response)
        for url, text in pages.links(response.selector, response.url):
            if context.is_attachment(url):
                yield context.request(url, "attachment", meta=context.attachment_meta(response, text, report))

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
