"""What every list page has in common: the items on it (links under the column, or that look like reports)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler import pages
from crawler.recognise import recognise

if TYPE_CHECKING:
    from crawler.spiders.context import SourceContext


def column_prefix(url: str) -> str:
    """The directory of a column URL (``/xxgk/zfxxgknb/``): its items live below it."""
    path = urlsplit(url).path
    return path if path.endswith("/") else posixpath.dirname(path) + "/"


def items(
    spider: SourceContext, response: Response, skip: set[str] | frozenset[str] = frozenset()
) -> Iterator[Request]:
    """Item requests of a list page: ``hints.list_selector`` links, else links below the column directory,
    attachments and anything titled like a report — but never the pager links in ``skip``."""
    if not isinstance(response, TextResponse):
        return
    selector = spider.source.hints.list_selector
    start = response.meta.get("column_url") or response.url
    prefix = column_prefix(start)
    host = urlsplit(start).netloc
    for url, text in pages.links(response.selector, response.url, selector):
        if url in skip or url == response.url:
            continue
        parts = urlsplit(url)
        below = parts.netloc == host and parts.path.startswith(prefix) and not _is_index(parts.path)
        if selector or below or spider.is_attachment(url) or recognise(text).is_report:
            yield spider.item(url, text, response.url)


def _is_index(path: str) -> bool:
    name = posixpath.basename(path)
    return name == "" or name.startswith(("index", "nlist"))


def list_request(spider: SourceContext, url: str, column_url: str, parent_url: str | None = None,
                 **meta: object) -> Request:
    """A further list page of the same column."""
    return spider.request(
        url, "list", callback=spider.parse_list, meta={"column_url": column_url, "parent_url": parent_url, **meta}
    )
