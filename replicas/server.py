"""A replica portal served on 127.0.0.1: a threaded HTTP server around a :class:`Site`, with a request log.

Headers are written as raw bytes (a GBK file name in Content-Disposition must reach the client as GBK, which
``http.server``'s latin-1 ``send_header`` cannot do). Conditional requests are answered with 304 when the reply
carries an ETag or Last-Modified that matches.
"""

from __future__ import annotations

import contextlib
import selectors
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


class Endpoint:
    """One site at one address: what it was asked (``log``) and how many requests it answered at once."""

    def __init__(self, site: Site, delay: float = 0.0) -> None:
        self.site = site
        self.delay = delay
        """Seconds added to every reply (tests that must catch a crawl half-way)."""
        self.log: list[LogEntry] = []
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        """The most requests this address was answering at once (politeness: at most 2 per host)."""
        self.address: tuple[str, int] = ("127.0.0.1", 0)

    @property
    def base_url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    def entries(self, kind: str | None = None, status: int | None = None) -> list[LogEntry]:
        """Logged requests, optionally only one kind and/or status."""
        with self._lock:
            return [e for e in self.log if (kind is None or e.kind == kind) and (status is None or e.status == status)]

    def clear(self) -> None:
        with self._lock:
            self.log.clear()
            self.max_in_flight = 0


def _handler(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    """The request handler class of ``endpoint`` (raw header bytes, conditional requests, fault delays)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 60  # an idle keep-alive connection is closed after a minute

        def log_message(self, format: str, *args: object) -> None:
            return

        def _serve(self) -> None:
            with endpoint._lock:
                endpoint.in_flight += 1
                endpoint.max_in_flight = max(endpoint.max_in_flight, endpoint.in_flight)
            try:
                self._answer()
            finally:
                with endpoint._lock:
                    endpoint.in_flight -= 1

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
                reply = endpoint.site.handle(request)
            except Exception as error:  # a bug in a replica must show as a 500, not hang the client
                reply = Reply(500, f"replica error: {error!r}".encode(), kind="fault")
            if reply.status == 200 and _not_modified(request, reply):
                reply = Reply(304, b"", [(k, v) for k, v in reply.headers if k.lower() in ("etag",
                              "last-modified")], kind=reply.kind)
            if reply.delay or endpoint.delay:
                time.sleep(reply.delay + endpoint.delay)
            if reply.kind == RESET:  # the connection is reset, as a firewall does (SO_LINGER 0: RST, no FIN)
                with endpoint._lock:
                    endpoint.log.append(LogEntry(self.command, self.path, 0, RESET, 0))
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
            with endpoint._lock:
                endpoint.log.append(LogEntry(self.command, self.path, reply.status, reply.kind, len(payload)))

        do_GET = do_POST = do_HEAD = _serve

    return Handler


class ReplicaServer(Endpoint):
    """Serves ``site`` on 127.0.0.1 (a free port) in a background thread; ``log`` lists every request."""

    def __init__(self, site: Site, port: int = 0, delay: float = 0.0) -> None:
        super().__init__(site, delay)
        self.httpd = _QuietServer(("127.0.0.1", port), _handler(self))
        self.httpd.daemon_threads = True
        self.address = self.httpd.server_address[:2]  # type: ignore[assignment]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name=f"replica-{site.name}", daemon=True)

    def start(self) -> ReplicaServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def fleet_address(index: int) -> str:
    """The loopback address of the ``index``-th host of a fleet: 127.0.<n>.<m>, every one a host of its own (all of
    127.0.0.0/8 is loopback on Linux), 127.0.0.1 left out."""
    return f"127.0.{1 + index // 250}.{2 + index % 250}"


class ReplicaFleet:
    """Many sites, each on a host address of its own (``hosts="addresses"``: 127.0.x.y, a free port each) or on
    ports of 127.0.0.1 (``hosts="ports"``), served by one accept loop and a thread per connection — what the scale
    benchmark needs to put a thousand portals on one machine. ``endpoints`` line up with ``sites``."""

    def __init__(self, sites: list[Site], hosts: str = "addresses", delay: float = 0.0) -> None:
        if hosts not in ("addresses", "ports"):
            raise ValueError(f"hosts must be 'addresses' or 'ports', not {hosts!r}")
        self.endpoints = [Endpoint(site, delay) for site in sites]
        self._selector = selectors.DefaultSelector()
        self._sockets: list[socket.socket] = []
        self._stop = threading.Event()
        for index, endpoint in enumerate(self.endpoints):
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((fleet_address(index) if hosts == "addresses" else "127.0.0.1", 0))
            listener.listen(64)
            listener.setblocking(False)
            endpoint.address = listener.getsockname()[:2]
            self._sockets.append(listener)
            self._selector.register(listener, selectors.EVENT_READ, (endpoint, _handler(endpoint)))
        self.thread = threading.Thread(target=self._accept, name="replica-fleet", daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            for key, _ in self._selector.select(timeout=0.2):
                listener = key.fileobj
                assert isinstance(listener, socket.socket)
                try:
                    connection, client = listener.accept()
                except BlockingIOError:
                    continue
                connection.setblocking(True)
                _, handler = key.data
                threading.Thread(target=self._serve, args=(connection, client, handler), daemon=True).start()

    def _serve(self, connection: socket.socket, client: object, handler: type[BaseHTTPRequestHandler]) -> None:
        try:
            handler(connection, client, self)  # type: ignore[arg-type]
        except (ConnectionError, TimeoutError, OSError):
            pass
        finally:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def start(self) -> ReplicaFleet:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(timeout=5)
        for listener in self._sockets:
            self._selector.unregister(listener)
            listener.close()
        self._selector.close()

    def __enter__(self) -> ReplicaFleet:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
