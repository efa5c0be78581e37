"""Pieces every replica site uses: HTTP dates, deleted-content stubs, fault counters."""

from __future__ import annotations

import html
import threading
from email.utils import formatdate

from replicas.content import Sample, notice, paragraphs
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


def html_reply(title: str, body: str, kind: str, *, encoding: str = "utf-8", head: str = "",
               declare: bool = True, validators: bool = False) -> Reply:
    """A whole HTML page; ``declare=False`` sends no charset anywhere (GBK portals do that)."""
    charset = f'<meta charset="{encoding}">' if declare else ""
    document = (f"<!DOCTYPE html>\n<html>\n<head>\n{charset}<title>{html.escape(title)}</title>\n{head}</head>\n"
                f"<body>\n{body}\n</body>\n</html>\n")
    content_type = f"text/html; charset={encoding}" if declare else "text/html"
    headers: list[tuple[str, str | bytes]] = [("Content-Type", content_type)]
    if validators:
        headers.append(("Last-Modified", PUBLISHED))
    return Reply(200, document.encode(encoding, "xmlcharrefreplace"), headers, kind=kind)


def article_reply(title: str, sample: Sample | None, *, encoding: str = "utf-8", extra: str = "",
                  declare: bool = True) -> Reply:
    """A document page: the sample report's text under its title, or a short notice (no figures) for non-reports."""
    content = paragraphs(sample) if sample else notice(title)
    body = f'<h1>{html.escape(title)}</h1>\n<div class="TRS_Editor">{content}</div>\n{extra}'
    head = f'<meta name="ArticleTitle" content="{html.escape(title)}">\n'
    return html_reply(title, body, "page", encoding=encoding, head=head, declare=declare, validators=True)


def list_items(entries: list[tuple[str, str]], date: str = "2024-01-20") -> str:
    """``<li><a href title>…</a><span>date</span></li>`` rows of a list page from (href, title) pairs."""
    return "\n".join(f'<li><a href="{href}" title="{html.escape(title)}" target="_blank">{html.escape(title)}</a>'
                     f"<span>{date}</span></li>" for href, title in entries)
