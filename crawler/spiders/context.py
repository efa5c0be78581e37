"""What a family module is given: the source it is walking and the few calls it needs — the family interface.

One spider crawls a batch of sources in one Scrapy engine, so nothing per source lives on the spider. Every
request carries its source id in ``meta["source_id"]``; :func:`context_of` finds the :class:`SourceContext` of a
request or response, and a family module receives that context wherever it used to receive the spider:

    def start_requests(context: SourceContext) -> Iterator[Request]
    def parse_list(context: SourceContext, response: Response) -> Iterator[Request]

A context offers ``source`` (the :class:`~crawler.sources.Source`), ``logger``, ``request()`` / ``item()`` to build
requests, ``is_attachment()``, ``error()`` to count a problem as data, and ``parse_list`` / ``errback`` as the
callbacks of requests a family builds itself. Requests a family builds directly (``scrapy.Request``) are stamped
with their source by the spider's tracking middleware, so a family needs no bookkeeping of its own.

The context also keeps the source's tally (what health reports), its crawl state while it is being walked, and the
requests still in flight, which tell when the source is finished.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response

from crawler import pages
from crawler.organs import organ_of_report
from crawler.sources import Source
from pipelines.archive.state import SourceState, report_key
from pipelines.titles import Kind, Title, recognise

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.spiders.generic import GenericSpider

SOURCE_ID = "source_id"
"""The request meta key naming the source a request belongs to."""
LIFECYCLE = "lifecycle"
"""The request meta key identifying one logical request across its retries and redirects."""
FAILING_LISTED = 20
LIST_ROLES = frozenset({"list", "api"})
"""At most this many failing URLs are kept per source (health names them)."""


@dataclass
class SourceTally:
    """What one source's crawl did: the figures of its health record."""

    fetched: int = 0
    """Responses downloaded (not served from the archive)."""
    ok: int = 0
    """Downloaded responses with a 2xx status that are not deleted-content stubs."""
    responses: int = 0
    unchanged: int = 0
    """Responses served from the archive (a 304, or a document handed over without asking)."""
    not_modified: int = 0
    skipped: int = 0
    """Documents the archive already holds whole: not requested at all."""
    new_blobs: int = 0
    retries: int = 0
    offsite_filtered: int = 0
    robots_forbidden: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    list_errors: Counter[str] = field(default_factory=Counter)
    """Errors of list pages and list APIs: the column was not walked to its end."""
    failing: list[dict[str, str]] = field(default_factory=list)
    reports: dict[str, bool] = field(default_factory=dict)
    """Report key → whether this run archived its bytes for the first time."""
    years: set[int] = field(default_factory=set)
    """Report years the column lists tonight."""
    crashes: list[str] = field(default_factory=list)
    """Exceptions raised while walking the source (a family module's bug, a page it cannot take)."""
    started_at: datetime | None = None
    finished_at: datetime | None = None

    def error(self, kind: str, url: str | None = None, role: str | None = None) -> None:
        self.errors[kind] += 1
        if role in LIST_ROLES:
            self.list_errors[kind] += 1
        if url and len(self.failing) < FAILING_LISTED:
            self.failing.append({"kind": kind, "url": url, "role": role or ""})

    def report(self, key: str, year: int | None, new: bool = False) -> None:
        self.reports[key] = self.reports.get(key, False) or new
        if year:
            self.years.add(int(year))


class SourceContext:
    """One source being walked (see the module docstring for what families use)."""

    def __init__(self, source: Source, spider: GenericSpider) -> None:
        self.source = source
        self.spider = spider
        self.family: Any = None
        self.logger = logging.LoggerAdapter(logging.getLogger(f"govreports.{source.id}"), {"spider": spider})
        self.tally = SourceTally()
        self.state = SourceState(source.id)
        self.children: dict[str, list[str]] = {}
        """Page URL → the attachment URLs it links to (this run), for the crawl state."""
        self.checked: dict[str, datetime] = {}
        """Document URL → when a conditional request found it unchanged."""
        self.outstanding: set[int] = set()
        self.starting = True
        self.finished = False
        self.failure: str | None = None
        """Why the source could not be crawled at all (unreadable state, unknown family), when it could not."""
        self.deadline = float("inf")
        self.finish_reason = "finished"

    def __repr__(self) -> str:
        return f"<SourceContext {self.source.id}>"

    @property
    def parse_list(self) -> Any:
        return self.spider.parse_list

    @property
    def errback(self) -> Any:
        return self.spider.errback

    def request(self, url: str, role: str, callback: Any = None, **kwargs: Any) -> Request:
        """A request of this source with the crawler's meta; every request gets the errback and robots override."""
        meta: dict[str, Any] = kwargs.pop("meta", {})
        meta["role"] = role
        meta[SOURCE_ID] = self.source.id
        if not self.source.obey_robots:
            meta["dont_obey_robotstxt"] = True
        if role == "attachment":
            callback = callback or self.spider.parse_attachment
        elif role == "page":
            callback = callback or self.spider.parse_page
        return Request(url, callback=callback, errback=self.spider.errback, meta=meta, **kwargs)

    def item(self, url: str, text: str, parent_url: str, extra_titles: Iterable[str] = (),
             role: str | None = None) -> Request:
        """A listed item: a report page, or a file listed directly (``role`` forces attachment or page); the title
        recogniser's verdict travels with it (``kind``, and the report it names)."""
        title = recognise(text, self.source.organ)
        for other in extra_titles:
            if title.is_report:
                break
            title = recognise(other, self.source.organ)
        role = role or ("attachment" if self.is_attachment(url) else "page")
        meta = {"parent_url": parent_url, "link_text": text, "title": text, "kind": title.kind.value,
                "report": self.report_of(text, title) if title.is_report else None}
        return self.request(url, role, meta=meta)

    def report_of(self, text: str, title: Title) -> dict[str, Any]:
        """The report a title names: its key (the title without spaces), organ, region, year, kind."""
        key = report_key(text)
        agency, region_code = organ_of_report(self.spider.crawler.settings, self.source, title)
        return {"key": key, "agency": agency, "year": title.year, "title": text, "kind": title.kind.value,
                "region_code": region_code}

    def attachment_meta(self, page: Response, text: str, report: dict[str, Any] | None) -> dict[str, Any]:
        """An attachment belongs to its page's report unless its own link text says otherwise: a document about
        the report is not the report; the report's tables are part of it."""
        own = recognise(text, self.source.organ)
        if own.kind is Kind.ABOUT:
            report, kind = None, own.kind.value
        elif own.kind is Kind.TABLES and report is not None:
            report, kind = {**report, "kind": Kind.TABLES.value}, Kind.TABLES.value
        else:
            kind = report["kind"] if report else page.meta.get("kind")
        return {"parent_url": page.url, "link_text": text, "title": page.meta.get("title"), "report": report,
                "kind": kind}

    def is_attachment(self, url: str) -> bool:
        hints = self.source.hints
        path = urlsplit(url).path
        return pages.extension(url) in hints.attachment_extensions or any(
            fragment in path for fragment in hints.attachment_paths
        )

    def error(self, kind: str, url: str | None = None, message: str | None = None, role: str | None = "list") -> None:
        """Count a problem of this source by kind (health shows it); ``message`` goes to the log. Families report
        what they find wrong with a list (``role`` list: the column was not walked whole); the spider names the
        role of the request that failed."""
        self.tally.error(kind, url, role)
        if message:
            self.logger.warning("%s: %s", url or self.source.id, message)

    # Bookkeeping --------------------------------------------------------------------------------------------------

    def open(self, deadline_seconds: float) -> None:
        self.tally.started_at = datetime.now(UTC)
        self.deadline = time.monotonic() + deadline_seconds

    def past_deadline(self) -> bool:
        return time.monotonic() > self.deadline

    @property
    def idle(self) -> bool:
        return not self.starting and not self.outstanding and not self.finished


def source_id_of(request: Request | Response | None) -> str | None:
    if request is None:
        return None
    return request.meta.get(SOURCE_ID) if isinstance(request, Request) else \
        (request.meta.get(SOURCE_ID) if request.request is not None else None)


def context_of(crawler: Crawler, request: Request | Response | None) -> SourceContext | None:
    """The context of the source a request (or response) belongs to; None for framework requests (robots.txt)."""
    contexts = getattr(crawler.spider, "contexts", None)
    source_id = source_id_of(request)
    return contexts.get(source_id) if contexts is not None and source_id else None


def source_of(crawler: Crawler, request: Request | Response | None) -> Source | None:
    """The source a request belongs to; a framework request (robots.txt) gets the source of its host when exactly
    one source of the crawl lives there."""
    context = context_of(crawler, request)
    if context is not None:
        return context.source
    if request is None:
        return None
    on_host = _sources_on_host(crawler, request)
    return on_host[0] if len(on_host) == 1 else None


def loopback_allowed(crawler: Crawler, request: Request) -> bool:
    """Whether ``request`` may reach loopback addresses: its source is a replica on this machine (``local``); a
    framework request (robots.txt) may when a local source of this crawl lives on its host."""
    context = context_of(crawler, request)
    if context is not None:
        return context.source.local
    return any(source.local for source in _sources_on_host(crawler, request))


def _sources_on_host(crawler: Crawler, request: Request | Response) -> list[Source]:
    """The sources of this crawl that live on ``request``'s host, from the spider's index (built once: scanning
    every source for each robots.txt request cost O(sources²), 36 ms per source at 1,000 sources)."""
    by_host: dict[str, list[Source]] = getattr(crawler.spider, "sources_by_host", {})
    return by_host.get(urlsplit(request.url).hostname or "", [])
