"""Every response into the archive: the exchange as received into the run's WARC, the decoded body as a blob,
and a documents-manifest row with what the listing said about it.

WARC records are written at ``response_downloaded`` — before decompression, retries and redirects, so 3xx, 503s
and gzip bodies are kept exactly as they came. Blobs and manifest rows are written at ``response_received`` from
the decoded body, so a blob's sha256 matches the file a user downloads. Manifest rows are flushed in small
batches (append-only parts), so a killed run loses at most the last batch, whose blobs are already safe.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from crawler import filenames, pages
from crawler.incremental import UNCHANGED
from crawler.spool import SPOOLED
from pipelines import crashpoints
from pipelines.archive.manifest import append_records
from pipelines.archive.media import media_type
from pipelines.archive.store import BlobStore, sha256_hex
from pipelines.archive.warc import RunWarc
from pipelines.faults import fault_message

logger = logging.getLogger(__name__)
WRITE_FAILED = "archive_write_failed"
"""The finish reason of a crawl stopped because the archive could not be written."""

_MANIFEST_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="manifest-writer")
"""One writer thread for the process: manifest parts in order, the reactor never waits for a disk sync."""

_STORED_IN_RUN: dict[str, set[str]] = {}
"""Run id → sha256s first stored by this run (crawlers of one process share it), so that a report is "new" only
when its bytes were not in the archive before the run began, whichever source stored them first."""


def _headers(headers: Any) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items() for value in values
    ]


def _sample(path: Path) -> bytes:
    """What media_type() reads of a file: its head and, for a zip's directory, its tail."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
        handle.seek(max(4096, path.stat().st_size - 65536))
        return head + handle.read()


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class ArchiveExtension:
    """Needs ``GOVREPORTS_ARCHIVE_DIR`` and ``GOVREPORTS_RUN_ID``; ``GOVREPORTS_WARC = False`` skips the WARC."""

    def __init__(self, crawler: Crawler, archive_dir: Path, run_id: str) -> None:
        self.crawler = crawler
        self.archive_dir = archive_dir
        self.run_id = run_id
        self.store = BlobStore(archive_dir)
        self.write_warc = crawler.settings.getbool("GOVREPORTS_WARC", True)
        self.batch_size = crawler.settings.getint("GOVREPORTS_MANIFEST_BATCH", 100)
        self.batch_seconds = crawler.settings.getfloat("GOVREPORTS_MANIFEST_SECONDS", 5.0)
        self.warc: RunWarc | None = None
        self.pending: list[dict[str, Any]] = []
        self.last_flush = time.monotonic()
        self.reports: dict[str, bool] = {}
        """Report key → whether this run stored a new blob for it (health: reports found / new reports)."""
        self.new_blobs = 0
        self.flushes: list[Future[None]] = []
        self.write_failure: str | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveExtension:
        archive_dir = crawler.settings.get("GOVREPORTS_ARCHIVE_DIR")
        run_id = crawler.settings.get("GOVREPORTS_RUN_ID")
        if not archive_dir or not run_id or not crawler.settings.getbool("GOVREPORTS_ARCHIVE", True):
            raise NotConfigured("GOVREPORTS_ARCHIVE_DIR and GOVREPORTS_RUN_ID are needed to archive")
        extension = cls(crawler, Path(archive_dir), run_id)
        crawler.archive = extension  # type: ignore[attr-defined]  # read by the health extension
        return extension

    def spider_opened(self, spider: Spider) -> None:
        if self.write_warc:
            self.warc = RunWarc(self.archive_dir, f"{self.run_id}.{spider.source.id}")

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        try:
            self._write_warc(response, request)
        except OSError as error:
            self._cannot_write(error)

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        try:
            self._archive(response, request, spider)
        except OSError as error:
            self._cannot_write(error)

    def _cannot_write(self, error: OSError) -> None:
        """The archive cannot be written (a full or read-only disk): crawling on would fetch for nothing, so the
        crawl stops, saying why in one line (``finish_reason`` ``archive_write_failed``)."""
        self.crawler.stats.inc_value("govreports/errors/archive_write")
        if self.write_failure is not None:
            return
        self.write_failure = fault_message(error) or f"{error.filename or ''}: {error.strerror or error}"
        logger.error("the archive cannot be written: %s", self.write_failure)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=WRITE_FAILED))

    def _write_warc(self, response: Response, request: Request) -> None:
        if self.warc is None:
            return
        self.warc.write(
            url=request.url,
            method=request.method,
            request_headers=_headers(request.headers),
            request_body=request.body,
            protocol=response.protocol or "HTTP/1.1",
            status=response.status,
            reason="",
            response_headers=_headers(response.headers),
            body=response.body,
            ip_address=str(response.ip_address) if response.ip_address else None,
            body_file=Path(request.meta[SPOOLED]) if request.meta.get(SPOOLED) else None,
        )

    def _archive(self, response: Response, request: Request, spider: Spider) -> None:
        meta = request.meta
        role = meta.get("role")
        if role is None:  # robots.txt and other framework requests
            return
        report = spider.report_for(response) if hasattr(spider, "report_for") else meta.get("report")
        deleted = pages.is_deleted_stub(response.body)
        if UNCHANGED in response.flags:
            if report and not deleted:
                self.reports.setdefault(report["key"], False)
            return
        stats = self.crawler.stats
        stats.inc_value("govreports/fetched")
        if 200 <= response.status < 300 and not deleted:
            stats.inc_value("govreports/ok")
        stored_in_run = _STORED_IN_RUN.setdefault(self.run_id, set())
        spooled = meta.pop(SPOOLED, None)
        if spooled:  # a large body, on disk: moved into the store, never read into memory
            sample = _sample(Path(spooled))
            sha256, size, new = self.store.adopt(Path(spooled), durable=False)
            if new:
                stored_in_run.add(sha256)
        else:
            sample, size = response.body, len(response.body)
            sha256 = sha256_hex(response.body)
            new = sha256 not in stored_in_run and not self.store.exists(sha256)
            if new:
                stored_in_run.add(sha256)
                self.store.put(response.body, durable=False)
        if new:
            self.new_blobs += 1
            stats.inc_value("govreports/new_blobs")
            crashpoints.reached("crawl.stored")  # a blob whose manifest row is not written yet
        new_to_archive = sha256 in stored_in_run
        is_report = bool(report) and not deleted and 200 <= response.status < 300
        if is_report:
            self.reports[report["key"]] = self.reports.get(report["key"], False) or new_to_archive
        self.pending.append(
            {
                "source_id": spider.source.id,
                "url": (meta.get("redirect_urls") or [request.url])[0],
                "final_url": response.url,
                "http_status": response.status,
                "sha256": sha256,
                "media_type": media_type(sample),
                "size": size,
                "fetched_at": datetime.now(UTC),
                "role": role,
                "parent_url": meta.get("parent_url"),
                "link_text": meta.get("link_text"),
                "title": report["title"] if report else meta.get("title"),
                "is_report": is_report,
                "kind": (report or {}).get("kind") or meta.get("kind"),
                "agency": report["agency"] if report else None,
                "year": report["year"] if report else None,
                "region_code": (report or {}).get("region_code") or spider.source.region_code,
                "content_type": _header(response, b"Content-Type"),
                "etag": _header(response, b"ETag"),
                "last_modified": _header(response, b"Last-Modified"),
                "filename": filenames.from_content_disposition(response.headers.get(b"Content-Disposition")),
            }
        )
        if len(self.pending) >= self.batch_size or time.monotonic() - self.last_flush >= self.batch_seconds:
            self.flush()

    def flush(self) -> None:
        """Hand pending manifest rows to the writer thread (in order, one part per batch)."""
        if self.pending:
            self.flushes.append(_MANIFEST_WRITER.submit(self._write_rows, self.pending))
            self.pending = []
        self.last_flush = time.monotonic()

    def _write_rows(self, rows: list[dict[str, Any]]) -> None:
        """Blobs are written without a per-file fsync (the rename keeps them whole if the process dies); one
        filesystem sync makes them durable before their rows are written, so a manifest row never points at a
        blob a power cut could lose. Runs off the reactor thread: the sync may wait for other writers' data."""
        self.store.sync()
        append_records(self.archive_dir, self.run_id, rows)
        crashpoints.reached("crawl.manifest_written")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.flush()
        for write in self.flushes:
            error = write.exception()
            if error is not None:
                logger.error("manifest rows of %s not written: %s", spider.source.id, error)
                self.crawler.stats.inc_value("govreports/errors/manifest_write")
                if isinstance(error, OSError) and self.write_failure is None:
                    self.write_failure = fault_message(error) or str(error)
        if self.warc is not None:
            try:
                path = self.warc.close()
            except OSError as error:  # left open: the next crawl's recovery closes it after its last whole record
                self.write_failure = self.write_failure or fault_message(error) or str(error)
                return
            logger.info("WARC of %s: %s (%d records)", spider.source.id, path, self.warc.records)
