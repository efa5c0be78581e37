"""The one spider: walks a batch of sources in one Scrapy engine, each column with its family module, following items
to their pages and pages to their attachments.

What a response *is* (list, page, attachment) and which source it belongs to travel in ``request.meta``; per-source
things live in a :class:`~crawler.spiders.context.SourceContext`, never on the spider. Politeness is per host, in
Scrapy's downloader (``CONCURRENT_REQUESTS_PER_DOMAIN`` and a delay per host slot), so many columns on one host are
one host. A source is finished when none of its requests is in flight (:mod:`crawler.spiders.tracking`); it is
then judged (health), its crawl state is saved, and the others go on. The archive extension keeps every body; this
spider only decides what to ask for next.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
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
from crawler.backoff import HostUnreachable, RetryLater
from crawler.budget import SourceDeadline
from crawler.guard import RefusedAddress, UnresolvableHost
from crawler.redirects import RedirectLoop, RefusedRedirect
from crawler.sources import Source
from crawler.spiders import families
from crawler.spiders.context import LIFECYCLE, SOURCE_ID, SourceContext, context_of
from pipelines.titles import Kind, recognise

POLICY = {"offsite", "robots_forbidden"}
"""Refusals by policy: counted on their own, not as errors."""
DEFAULT_SOURCE_SECONDS = 4 * 3600.0


class GenericSpider(Spider):
    """Crawls every :class:`~crawler.sources.Source` of a batch."""

    name = "govreports"

    def __init__(self, sources: list[Source], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.contexts: dict[str, SourceContext] = {source.id: SourceContext(source, self) for source in sources}
        self.sources_by_host: dict[str, list[Source]] = {}
        for source in sources:
            for host in source.domains():
                self.sources_by_host.setdefault(host, []).append(source)
        self._next_lifecycle = 0
        self._finishing: set[asyncio.Task[None]] = set()

    @property
    def sources(self) -> list[Source]:
        """The batch (components that prepare per-source things at spider open read it: address families)."""
        return [context.source for context in self.contexts.values()]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> GenericSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._response_received, signal=signals.response_received)
        crawler.signals.connect(spider._request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider._spider_error, signal=signals.spider_error)
        crawler.signals.connect(spider._spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._spider_closed, signal=signals.spider_closed)
        return spider

    # Start --------------------------------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        """Open the sources one after another (each reads its crawl state off the event loop) and yield their
        start requests; the engine interleaves them with the requests of sources already walking."""
        seconds = self.settings.getfloat("GOVREPORTS_SOURCE_SECONDS", DEFAULT_SOURCE_SECONDS)
        opener = getattr(self.crawler, "incremental", None)
        for context in self.contexts.values():
            context.open(seconds)
            if not context.source.obey_robots:
                context.logger.warning("source %s overrides robots.txt (obey_robots: false)", context.source.id)
            try:
                context.family = families.load(context.source.family)
                if opener is not None:
                    await opener.open_source(context)
                requests = list(context.family.start_requests(context)) if context.failure is None else []
            except Exception as error:  # a family or state that cannot start fails its source alone
                context.failure = context.failure or f"could not start: {type(error).__name__}: {error}"
                requests = []
            if context.failure:
                context.logger.error("%s: %s", context.source.id, context.failure)
            for request in requests:
                request.meta.setdefault(SOURCE_ID, context.source.id)
                self.track(request)
                yield request
            context.starting = False
            self.settle(context)

    # Requests -----------------------------------------------------------------------------------------------------

    def track(self, request: Request) -> None:
        """Count ``request`` as in flight for its source (once per logical request: retries and redirects keep
        the lifecycle id of the request they replace)."""
        context = self.contexts.get(request.meta.get(SOURCE_ID, ""))
        if context is None:
            return
        lifecycle = request.meta.get(LIFECYCLE)
        if lifecycle is None:
            self._next_lifecycle += 1
            lifecycle = request.meta[LIFECYCLE] = self._next_lifecycle
        context.outstanding.add(lifecycle)

    def done(self, request: Request | None) -> None:
        """``request`` (and its retries/redirects) is finished with: callback done, errback done, or dropped."""
        if request is None:
            return
        context = self.contexts.get(request.meta.get(SOURCE_ID, ""))
        if context is None:
            return
        context.outstanding.discard(request.meta.get(LIFECYCLE))
        self.settle(context)

    def settle(self, context: SourceContext) -> None:
        """Finish ``context`` when nothing of it is in flight any more."""
        if context.idle:
            context.finished = True
            task = asyncio.ensure_future(self._finish(context))
            self._finishing.add(task)
            task.add_done_callback(self._finishing.discard)

    async def _finish(self, context: SourceContext) -> None:
        """Judge the source and keep its state: the archive's writes first (new bodies), then health, then the
        state saved after the manifest rows it stands for."""
        context.tally.finished_at = datetime.now(UTC)
        archive = getattr(self.crawler, "archive", None)
        health = getattr(self.crawler, "health", None)
        try:
            if archive is not None:
                await archive.drain(context)
            if health is not None:
                health.judge(context)
            if archive is not None:
                archive.keep_state(context)
        except Exception as error:
            self.logger.error("finishing %s failed: %s", context.source.id, error, exc_info=True)
            context.failure = context.failure or f"finishing failed: {error}"
        finally:
            context.state = None  # type: ignore[assignment]  # its entries are saved or dropped: free them
            progress = getattr(self.crawler, "progress", None)
            if progress is not None:
                progress.source_done(context)

    # Callbacks ----------------------------------------------------------------------------------------------------

    def parse_list(self, response: Response) -> Iterable[Request]:
        context = self._context(response)
        return self._wanted(context, context.family.parse_list(context, response))

    def parse_page(self, response: Response) -> Iterable[Request]:
        context = self._context(response)
        return self._wanted(context, self._page_requests(context, response))

    def _wanted(self, context: SourceContext, requests: Iterable[Request]) -> Iterable[Request]:
        """The requests worth making: a document the archive holds whole and not due is not asked for (its report
        is counted, :meth:`crawler.incremental.IncrementalMiddleware.wants`). Dropped here, in the callback, rather
        than by a spider middleware: on a night with nothing new nearly every listed item is dropped, and each
        output passing Scrapy's chain of spider middlewares cost more than the rest of its handling (cProfile,
        1,000 columns)."""
        incremental = getattr(self.crawler, "incremental", None)
        if incremental is None:
            return requests
        return (request for request in requests
                if not isinstance(request, Request) or incremental.wants(context, request))

    def _page_requests(self, context: SourceContext, response: Response) -> Iterator[Request]:
        """A document page: follow an entry shell, decide report-ness (listing title, else the page's own), then
        follow its attachments — each judged by its own link text too (a 解读 beside the report is not it)."""
        children: list[str] = []
        context.children[(response.meta.get("redirect_urls") or [response.request.url])[0]] = children
        entry = pages.entry_target(response.body, response.url)
        if entry is not None and response.meta.get("shells", 0) < 3:
            self.crawler.stats.inc_value("govreports/entry_shells")
            meta = {key: response.meta.get(key) for key in ("parent_url", "link_text", "title", "kind", "report")}
            yield context.request(entry, "page", meta={**meta, "shells": response.meta.get("shells", 0) + 1})
            return
        if pages.is_deleted_stub(response.body, response.url):
            context.error("deleted", response.url, role="page")
            return
        if not isinstance(response, TextResponse):
            return
        report = self.report_for(response)
        for url, text in pages.links(response.selector, response.url):
            if context.is_attachment(url):
                children.append(url)
                yield context.request(url, "attachment", meta=context.attachment_meta(response, text, report))
        if report is not None:  # a report's tables may be pictures on its page: they are read with it (OCR)
            for url in pages.images(response.selector, response.url):
                children.append(url)
                meta = {"parent_url": response.url, "title": response.meta.get("title"), "report": report,
                        "kind": report.get("kind")}
                yield context.request(url, "picture", meta=meta)

    def report_for(self, response: Response) -> dict[str, Any] | None:
        """The report a response belongs to: from its listing, else (pages) from the page's own title."""
        meta = response.meta
        if meta.get("report") is None and meta.get("role") == "page" and isinstance(response, TextResponse) \
                and "report_checked" not in meta and meta.get("kind") != Kind.ABOUT.value \
                and not pages.is_deleted_stub(response.body, response.url):
            meta["report_checked"] = True
            context = self._context(response)
            page_title = pages.title(response.selector)
            title = recognise(page_title, context.source.organ)
            if title.is_report:
                meta["report"] = context.report_of(page_title, title)
            if title.kind is not Kind.OTHER or not meta.get("kind"):
                meta["kind"] = title.kind.value
            if not meta.get("title"):
                meta["title"] = page_title
        return meta.get("report")

    def parse_attachment(self, response: Response) -> Iterable[Request]:
        if pages.is_deleted_stub(response.body, response.url):
            self._context(response).error("deleted", response.url, role="attachment")
        return ()

    def errback(self, failure: Failure) -> None:
        """Count the failure by kind against its source; offsite and robots refusals are policy (own figures), a
        retry scheduled for later is no failure yet."""
        request = getattr(failure, "request", None)
        if failure.check(RetryLater):
            return
        try:
            context = context_of(self.crawler, request)
            if context is None:
                return
            kind = error_kind(failure)
            if kind == "robots_forbidden":
                context.tally.robots_forbidden += 1
            elif kind == "offsite":
                context.tally.offsite_filtered += 1
            else:
                context.error(kind, request.url if request is not None else None,
                              role=request.meta.get("role") if request is not None else None)
        finally:
            self.done(request)

    def _context(self, response: Response) -> SourceContext:
        context = context_of(self.crawler, response)
        if context is None:
            raise KeyError(f"{response.url}: response of no source in this crawl")
        return context

    # Signals ------------------------------------------------------------------------------------------------------

    def _response_received(self, response: Response, request: Request, spider: Spider) -> None:
        context = context_of(self.crawler, request)
        if context is not None:
            context.tally.responses += 1

    def _request_dropped(self, request: Request, spider: Spider) -> None:
        self.done(request)

    def _spider_error(self, failure: Failure, response: Response | Failure, spider: Spider) -> None:
        """A callback of some source raised: that source crashed (it is failed with the reason); others go on."""
        request = response.request if isinstance(response, Response) else getattr(response, "request", None)
        context = context_of(self.crawler, request)
        if context is not None:
            error = failure.value
            where = failure.frames[-1] if failure.frames else None
            place = f" at {where[1].rsplit('/', 2)[-1]}:{where[2]}" if where else ""
            context.tally.crashes.append(f"{type(error).__name__}: {error}{place}"[:300])
            context.tally.error("crash", request.url if request is not None else None,
                                request.meta.get("role") if request is not None else None)
        self.done(request)

    def _spider_idle(self, spider: Spider) -> None:
        """Nothing left to download: finish sources whose last request left no trace (dropped by a component that
        sends no signal); wait for sources still being finished."""
        retries = getattr(self.crawler, "retries_pending", None)
        if retries is None or not retries():
            for context in self.contexts.values():
                if not context.finished and not context.starting:
                    context.outstanding.clear()
                    self.settle(context)
        if self._finishing:
            raise DontCloseSpider

    def _spider_closed(self, spider: Spider, reason: str) -> None:
        """A crawl closed early (shutdown, a broken archive): the sources not finished end with that reason."""
        for context in self.contexts.values():
            if not context.finished:
                context.finish_reason = reason if reason != "finished" else "not_finished"
                context.starting = False
                context.outstanding.clear()
                self.settle(context)


def error_kind(failure: Failure) -> str:
    """A short, stable name for what went wrong."""
    error = failure.value
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    if isinstance(error, HostUnreachable | SourceDeadline):
        return error.kind
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

