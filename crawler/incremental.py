"""Nightly runs re-read list pages but do not download unchanged documents again.

For a document URL the archive already holds: when the server gave an ETag or Last-Modified, send a conditional
request and, on 304, hand the spider the archived bytes; when it gave neither, do not ask at all and hand over the
archived bytes. Either way the spider still follows the document's links, so a run killed before it fetched the
attachments of an archived page completes them on the next run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from pipelines.archive.manifest import latest_by_url
from pipelines.archive.store import BlobStore

DOCUMENT_ROLES = ("page", "attachment", "picture")
UNCHANGED = "unchanged"
"""Flag on a response served from the archive (no bytes downloaded, or a 304)."""


class IncrementalMiddleware:
    """Downloader middleware next to the downloader; needs ``GOVREPORTS_ARCHIVE_DIR``."""

    def __init__(self, crawler: Crawler, archive_dir: Path) -> None:
        self.crawler = crawler
        self.archive_dir = archive_dir
        self.store = BlobStore(archive_dir)
        self._known: dict[str, dict[str, Any]] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        archive_dir = crawler.settings.get("GOVREPORTS_ARCHIVE_DIR")
        settings = crawler.settings
        if not archive_dir or not settings.getbool("GOVREPORTS_INCREMENTAL", True) \
                or not settings.getbool("GOVREPORTS_ARCHIVE", True):
            raise NotConfigured
        return cls(crawler, Path(archive_dir))

    @property
    def known(self) -> dict[str, dict[str, Any]]:
        if self._known is None:
            source = getattr(self.crawler.spider, "source", None)
            self._known = latest_by_url(self.archive_dir, source.id if source else None)
        return self._known

    def process_request(self, request: Request) -> Response | None:
        if request.meta.get("role") not in DOCUMENT_ROLES or request.meta.get("redirect_times"):
            return None
        record = self.known.get(request.url)
        if record is None or not self.store.exists(record["sha256"]):
            return None
        request.meta["archived"] = record
        if record.get("etag") or record.get("last_modified"):
            if record.get("etag"):
                request.headers[b"If-None-Match"] = record["etag"]
            if record.get("last_modified"):
                request.headers[b"If-Modified-Since"] = record["last_modified"]
            return None
        return self._from_archive(request, record)

    def process_response(self, request: Request, response: Response) -> Response:
        record = request.meta.get("archived")
        if response.status == 304 and record:
            self.crawler.stats.inc_value("govreports/not_modified")
            return self._from_archive(request, record)
        return response

    def _from_archive(self, request: Request, record: dict[str, Any]) -> Response:
        body = self.store.get(record["sha256"])
        headers = Headers({"Content-Type": record["content_type"]} if record.get("content_type") else {})
        url = record.get("final_url") or request.url
        cls = responsetypes.from_args(headers=headers, url=url, body=body)
        self.crawler.stats.inc_value("govreports/unchanged")
        return cls(url=url, status=200, headers=headers, body=body, request=request, flags=[UNCHANGED])
