"""Pieces every replica site uses: HTTP dates, deleted-content stubs, fault counters."""

from __future__ import annotations

import threading
from email.utils import formatdate

from replicas.server import Reply

PUBLISHED = formatdate(1_710_000_000, usegmt=True)
"""Last-Modified of every document: fixed, so a second crawl sees nothing changed."""

DELETED_STUB = b'<meta http-equiv="refresh" content="0;URL=../" />'
"""Pingtan's deleted-document answer: 200 with a tiny meta refresh (portals.md §6)."""


def not_found() -> Reply:
    return Reply(404, b"<html><body><h1>404 Not Found</h1></body></html>", [("Content-Type", "text/html")],
                 kind="fault")


class FailOnce:
    """Answers ``status`` to the first request of each path it guards, then lets the real reply through."""

    def __init__(self, status: int = 503) -> None:
        self.status = status
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def check(self, path: str) -> Reply | None:
        with self.lock:
            if path in self.seen:
                return None
            self.seen.add(path)
        return Reply(self.status, b"<html><body>Service Unavailable</body></html>",
                     [("Content-Type", "text/html"), ("Retry-After", "1")], kind="fault")
