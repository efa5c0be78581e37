"""A replica portal served on 127.0.0.1: a threaded HTTP server around a :class:`Site`, with a request log.

Headers are written as raw bytes (a GBK file name in Content-Disposition must reach the client as GBK, which
``http.server``'s latin-1 ``send_header`` cannot do). Conditional requests are answered with 304 when the reply
carries an ETag or Last-Modified that matches.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HeaderValue = str | bytes
RESET = "reset"
"""A reply of this kind resets the connection instead of answering (hosts that reset clients they dislike)."""


@dataclass
class Request:
    """What a site sees of a request."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode("utf-8", "replace"))


@dataclass
class Reply:
    """A site's answer; ``kind`` (list, page, attachment, api, robots, fault) goes to the request log."""

    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, HeaderValue]] = field(default_factory=list)
    kind: str = "page"
    delay: float = 0.0

    def header(self, name: str) -> HeaderValue | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


@dataclass(frozen=True)
class LogEntry:
    method: str
    path: str
    status: int
    kind: str
    size: int


class Site:
    """A replica portal: subclasses implement :meth:`handle`."""

    name = "site"

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError


_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 403: "Forbidden",
            404: "Not Found", 412: "Precondition Failed", 429: "Too Many Requests", 500: "Internal Server Error",
            503: "Service Unavailable"}


def _not_modified(request: Request, reply: Reply) -> bool:
    etag = reply.header("ETag")
    if etag and request.headers.get("if-none-match") == (etag.decode() if isinstance(etag, bytes) else etag):
        return True
    modified = reply.header("Last-Modified")
    since = request.headers.get("if-modified-since")
    if modified and since and not request.headers.get("if-none-match"):
        try:
            text = modified.decode() if isinstance(modified, bytes) else modified
            return parsedate_to_datetime(text) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-reply (a cancelled download) is normal here, not a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class ReplicaServer:
    """Serves ``site`` on 127.0.0.1 (a free port) in a background thread; ``log`` lists every request."""

    def __init__(self, site: Site, port: int = 0, delay: float = 0.0) -> None:
        self.site = site
        self.delay = delay
        """Seconds added to every reply (tests that must catch a crawl half-way)."""
        self.log: list[LogEntry] = []
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        """The most requests this server was answering at once (politeness: at most 2 per host)."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _serve(self) -> None:
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._answer()
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=body,
                )
                try:
                    reply = server.site.handle(request)
                except Exception as error:  # a bug in a replica must show as a 500, not hang the client
                    reply = Reply(500, f"replica error: {error!r}".encode(), kind="fault")
                if reply.status == 200 and _not_modified(request, reply):
                    reply = Reply(304, b"", [(k, v) for k, v in reply.headers if k.lower() in ("etag",
                                  "last-modified")], kind=reply.kind)
                if reply.delay or server.delay:
                    time.sleep(reply.delay + server.delay)
                if reply.kind == RESET:  # the connection is reset, as a firewall does (SO_LINGER 0: RST, no FIN)
                    with server._lock:
                        server.log.append(LogEntry(self.command, self.path, 0, RESET, 0))
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.connection.close()
                    return
                payload = b"" if self.command == "HEAD" or reply.status == 304 else reply.body
                lines = [f"HTTP/1.1 {reply.status} {_REASONS.get(reply.status, 'Status')}".encode()]
                for name, value in reply.headers:
                    lines.append(name.encode("ascii") + b": " + (value if isinstance(value, bytes) else
                                                                  value.encode("latin-1")))
                if reply.status != 304:
                    lines.append(f"Content-Length: {len(payload)}".encode())
                lines.append(b"Connection: keep-alive")
                try:
                    self.wfile.write(b"\r\n".join(lines) + b"\r\n\r\n" + payload)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                with server._lock:
                    server.log.append(LogEntry(self.command, self.path, reply.status, reply.kind, len(payload)))

            do_GET = do_POST = do_HEAD = _serve

        self.httpd = _QuietServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name=f"replica-{site.name}", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ReplicaServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def entries(self, kind: str | None = None, status: int | None = None) -> list[LogEntry]:
        """Logged requests, optionally only one kind and/or status."""
        with self._lock:
            return [e for e in self.log if (kind is None or e.kind == kind) and (status is None or e.status == status)]

    def clear(self) -> None:
        with self._lock:
            self.log.clear()

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
