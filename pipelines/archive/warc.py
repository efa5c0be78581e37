"""The crawl's WARC files: every request and response exactly as exchanged, gzipped a record at a time.

A crawl process writes one series of files, ``{archive}/warc/<day>/<run_id>-<n>.warc.gz``, starting the next file
when one passes ``max_bytes`` (1 GB, as web archives do) — not a file per source, which at thousands of sources a
night would be thousands of small files. A file is written as ``….warc.gz.open`` and renamed when complete; for an
archive on object storage it is written in a local spool folder and uploaded when complete. :func:`recover`
truncates a file left open by a killed run after its last complete record and completes it, so every ``.warc.gz``
passes ``warcio check``.
"""

from __future__ import annotations

import os
import zlib
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines import crashpoints
from pipelines.archive.location import Location

FOLDER = "warc"
OPEN_SUFFIX = ".open"
GZIP_LEVEL = 6
MAX_BYTES = 1 << 30
STREAMED = 1024 * 1024
"""A response body above this is compressed into the file as it is read, never held whole."""
# Hop-by-hop framing the HTTP client already removed from the body: keeping it would make readers re-dechunk.
_FRAMING = {"transfer-encoding"}


def warc_dir(archive_dir: Path | str) -> Path:
    return Path(archive_dir) / FOLDER


class RunWarc:
    """Appends request/response record pairs to the run's current WARC file; flushes after each pair."""

    def __init__(
        self,
        archive: Path | str | Location,
        run_id: str,
        *,
        spool: Path | None = None,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.location = archive if isinstance(archive, Location) else Location(archive)
        self.run_id = run_id
        self.day = datetime.now(UTC).strftime("%Y-%m-%d")
        if not self.location.remote:
            self.folder = Path(self.location.path(f"{FOLDER}/{self.day}"))
        elif spool is not None:
            self.folder = Path(spool) / FOLDER / self.day
        else:
            raise ValueError(f"a WARC for {self.location} (object storage) needs a local spool folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.sequence = -1
        self.records = 0
        self.files: list[str] = []
        """Completed files, as paths or URIs inside the archive."""
        self._handle: IO[bytes] | None = None
        self._written = 0
        self._buffer = BytesIO()
        self._writer = WARCWriter(self._buffer, gzip=False)

    @property
    def open_path(self) -> Path:
        return self.folder / f"{self._name()}{OPEN_SUFFIX}"

    def _name(self) -> str:
        return f"{self.run_id}-{self.sequence:05d}.warc.gz"

    def _rotate(self) -> None:
        self._finish()
        self.sequence += 1
        if (self.folder / self._name()).exists() or self.location.exists(f"{FOLDER}/{self.day}/{self._name()}"):
            raise FileExistsError(f"WARC {self._name()} of run {self.run_id} already exists")
        self._handle = open(self.open_path, "ab")  # noqa: SIM115 - held open until rotated or closed
        self._written = 0

    def write(
        self,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        protocol: str,
        status: int,
        reason: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
        ip_address: str | None = None,
        body_file: Path | None = None,
    ) -> None:
        """Write one response record (body as received) and its request record, linked by WARC-Concurrent-To.
        A body too large for memory comes as ``body_file`` (``body`` is then ignored) and is streamed."""
        headers = [(name, value) for name, value in response_headers if name.lower() not in _FRAMING]
        status_line = f"{status} {reason}".strip()
        http_headers = StatusAndHeaders(status_line, headers, protocol=protocol or "HTTP/1.1")
        warc_headers = {"WARC-IP-Address": ip_address} if ip_address else None
        if self._handle is None or self._written >= self.max_bytes:
            self._rotate()
        assert self._handle is not None
        start = self._handle.tell()
        with open(body_file, "rb") if body_file else BytesIO(body) as payload:
            length = os.fstat(payload.fileno()).st_size if body_file else len(body)
            response = self._writer.create_warc_record(
                url, "response", payload=payload, length=length, http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
            path = _request_target(url)
            request_http = StatusAndHeaders(f"{method} {path} HTTP/1.1", request_headers, is_http_request=True)
            request = self._writer.create_warc_record(
                url, "request", payload=BytesIO(request_body), length=len(request_body), http_headers=request_http
            )
            request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
            if length > STREAMED:
                self._stream_member(self._handle, response)
            else:
                self._handle.write(self._member(response))
            crashpoints.reached("crawl.warc_half_written")  # the response record is out, its request not yet
            self._handle.write(self._member(request))
        self._handle.flush()
        self._written += self._handle.tell() - start
        self.records += 2

    def _member(self, record: object) -> bytes:
        """One record as one gzip member (the WARC "record-at-time" compression readers seek by), at level 6:
        warcio's own gzip writes level 9, several times the CPU for a few percent of size."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.write_record(record)
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        return compressor.compress(self._buffer.getvalue()) + compressor.flush()

    def _stream_member(self, handle: IO[bytes], record: object) -> None:
        """A large record compressed into the file as warcio writes it (never whole in memory); a crash part-way
        leaves a torn last member, which :func:`recover` cuts off."""
        start = handle.tell()
        try:
            member = _GzipMember(handle)
            WARCWriter(member, gzip=False).write_record(record)
            member.close()
        except BaseException:  # never leave half a member between whole ones
            handle.seek(start)
            handle.truncate()
            raise

    def _finish(self) -> None:
        """Sync the current file, give it its final name (and upload it when the archive is remote)."""
        if self._handle is None:
            return
        handle, self._handle = self._handle, None
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        self.files.append(_complete(self.open_path, self.location, self.day))

    def close(self) -> list[str]:
        """Complete the last file; return every completed file of this run."""
        self._finish()
        return self.files


def _complete(open_path: Path, location: Location, day: str) -> str:
    final = open_path.with_name(open_path.name.removesuffix(OPEN_SUFFIX))
    os.replace(open_path, final)
    name = f"{FOLDER}/{day}/{final.name}"
    location.upload(final, name)
    return location.path(name)


class _GzipMember:
    """A write-only stream compressing what it is given into one gzip member of ``handle``."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)

    def write(self, data: bytes) -> int:
        self.handle.write(self.compressor.compress(data))
        return len(data)

    def flush(self) -> None:
        """warcio flushes after each record; the member ends only at :meth:`close`."""

    def close(self) -> None:
        self.handle.write(self.compressor.flush())


def _request_target(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def recover(archive: Path | str | Location, spool: Path | None = None) -> list[str]:
    """Complete WARC files left open by killed runs: keep every complete record, drop a torn tail."""
    location = archive if isinstance(archive, Location) else Location(archive)
    recovered: list[str] = []
    if location.remote and spool is None:
        return recovered
    folder = Path(spool) / FOLDER if location.remote and spool is not None else Path(location.path(FOLDER))
    if not folder.is_dir():
        return recovered
    for path in sorted(folder.glob(f"**/*.warc.gz{OPEN_SUFFIX}")):
        good_end = _last_complete_offset(path)
        if good_end == 0:
            path.unlink()
            continue
        with open(path, "r+b") as handle:
            handle.truncate(good_end)
            os.fsync(handle.fileno())
        day = path.parent.name if path.parent != folder else datetime.now(UTC).strftime("%Y-%m-%d")
        recovered.append(_complete(path, location, day))
    return recovered


def _last_complete_offset(path: Path) -> int:
    """Offset just past the last complete request record (each pair is written response first, then request)."""
    end = 0
    with open(path, "rb") as handle:
        iterator = ArchiveIterator(handle)
        try:
            for record in iterator:
                iterator.read_to_end(record)
                if record.rec_type == "request":
                    end = iterator.get_record_offset() + iterator.get_record_length()
        except Exception:
            # A torn gzip member or header: everything before it is good.
            return end
    return end
