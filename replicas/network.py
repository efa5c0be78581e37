"""The network around replica portals: an outbound HTTP proxy (the mainland vantage point a crawl can be sent
through) and an address that is published but never answers (a blackholed IPv6 or IPv4 route).

    with ForwardProxy() as proxy:                 # proxy.url, proxy.log of (method, absolute URL)
    with blackhole("::1", port):                  # connects to [::1]:port hang: the SYN is never answered
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade"}


class ForwardProxy:
    """A plain-HTTP forward proxy on 127.0.0.1 (a free port) that logs every request it relays."""

    def __init__(self) -> None:
        self.log: list[tuple[str, str]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _relay(self) -> None:
                proxy.log.append((self.command, self.path))
                parts = urlsplit(self.path)
                if parts.scheme != "http" or not parts.hostname:
                    self.send_error(400, "absolute http URL expected")
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                target = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
                try:
                    target.request(self.command, parts.path + (f"?{parts.query}" if parts.query else "") or "/",
                                   body=body, headers=headers)
                    answer = target.getresponse()
                    data = answer.read()
                except OSError as error:
                    self.send_error(502, f"upstream: {error}")
                    return
                finally:
                    target.close()
                self.send_response(answer.status, answer.reason)
                for name, value in answer.getheaders():
                    if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_HEAD = _relay

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="replica-proxy", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ForwardProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def blackhole(address: str, port: int = 0) -> Iterator[int]:
    """Listen on ``address:port`` with a full backlog: connection attempts are never answered (as a route that
    drops packets), until the block ends. Yields the port."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    fillers: list[socket.socket] = []
    try:
        listener.bind((address, port))
        listener.listen(0)
        bound = listener.getsockname()[1]
        for _ in range(3):  # the backlog (0 → 1 on Linux) full: later SYNs are dropped
            filler = socket.socket(family, socket.SOCK_STREAM)
            filler.setblocking(False)
            with suppress(BlockingIOError):
                filler.connect((address, bound))
            fillers.append(filler)
        yield bound
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
