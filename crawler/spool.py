"""Large response bodies go to disk as they arrive, not into memory.

Scrapy keeps every body in memory, several times over on its way to the archive (its read buffer, the body, the
WARC record, the decompressed copy): a 190 MB response took 0.9 GB. Here a body past ``GOVREPORTS_SPOOL_BYTES``
(default 4 MB; a report page is kilobytes, most attached files under that) is written to a spool file in the
archive's temporary folder as it arrives, and the response reaches Scrapy with an empty body and the file's path in
``request.meta["spooled"]``. The archive then streams the WARC record from the file and moves the file into the
blob store (the same filesystem: a rename), so a body is never held whole in memory. A spooled body is a document
to keep, not a page to walk: the crawler follows no links of a page that large (counted as
the source's error ``too_large_to_walk``).

Content-Encoding (gzip, deflate) of a spooled body is undone from file to file, bounded by DOWNLOAD_MAXSIZE like
Scrapy's own decompression (a gzip bomb stops there); the WARC keeps the bytes as received.

Spool files are named ``<pid>-spool-<uuid>`` so the blob store's sweep removes those of a killed crawl.
"""

from __future__ import annotations

import logging
import os
import uuid
import zlib
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler, _ScrapyAgent
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured, ResponseDataLossError
from scrapy.http import Headers, Response
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.spiders.context import context_of
from pipelines.archive.location import Location
from pipelines.archive.recovery import SPOOLED_BODIES
from pipelines.archive.store import BlobStore

SPOOLED = "spooled"
"""``request.meta`` key: the path of the file holding the response's body (decoded, once decoded)."""
SPOOL_BYTES = "GOVREPORTS_SPOOL_BYTES"
DEFAULT_SPOOL_BYTES = 4 * 1024 * 1024
CHUNK = 1 << 20
DECODED = (b"gzip", b"x-gzip", b"deflate")
logger = logging.getLogger(__name__)


class SpoolBuffer:
    """What Scrapy's response reader writes the body into (a BytesIO's write/truncate/getvalue): memory up to a
    threshold, a file past it. ``getvalue`` of a spooled body hands the file to the request and returns b""."""

    def __init__(self, request: Request, folder: Path, threshold: int) -> None:
        self.request, self.folder, self.threshold = request, folder, threshold
        self.memory = bytearray()
        self.file: Any = None
        self.path: Path | None = None

    def write(self, data: bytes) -> int:
        if self.file is None and len(self.memory) + len(data) <= self.threshold:
            self.memory += data
            return len(data)
        if self.file is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.path = self.folder / f"{os.getpid()}-spool-{uuid.uuid4().hex}"
            self.file = open(self.path, "wb")  # noqa: SIM115 - closed in getvalue/truncate
            self.file.write(self.memory)
            self.memory = bytearray()
        self.file.write(data)
        return len(data)

    def truncate(self, size: int = 0) -> int:
        """Scrapy drops a body past DOWNLOAD_MAXSIZE this way: drop the file too."""
        self.memory = bytearray()
        self._discard()
        return 0

    def getvalue(self) -> bytes:
        if self.file is None:
            return bytes(self.memory)
        self.file.close()
        self.file = None
        self.request.meta[SPOOLED] = str(self.path)
        return b""

    def _discard(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None

    def __del__(self) -> None:  # a download cancelled half-way never calls getvalue
        if self.file is not None:
            self._discard()


class _Spooling:
    """Scrapy's twisted response, with the body reader's buffer swapped for a :class:`SpoolBuffer` as it starts."""

    def __init__(self, txresponse: Any, make_buffer: Any) -> None:
        self._txresponse, self._make_buffer = txresponse, make_buffer

    def deliverBody(self, protocol: Any) -> None:
        protocol._bodybuf = self._make_buffer(protocol._request)
        self._txresponse.deliverBody(protocol)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._txresponse, name)


class _SpoolingAgent(_ScrapyAgent):
    def __init__(self, *, folder: Path, threshold: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder, self.threshold = folder, threshold

    def _cb_bodyready(self, txresponse: Any, request: Request) -> Any:
        spooling = _Spooling(txresponse, lambda req: SpoolBuffer(req, self.folder, self.threshold))
        return super()._cb_bodyready(spooling, request)  # type: ignore[arg-type]


class SpoolingDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 download handler (DOWNLOAD_HANDLERS for http and https), spooling large bodies.

    Scrapy has no setting for where a body is buffered, so the one place it is made — the reader's buffer — is
    replaced when the body starts; everything else is Scrapy's own handler."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.folder = spool_folder(crawler)
        self.threshold = crawler.settings.getint(SPOOL_BYTES, DEFAULT_SPOOL_BYTES)

    async def download_request(self, request: Request) -> Response:
        agent = _SpoolingAgent(
            folder=self.folder,
            threshold=self.threshold,
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        try:
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(agent.download_request(request))
        except ResponseDataLossError:
            discard(request)
            if not self._fail_on_dataloss_warned:
                logger.warning(get_dataloss_msg(request.url))
                self._fail_on_dataloss_warned = True
            raise
        except BaseException:
            discard(request)
            raise


def spool_folder(crawler: Crawler) -> Path:
    """Where large bodies are spooled: the blob store's temporary folder of a local archive (a spooled body then
    moves into the store by a rename, and the store's sweep removes a killed crawl's files); for an archive on object
    storage, the local spool (GOVREPORTS_SPOOL_DIR), uploaded from there."""
    archive = crawler.settings.get("GOVREPORTS_ARCHIVE_DIR")
    spool = crawler.settings.get("GOVREPORTS_SPOOL_DIR")
    if archive and not Location(archive).remote:
        return BlobStore(archive).tmp
    return Path(spool) / SPOOLED_BODIES if spool else Path(os.environ.get("TMPDIR", "/tmp"))


def discard(request: Request) -> None:
    """Remove a request's spool file (its response was dropped before the archive took it)."""
    path = request.meta.pop(SPOOLED, None)
    if path:
        Path(path).unlink(missing_ok=True)


class SpoolMiddleware:
    """Downloader middleware just outside HttpCompressionMiddleware (its process_response runs first): undoes the
    Content-Encoding of a spooled body from file to file, counts a page too large to walk, and removes the spool
    file of a response that is dropped on the way (an exception) or never archived (the spider closes)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self.threshold = crawler.settings.getint(SPOOL_BYTES, DEFAULT_SPOOL_BYTES)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SpoolMiddleware:
        if crawler.settings.getint(SPOOL_BYTES, DEFAULT_SPOOL_BYTES) <= 0:
            raise NotConfigured
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        path = request.meta.get(SPOOLED)
        if not path:
            return response
        role = request.meta.get("role")
        if role in ("list", "page"):
            self.crawler.stats.inc_value("govreports/errors/too_large_to_walk")
            context = context_of(self.crawler, request)
            if context is not None:
                message = f"a {role} page past {self.threshold:,} bytes is archived but not walked"
                context.error("too_large_to_walk", request.url, message, role=role)
        encodings = [value.strip().lower() for value in response.headers.getlist(b"Content-Encoding")]
        if not encodings:
            return response
        if any(encoding not in DECODED and encoding != b"identity" for encoding in encodings):
            return self._in_memory(request, response, Path(path))  # br, zstd: Scrapy decodes, within its limit
        decoded = Path(path)
        for encoding in reversed(encodings):  # the last applied is undone first
            if encoding != b"identity":
                decoded = self._decode(request, decoded, encoding)
        request.meta[SPOOLED] = str(decoded)
        headers = Headers(response.headers)
        headers.pop(b"Content-Encoding", None)
        return response.replace(headers=headers)

    def _decode(self, request: Request, source: Path, encoding: bytes) -> Path:
        target = source.with_name(f"{os.getpid()}-spool-{uuid.uuid4().hex}")
        with open(source, "rb") as raw:
            zlib_header = raw.read(1) == b"\x78"
        # gzip; deflate as HTTP means it (zlib-wrapped), or as many servers send it (raw)
        window_bits = 16 + zlib.MAX_WBITS if b"gzip" in encoding else zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS
        decompressor = zlib.decompressobj(window_bits)
        size = 0
        try:
            with open(source, "rb") as raw, open(target, "wb") as out:
                for chunk in iter(lambda: raw.read(CHUNK), b""):
                    data = decompressor.decompress(chunk, CHUNK)
                    while True:
                        size += len(data)
                        if self.max_size and size > self.max_size:
                            raise IgnoreRequest(f"{request.url}: more than DOWNLOAD_MAXSIZE ({self.max_size} B) "
                                                "once decompressed (a decompression bomb?)")
                        out.write(data)
                        if not decompressor.unconsumed_tail:
                            break
                        data = decompressor.decompress(decompressor.unconsumed_tail, CHUNK)
                out.write(decompressor.flush())
        except zlib.error as error:
            target.unlink(missing_ok=True)
            raise IgnoreRequest(f"{request.url}: undecodable body: {error}") from error
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        finally:
            source.unlink(missing_ok=True)
        return target

    def _in_memory(self, request: Request, response: Response, path: Path) -> Response:
        body = path.read_bytes()
        path.unlink(missing_ok=True)
        del request.meta[SPOOLED]
        return response.replace(body=body)

    def process_exception(self, request: Request, exception: Exception) -> None:
        discard(request)


class SpoolCleanup:
    """Extension: at the end of the crawl, spool files nobody archived (a response dropped on its way) go."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SpoolCleanup:
        if not crawler.settings.get("GOVREPORTS_ARCHIVE_DIR"):
            raise NotConfigured
        extension = cls(spool_folder(crawler))
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        crawler.signals.connect(extension.response_dropped, signal=signals.response_received)
        return extension

    def response_dropped(self, response: Response, request: Request, spider: Spider) -> None:
        """Runs after the archive extension (connected later): what it did not take is not needed."""
        discard(request)

    def engine_stopped(self) -> None:
        for leftover in self.folder.glob(f"{os.getpid()}-spool-*"):
            leftover.unlink(missing_ok=True)
