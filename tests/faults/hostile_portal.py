"""A hostile replica portal on 127.0.0.1: one report column whose items are every fault a portal can throw at a
crawler, beside one good report that must land whatever the rest does.

A raw socket server (not replicas.server): these faults live below HTTP's politeness — a body that drips a byte a
second, a Content-Length that lies, a 190 MB body streamed without ever being held, a gzip bomb. Every request is
logged, so a test can prove what was never asked for (the port a redirect pointed at, a name that resolves to
loopback).
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

COLUMN = "/gknb/"
REPORT_TITLE = "某市公安局2023年政府信息公开工作年度报告"
ORGAN = "某市公安局"
MB = 1024 * 1024


def _page(title: str, body: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><h1>{title}</h1>{body}</body></html>").encode()


@dataclass
class Hostile:
    """Which faults the portal serves (some cost a test time or memory: switched on where they are tested)."""

    report_text: bytes
    big_bytes: int = 0
    """A PDF of this many bytes (0: none)."""
    links: int = 0
    """A second list page with this many item links (0: none)."""
    bombs: bool = True
    slow: bool = True
    trap_port: int = 0
    """A port of this host the portal redirects to (its own listener there must never be asked)."""


@dataclass
class Logged:
    path: str
    host: str


class HostilePortal:
    """``with HostilePortal(Hostile(...)) as portal:`` serves on ``portal.base_url``; ``portal.log`` lists requests."""

    def __init__(self, config: Hostile) -> None:
        self.config = config
        self.log: list[Logged] = []
        self._lock = threading.Lock()
        portal = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.settimeout(30)
                try:
                    while portal._serve_one(self.request):
                        pass
                except OSError:
                    pass

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler, bind_and_activate=True)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._routes = self.routes()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> HostilePortal:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        with self._lock:
            return [entry.path for entry in self.log]

    # HTTP ---------------------------------------------------------------------------------------------------------

    def _serve_one(self, connection: socket.socket) -> bool:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = connection.recv(65536)
            if not chunk:
                return False
            head += chunk
        lines = head.split(b"\r\n")
        _, target, _ = lines[0].decode("latin-1").split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.decode("latin-1").partition(":")
                                                                 for line in lines[1:] if b":" in line)}
        with self._lock:
            self.log.append(Logged(target, headers.get("host", "")))
        route = self._routes.get(target.split("?", 1)[0])
        if route is None:
            self._send(connection, 404, b"<html>not found</html>")
            return True
        return route(connection)

    def _send(self, connection: socket.socket, status: int, body: bytes | Iterator[bytes] = b"",
              headers: dict[str, str] | None = None, length: int | None = None) -> None:
        reason = {200: "OK", 302: "Found", 404: "Not Found"}.get(status, "Status")
        fields = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        size = length if length is not None else (len(body) if isinstance(body, bytes) else None)
        head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
        head += f"Content-Length: {size}\r\n" if size is not None else ""
        connection.sendall(head.encode("latin-1") + b"\r\n")
        for chunk in [body] if isinstance(body, bytes) else body:
            connection.sendall(chunk)

    def _redirect(self, location: str) -> Callable[[socket.socket], bool]:
        def reply(connection: socket.socket) -> bool:
            self._send(connection, 302, b"", {"Location": location})
            return True
        return reply

    def _static(self, body: bytes, content_type: str = "text/html; charset=utf-8",
                extra: dict[str, str] | None = None) -> Callable[[socket.socket], bool]:
        def reply(connection: socket.socket) -> bool:
            self._send(connection, 200, body, {"Content-Type": content_type, **(extra or {})})
            return True
        return reply

    # The column ---------------------------------------------------------------------------------------------------

    def items(self) -> dict[str, str]:
        """Item path → link text on the first list page."""
        found = {
            "good.html": REPORT_TITLE,
            "port.html": "重定向到另一个端口",
            "metadata.html": "重定向到云主机元数据",
            "scheme.html": "重定向到本机文件",
            "chain.html": "无尽的重定向",
            "localhost.html": "指向本机名的链接",
            "nowhere.html": "指向不存在的主机",
            "short.html": "长度不符的页面",
        }
        if self.config.bombs:
            found.update({"bomb.html": "压缩炸弹", "bigbomb.pdf": "大压缩炸弹"})
        if self.config.slow:
            found["slow.html"] = "极慢的页面"
        if self.config.big_bytes:
            found["big.pdf"] = "超大附件"
        return found

    def routes(self) -> dict[str, Callable[[socket.socket], bool]]:
        c = self.config
        links = "".join(f'<li><a href="{COLUMN}{path}">{text}</a></li>' for path, text in self.items().items())
        pager = f'<a href="{COLUMN}index_2.html">下一页</a>' if c.links else ""
        routes: dict[str, Callable[[socket.socket], bool]] = {
            "/robots.txt": self._static(b"User-agent: *\nAllow: /\n", "text/plain"),
            f"{COLUMN}index.html": self._static(_page("年度报告", f"<ul>{links}</ul>{pager}")),
            f"{COLUMN}good.html": self._static(_page(REPORT_TITLE, f'<a href="{COLUMN}good.txt">附件</a>')),
            f"{COLUMN}good.txt": self._static(c.report_text, "text/plain; charset=utf-8"),
            f"{COLUMN}port.html": self._redirect(f"http://127.0.0.1:{c.trap_port}{COLUMN}x.html"),
            f"{COLUMN}metadata.html": self._redirect("http://169.254.169.254/latest/meta-data/"),
            f"{COLUMN}scheme.html": self._redirect("file:///etc/passwd"),
            f"{COLUMN}localhost.html": self._static(
                _page("本机", f'<a href="http://localhost:{self.port}{COLUMN}secret.txt">secret</a>')
            ),
            f"{COLUMN}nowhere.html": self._static(
                _page("无主机", '<a href="http://no-such-host.invalid/gknb/x.txt">x</a>')
            ),
            f"{COLUMN}short.html": self._short,
            f"{COLUMN}slow.html": self._slow,
            f"{COLUMN}big.pdf": self._big,
            f"{COLUMN}index_2.html": self._many_links,
        }
        if c.bombs:  # 250 MB of zeros in 250 KB (Scrapy decodes it in memory), 1 GB in 1 MB (spooled)
            routes[f"{COLUMN}bomb.html"] = self._static(_zeros(250 * MB, 16 + zlib.MAX_WBITS),
                                                        extra={"Content-Encoding": "gzip"})
            routes[f"{COLUMN}bigbomb.pdf"] = self._static(_zeros(1024 * MB, zlib.MAX_WBITS), "application/pdf",
                                                          {"Content-Encoding": "deflate"})
        for hop in range(20):
            routes[f"{COLUMN}chain.html" if hop == 0 else f"{COLUMN}chain-{hop}.html"] = \
                self._redirect(f"{COLUMN}chain-{hop + 1}.html")
        return routes

    def _short(self, connection: socket.socket) -> bool:
        """Promises 100,000 bytes, sends 10 and hangs up."""
        self._send(connection, 200, b"<html>1234", length=100_000)
        return False

    def _slow(self, connection: socket.socket) -> bool:
        """A byte a second (slowloris), until the client gives up."""
        def drip() -> Iterator[bytes]:
            for _ in range(600):
                yield b" "
                time.sleep(1)
        self._send(connection, 200, drip(), length=600)
        return False

    def _big(self, connection: socket.socket) -> bool:
        """A PDF of ``big_bytes`` bytes, streamed in 1 MB chunks (never held whole here either)."""
        size = self.config.big_bytes
        block = (b"%PDF-1.4\n" + b"0" * (MB - 9))

        def chunks() -> Iterator[bytes]:
            sent = 0
            while sent < size:
                piece = block[: min(MB, size - sent)] if sent == 0 else b"1" * min(MB, size - sent)
                sent += len(piece)
                yield piece
        self._send(connection, 200, chunks(), {"Content-Type": "application/pdf"}, length=size)
        return True

    def _many_links(self, connection: socket.socket) -> bool:
        rows = "".join(f'<a href="{COLUMN}n/{index}.html">{index}</a>' for index in range(self.config.links))
        self._send(connection, 200, _page("列表", rows))
        return True


@cache
def _zeros(size: int, window_bits: int) -> bytes:
    """``size`` zero bytes compressed (gzip or zlib by ``window_bits``): a bomb of about a thousandth its size."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, window_bits)
    zeros = bytes(MB)
    return b"".join(compressor.compress(zeros) for _ in range(size // MB)) + compressor.flush()


def source_yaml(portal: HostilePortal, folder: Path, source_id: str = "hostile") -> Path:
    """The source file of the hostile column (local: it is on this machine; localhost and a name that does not
    resolve are allowed hosts, so only the address guard stands between them and a request)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{source_id}.yaml"
    path.write_text(
        f"id: {source_id}\norgan: {ORGAN}\nregion_code: '410100'\nfamily: plain\n"
        f"start_urls: ['{portal.base_url}{COLUMN}index.html']\n"
        f"allowed_domains: ['127.0.0.1', 'localhost', 'no-such-host.invalid']\nlocal: true\n",
        encoding="utf-8",
    )
    return path

