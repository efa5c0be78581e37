"""Nightly runs re-read list pages but neither ask for nor read again the documents the archive already holds.

Each source's crawl state (:mod:`pipelines.archive.state`) is read off the event loop when the source starts, in
time independent of the archive's history. Then, for a document URL the state holds:

* whole (an attachment, or a page whose attachments are all held) and checked recently: the request is not made at
  all — the spider drops it and counts the report it stands for, so a night with nothing new costs the
  list pages and little else;
* due for a check (``GOVREPORTS_REVALIDATE_DAYS``, spread over the period by URL so that not every document comes
  due the same night): a conditional request when the server gave an ETag or Last-Modified, and on 304 the spider is
  handed the archived bytes (read in a thread); without validators, a plain request;
* a page whose attachments are not known (a run was killed after archiving the page): the archived bytes are handed
  to the spider without asking, so it follows the page's links and completes what the killed run began.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.asyncio import run_in_thread

from crawler.spiders.context import SourceContext, context_of
from pipelines.archive.state import CrawlState, StateError
from pipelines.archive.store import BlobStore

DOCUMENT_ROLES = ("page", "attachment", "picture")
UNCHANGED = "unchanged"
"""Flag on a response served from the archive (no bytes downloaded, or a 304)."""


def _enabled(crawler: Crawler) -> bool:
    settings = crawler.settings
    return bool(settings.get("GOVREPORTS_ARCHIVE_DIR")) and settings.getbool("GOVREPORTS_INCREMENTAL", True) \
        and settings.getbool("GOVREPORTS_ARCHIVE", True)


def _spread(url: str) -> float:
    """A stable number in [0.5, 1) per URL: documents come due over the second half of the period, not at once."""
    return 0.5 + int.from_bytes(hashlib.blake2b(url.encode(), digest_size=2).digest(), "big") / 131072


def is_due(entry: dict[str, Any], period: timedelta, now: datetime) -> bool:
    """Whether a held document should be checked again tonight."""
    checked = entry.get("checked_at") or entry.get("fetched_at")
    if period <= timedelta(0) or checked is None:
        return True
    age = now - checked
    return age >= period / 2 and age >= period * _spread(entry["url"])  # the hash only for the few old enough


def is_whole(entry: dict[str, Any], entries: dict[str, dict[str, Any]]) -> bool:
    """An attachment is whole once held; a page once every attachment it links to is held too."""
    if entry.get("role") != "page":
        return True
    children = entry.get("children")
    return children is not None and all(child in entries for child in children)


class IncrementalMiddleware:
    """Downloader middleware next to the downloader; reads each source's state when the spider opens the source."""

    def __init__(self, crawler: Crawler, archive: str) -> None:
        self.crawler = crawler
        self.state = CrawlState(archive)
        self.store = BlobStore(self.state.location)
        days = crawler.settings.getfloat("GOVREPORTS_REVALIDATE_DAYS", 30.0)
        self.period = timedelta(days=days)
        self.now = datetime.now(UTC)
        crawler.incremental = self  # type: ignore[attr-defined]  # the spider opens sources through it

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        if not _enabled(crawler):
            raise NotConfigured
        return cls(crawler, crawler.settings.get("GOVREPORTS_ARCHIVE_DIR"))

    async def open_source(self, context: SourceContext) -> None:
        """Read the source's state in a thread; an unreadable state fails that source alone, with the remedy."""
        try:
            context.state = await run_in_thread(self.state.load, context.source.id)
        except StateError as error:
            context.failure = str(error)

    def wants(self, context: SourceContext, request: Request) -> bool:
        """False when the document is held whole and not due: no request at all (its report is still counted)."""
        if request.meta.get("role") not in DOCUMENT_ROLES:
            return True
        return not self.holds(context, request.url, request.meta.get("report"))

    def holds(self, context: SourceContext, url: str, report: dict[str, Any] | None = None) -> bool:
        """Whether the document at ``url`` is held whole and not due; when it is, its report (the listing's, else
        the held body's verdict) is counted and the document is not asked for."""
        if context.state is None:
            return False
        entry = context.state.entries.get(url)
        if entry is None or not is_whole(entry, context.state.entries) or is_due(entry, self.period, self.now):
            return False
        if entry.get("is_report"):  # the held body's verdict (a deleted stub listed as a report is none)
            if report:
                context.tally.report(report["key"], report.get("year") or entry.get("year"))
            elif entry.get("report_key"):
                context.tally.report(entry["report_key"], entry.get("year"))
        context.tally.skipped += 1
        return True

    async def process_request(self, request: Request) -> Response | None:
        if request.meta.get("role") not in DOCUMENT_ROLES or request.meta.get("redirect_times"):
            return None
        context = context_of(self.crawler, request)
        if context is None or context.state is None:
            return None
        entry = context.state.entries.get(request.url)
        if entry is None:
            return None
        request.meta["archived"] = entry
        if is_due(entry, self.period, self.now):
            if entry.get("etag"):
                request.headers[b"If-None-Match"] = entry["etag"]
            if entry.get("last_modified"):
                request.headers[b"If-Modified-Since"] = entry["last_modified"]
            return None
        return await self._from_archive(request, entry, context)

    async def process_response(self, request: Request, response: Response) -> Response:
        entry = request.meta.get("archived")
        if response.status == 304 and entry:
            context = context_of(self.crawler, request)
            if context is not None:
                context.tally.not_modified += 1
                context.checked[request.url] = datetime.now(UTC)
                archived = await self._from_archive(request, entry, context)
                if archived is not None:
                    return archived
        return response

    async def _from_archive(self, request: Request, entry: dict[str, Any], context: SourceContext) -> Response | None:
        try:
            body = await run_in_thread(self.store.get, entry["sha256"])
        except (FileNotFoundError, OSError):
            return None  # not in the archive after all: fetch it
        headers = Headers({"Content-Type": entry["content_type"]} if entry.get("content_type") else {})
        url = entry.get("final_url") or request.url
        cls = responsetypes.from_args(headers=headers, url=url, body=body)
        context.tally.unchanged += 1
        return cls(url=url, status=200, headers=headers, body=body, request=request, flags=[UNCHANGED])
