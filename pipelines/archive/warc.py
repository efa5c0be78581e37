"""One gzipped WARC file per crawl run: every request and response exactly as exchanged.

The file is written as ``<run_id>.warc.gz.open`` and renamed when the run closes; :func:`recover` truncates a file
left open by a killed run after its last complete record and closes it, so every ``.warc.gz`` passes ``warcio check``.
"""

from __future__ import annotations

import os
import zlib
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines import crashpoints

OPEN_SUFFIX = ".open"
GZIP_LEVEL = 6
STREAMED = 1024 * 1024
"""A response body above this is compressed into the file as it is read, never held whole."""
# Hop-by-hop framing the HTTP client already removed from the body: keeping it would make readers re-dechunk.
_FRAMING = {"transfer-encoding"}


def warc_dir(archive_dir: Path | str) -> Path:
    return Path(archive_dir) / "warc"


class RunWarc:
    """Appends request/response record pairs to the run's WARC file; flushes after each pair."""

    def __init__(self, archive_dir: Path | str, run_id: str) -> None:
        directory = warc_dir(archive_dir)
        directory.mkdir(parents=True, exist_ok=True)
        self.final_path = directory / f"{run_id}.warc.gz"
        self.open_path = directory / f"{run_id}.warc.gz{OPEN_SUFFIX}"
        if self.final_path.exists():
            raise FileExistsError(f"WARC of run {run_id} already exists: {self.final_path}")
        self._handle = open(self.open_path, "ab")  # noqa: SIM115 - held open for the whole run, closed in close()
        self._buffer = BytesIO()
        self._writer = WARCWriter(self._buffer, gzip=False)
        self.records = 0

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
                self._stream_member(response)
            else:
                self._handle.write(self._member(response))
            crashpoints.reached("crawl.warc_half_written")  # the response record is out, its request not yet
            self._handle.write(self._member(request))
        self._handle.flush()
        self.records += 2

    def _member(self, record: object) -> bytes:
        """One record as one gzip member (the WARC "record-at-time" compression readers seek by), at level 6:
        warcio's own gzip writes level 9, several times the CPU for a few percent of size."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.write_record(record)
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        return compressor.compress(self._buffer.getvalue()) + compressor.flush()

    def _stream_member(self, record: object) -> None:
        """A large record compressed into the file as warcio writes it (never whole in memory); a crash part-way
        leaves a torn last member, which :func:`recover` cuts off."""
        start = self._handle.tell()
        try:
            member = _GzipMember(self._handle)
            WARCWriter(member, gzip=False).write_record(record)
            member.close()
        except BaseException:  # never leave half a member between whole ones
            self._handle.seek(start)
            self._handle.truncate()
            raise

    def close(self) -> Path:
        """Flush, fsync and give the file its final name."""
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        if self.records:
            os.replace(self.open_path, self.final_path)
            return self.final_path
        self.open_path.unlink(missing_ok=True)
        return self.final_path


class _GzipMember:
    """A write-only stream compressing what it is given into one gzip member of ``handle``."""

    def __init__(self, handle: BinaryIO) -> None:
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


def recover(archive_dir: Path | str) -> list[Path]:
    """Close WARC files left open by killed runs: keep every complete record, drop a torn tail."""
    recovered: list[Path] = []
    directory = warc_dir(archive_dir)
    if not directory.is_dir():
        return recovered
    for path in sorted(directory.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        good_end = _last_complete_offset(path)
        final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
        if good_end == 0:
            path.unlink()
            continue
        with open(path, "r+b") as handle:
            handle.truncate(good_end)
            os.fsync(handle.fileno())
        os.replace(path, final)
        recovered.append(final)
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
