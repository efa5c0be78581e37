"""What a family module is given: the source it is walking and the few calls it needs — the family interface.

Nothing per source lives on the spider's fields a family reads: every request carries its source id in
``meta["source_id"]``, :func:`context_of` finds the :class:`SourceContext` of a request or response, and a family
module receives that context:

    def start_requests(context: SourceContext) -> Iterator[Request]
    def parse_list(context: SourceContext, response: Response) -> Iterator[Request]

A context offers ``source``, ``logger``, ``request()`` / ``item()`` to build requests, ``is_attachment()``,
``error()`` to count a problem as data, and ``parse_list`` / ``errback`` as the callbacks of requests a family
builds itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response

from crawler import pages
from crawler.organs import organ_of_report
from crawler.sources import Source
from pipelines.titles import Kind, Title, recognise

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.spiders.generic import GenericSpider

SOURCE_ID = "source_id"
"""The request meta key naming the source a request belongs to."""
ERRORS = "govreports/errors/"


class SourceContext:
    """One source being walked (see the module docstring for what families use)."""

    def __init__(self, source: Source, spider: GenericSpider) -> None:
        self.source = source
        self.spider = spider
        self.logger = logging.LoggerAdapter(logging.getLogger(f"govreports.{source.id}"), {"spider": spider})

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
        key = re.sub(r"[\s\u3000]+", "", text)
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

    def error(self, kind: str, url: str | None = None, message: str | None = None) -> None:
        """Count a problem of this source by kind (health shows it); ``message`` goes to the log."""
        self.spider.crawler.stats.inc_value(f"{ERRORS}{kind}")
        if message:
            self.logger.warning("%s: %s", url or self.source.id, message)


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
    """The source a request belongs to; framework requests (robots.txt) get the spider's only source, if any."""
    context = context_of(crawler, request)
    if context is not None:
        return context.source
    return getattr(crawler.spider, "source", None)
