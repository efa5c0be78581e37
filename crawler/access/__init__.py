"""Reaching portals as they are (portals.md, access realities), as small downloader components wired in
``crawler.settings``:

- ``source.SourceAccessMiddleware``: per-source headers, cookies and proxy (data in the source's ``access``);
- ``cookies.CookieReloadMiddleware``: a redirect to itself that sets a cookie is replayed once, with the cookie;
- ``challenge.ChallengeMiddleware``: JavaScript cookie challenges, by the embedded engine (``jsengine``), else by
  the real browser (``browser``);
- ``addresses.AddressFamilyResolver``: every address family of a host, IPv4 first, or only the one a source asks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.crawler import Crawler

if TYPE_CHECKING:
    from crawler.sources import Source


def source_of(crawler: Crawler, request: Request) -> Source | None:
    """The source a request belongs to: its ``meta["source"]``, else the spider's only source."""
    source = request.meta.get("source")
    if source is not None:
        return source
    return getattr(crawler.spider, "source", None)
