"""Every response into the archive: the exchange as received into the run's WARC, the decoded body as a blob,
and a documents-manifest row with what the listing said about it — all written off the event loop.

WARC records are taken at ``response_downloaded`` — before decompression, retries and redirects, so 3xx, 503s and
gzip bodies are kept exactly as they came. Blobs and manifest rows are taken at ``response_received`` from the
decoded body, so a blob's sha256 matches the file a user downloads. The reactor only hands bytes over: hashing,
writing, syncing and uploading happen in one writer thread, in order, so a slow disk or object store never blocks
the crawl (a blocked loop makes other requests time out and AutoThrottle widen its delays).

Manifest rows of all sources are written together in parts of ``GOVREPORTS_MANIFEST_BATCH`` rows or every
``GOVREPORTS_MANIFEST_SECONDS`` — not a part per source, which at thousands of sources a night would be thousands
of files. A killed run loses at most the rows of the last batch (their blobs are safe and are fetched again). A
source's crawl state is saved only after the manifest part holding its last rows, so the state never claims a
document the manifest does not record; a run that dies in between leaves its lease for the next run to recover.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.asyncio import create_looping_call, run_in_thread

from crawler import filenames, pages
from crawler.incremental import UNCHANGED
from crawler.spiders.context import SourceContext, context_of
from crawler.spool import SPOOLED
from pipelines import crashpoints
from pipelines.archive.location import Location
from pipelines.archive.manifest import append_records
from pipelines.archive.media import media_type
from pipelines.archive.state import CrawlState, RunLease, SourceState
from pipelines.archive.store import BlobStore, sha256_hex
from pipelines.archive.warc import MAX_BYTES, RunWarc
from pipelines.faults import fault_message

logger = logging.getLogger(__name__)
WRITE_FAILED = "archive_write_failed"
"""The finish reason of a crawl stopped because the archive could not be written."""


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


def _warc_link(spooled: str) -> Path:
    """A second name for a spooled body, owned by the WARC record: the spool middleware may decode (and remove) the
    first before the writer thread reaches the record. Same folder, a hard link: no copy."""
    link = Path(spooled).with_name(f"{os.getpid()}-spool-{uuid.uuid4().hex}")
    os.link(spooled, link)
    return link


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class ArchiveWriter:
    """The writer thread's side: WARC, blobs, manifest parts, crawl states and the run's lease, in order."""

    def __init__(self, archive: str, run_id: str, *, warc: bool, spool: Path | None, warc_max_bytes: int,
                 batch_size: int, batch_seconds: float) -> None:
        self.location = Location(archive)
        self.run_id = run_id
        self.store = BlobStore(self.location)
        self.state = CrawlState(self.location)
        self.warc = RunWarc(self.location, run_id, spool=spool, max_bytes=warc_max_bytes) if warc else None
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.pending: list[dict[str, Any]] = []
        self.fetched: dict[str, list[dict[str, Any]]] = defaultdict(list)
        """Source id → this run's document rows (merged into its state when it finishes)."""
        self.waiting: list[tuple[SourceState, dict[str, list[str]], dict[str, datetime]]] = []
        """States of finished sources, saved after the next manifest part."""
        self.stored: set[str] = set()
        """sha256s first stored by this run: a report is "new" only when its bytes were not archived before."""
        self.last_flush = time.monotonic()
        self.lease: RunLease | None = None
        self.last_heartbeat = 0.0
        self.parts = 0
        self.error: BaseException | None = None

    def begin(self) -> None:
        self.lease = self.state.begin_run(self.run_id)
        self.last_heartbeat = time.monotonic()

    def exchange(self, record: dict[str, Any]) -> None:
        body_file = record.pop("body_file", None)
        try:
            if self.warc is not None:
                self.warc.write(**record, body_file=body_file)
        finally:
            if body_file is not None:
                body_file.unlink(missing_ok=True)

    def body(self, context: SourceContext, row: dict[str, Any], body: bytes | Path,
             report: dict[str, Any] | None) -> None:
        """Store the body (once), complete its manifest row, tally what is new. A large body comes as its spool file
        (crawler.spool): moved into the store, never read into memory."""
        if isinstance(body, Path):
            sample = _sample(body)
            sha256, size, new = self.store.adopt(body, durable=False)
            new = new and sha256 not in self.stored
        else:
            sample, size = body, len(body)
            sha256 = sha256_hex(body)
            new = sha256 not in self.stored and not self.store.exists(sha256)
            if new:
                self.store.put(body, durable=False)
        if new:
            self.stored.add(sha256)
            context.tally.new_blobs += 1
            crashpoints.reached("crawl.stored")  # a blob whose manifest row is not written yet
        row.update(sha256=sha256, media_type=media_type(sample), size=size)
        if row["is_report"] and report:
            context.tally.report(report["key"], report.get("year"), new=sha256 in self.stored)
        self.pending.append(row)
        if row["role"] in ("page", "attachment"):
            self.fetched[row["source_id"]].append(row)
        self.tick()

    def tick(self) -> None:
        """Flush when the batch is full or old enough; renew the run's lease."""
        now = time.monotonic()
        if len(self.pending) >= self.batch_size or ((self.waiting or self.pending) and \
                now - self.last_flush >= self.batch_seconds):
            self.flush()
        if self.lease is not None and now - self.last_heartbeat >= 60:
            self.state.heartbeat(self.lease)
            self.last_heartbeat = now

    def flush(self) -> None:
        """One manifest part for every pending row (blobs made durable first), then the waiting states."""
        if self.pending:
            self.store.sync()
            append_records(self.location, self.run_id, self.pending)
            self.pending = []
            self.parts += 1
            crashpoints.reached("crawl.manifest_written")
        for state, children, checked in self.waiting:
            for row in self.fetched.pop(state.source_id, []):
                state.merge_fetch(row)
            for url, links in children.items():
                state.update(url, children=links)
            for url, when in checked.items():
                state.update(url, checked_at=when)
            if state.needs_save():  # a night that changed nothing of a source leaves its table alone
                self.state.save(state)
        self.waiting = []
        self.last_flush = time.monotonic()

    def keep_state(self, state: SourceState, children: dict[str, list[str]], checked: dict[str, datetime]) -> None:
        self.waiting.append((state, children, checked))
        self.tick()

    def close(self) -> list[str]:
        """Write what is pending, complete the WARC, end the lease; return the WARC files."""
        self.flush()
        files = self.warc.close() if self.warc is not None else []
        if self.lease is not None and self.error is None:
            self.state.end_run(self.lease)
        return files


class ArchiveExtension:
    """Needs ``GOVREPORTS_ARCHIVE_DIR`` and ``GOVREPORTS_RUN_ID``; ``GOVREPORTS_WARC = False`` skips the WARC."""

    def __init__(self, crawler: Crawler, archive: str, run_id: str) -> None:
        settings = crawler.settings
        self.crawler = crawler
        spool = settings.get("GOVREPORTS_SPOOL_DIR")
        self.writer = ArchiveWriter(
            archive, run_id,
            warc=settings.getbool("GOVREPORTS_WARC", True),
            spool=Path(spool) if spool else None,
            warc_max_bytes=settings.getint("GOVREPORTS_WARC_MAX_BYTES", MAX_BYTES),
            batch_size=settings.getint("GOVREPORTS_MANIFEST_BATCH", 2000),
            batch_seconds=settings.getfloat("GOVREPORTS_MANIFEST_SECONDS", 30.0),
        )
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-writer")
        self._ticker: Any = None
        self._closing: asyncio.Future[None] | None = None
        self._failed = threading.Event()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @property
    def write_failure(self) -> str | None:
        """Why the archive could not be written (a full or read-only disk, an unreachable store), in one line."""
        error = self.writer.error
        if error is None:
            return None
        return (fault_message(error) if isinstance(error, OSError) else None) or f"{type(error).__name__}: {error}"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveExtension:
        archive = crawler.settings.get("GOVREPORTS_ARCHIVE_DIR")
        run_id = crawler.settings.get("GOVREPORTS_RUN_ID")
        if not archive or not run_id or not crawler.settings.getbool("GOVREPORTS_ARCHIVE", True):
            raise NotConfigured("GOVREPORTS_ARCHIVE_DIR and GOVREPORTS_RUN_ID are needed to archive")
        extension = cls(crawler, str(archive), run_id)
        crawler.archive = extension  # type: ignore[attr-defined]  # the spider finishes sources through it
        return extension

    def _submit(self, task: Any, *args: Any) -> Future[Any]:
        future = self.thread.submit(self._guarded, task, *args)
        return future

    def _guarded(self, task: Any, *args: Any) -> Any:
        """Run a writer task; the first failure (a full disk, an unreachable object store) stops the crawl, since
        what it fetches next could not be kept."""
        if self.writer.error is not None:
            return None
        try:
            return task(*args)
        except Exception as error:
            self.writer.error = error
            logger.error("archive write failed: %s", error, exc_info=True)
            self._failed.set()
            return None

    async def spider_opened(self, spider: Spider) -> None:
        await run_in_thread(self.writer.begin)
        self._ticker = create_looping_call(self._tick)
        self._ticker.start(min(5.0, self.writer.batch_seconds), now=False)

    def _tick(self) -> None:
        if self._failed.is_set():
            self._failed.clear()
            engine = self.crawler.engine
            if engine is not None and engine.spider is not None:
                self._closing = asyncio.ensure_future(engine.close_spider_async(reason=WRITE_FAILED))
            return
        self._submit(self.writer.tick)

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        if self.writer.warc is None:
            return
        spooled = request.meta.get(SPOOLED)
        self._submit(self.writer.exchange, {
            "url": request.url,
            "method": request.method,
            "request_headers": _headers(request.headers),
            "request_body": request.body,
            "protocol": response.protocol or "HTTP/1.1",
            "status": response.status,
            "reason": "",
            "response_headers": _headers(response.headers),
            "body": response.body,
            "ip_address": str(response.ip_address) if response.ip_address else None,
            "body_file": _warc_link(spooled) if spooled else None,
        })

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        meta = request.meta
        role = meta.get("role")
        context = context_of(self.crawler, request)
        if role is None or context is None:  # robots.txt and other framework requests
            return
        report_for = getattr(spider, "report_for", None)
        report = report_for(response) if report_for is not None else meta.get("report")
        spooled = meta.pop(SPOOLED, None)  # the archive takes the spool file: crawler.spool.SpoolCleanup leaves it
        deleted = pages.is_deleted_stub(response.body, response.url)
        if UNCHANGED in response.flags:
            if report and not deleted:
                context.tally.report(report["key"], report.get("year"))
            return
        tally = context.tally
        tally.fetched += 1
        ok = 200 <= response.status < 300
        if ok and not deleted:
            tally.ok += 1
        row = {
            "source_id": context.source.id,
            "url": (meta.get("redirect_urls") or [request.url])[0],
            "final_url": response.url,
            "http_status": response.status,
            "fetched_at": datetime.now(UTC),
            "role": role,
            "parent_url": meta.get("parent_url"),
            "link_text": meta.get("link_text"),
            "title": report["title"] if report else meta.get("title"),
            "is_report": bool(report) and not deleted and ok,
            "kind": (report or {}).get("kind") or meta.get("kind"),
            "agency": report["agency"] if report else None,
            "year": report["year"] if report else None,
            "region_code": (report or {}).get("region_code") or context.source.region_code,
            "content_type": _header(response, b"Content-Type"),
            "etag": _header(response, b"ETag"),
            "last_modified": _header(response, b"Last-Modified"),
            "filename": filenames.from_content_disposition(response.headers.get(b"Content-Disposition")),
        }
        self._submit(self.writer.body, context, row, Path(spooled) if spooled else response.body, report)

    async def drain(self, context: SourceContext) -> None:
        """Wait (off the loop) until the writer has taken every body handed to it so far."""
        await asyncio.wrap_future(self._submit(lambda: None))

    def keep_state(self, context: SourceContext) -> None:
        """Save the source's state once the manifest rows it stands for are written."""
        self._submit(self.writer.keep_state, context.state, dict(context.children), dict(context.checked))

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        files = await asyncio.wrap_future(self._submit(self.writer.close))
        self.thread.shutdown(wait=True)
        if self.writer.error is not None:
            logger.error("the archive of run %s is incomplete: %s", self.writer.run_id, self.writer.error)
        logger.info("WARC files: %s; manifest parts: %d", files or "none", self.writer.parts)
