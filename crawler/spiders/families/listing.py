"""What every list page has in common: its items (links under the column, attachments, anything titled like a
report), its pager links (never items), entry shells (followed), and the request for the next list page.

The URLs a column has listed so far travel with its list requests (``meta["listed"]``, one set per column walk),
so a family can stop on the first page that adds nothing new (a pager that repeats, a broken deep page).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler import pages
from pipelines.titles import recognise

if TYPE_CHECKING:
    from crawler.spiders.context import SourceContext

PAGER_TEXTS = frozenset({
    "首页", "第一页", "上一页", "上页", "前页", "下一页", "下页", "后页", "尾页", "末页", "最后一页", "跳转", "转到",
    "GO", "Go", "go", "确定", "«", "»", "‹", "›", "<", ">", "<<", ">>", "...", "…", "更多", "more",
})
"""Link texts of pager controls: never items of the column (portals.md, real markup: plain pagers)."""
_PAGE_NUMBER = re.compile(r"^(?:\[?\d{1,4}\]?|第\d{1,4}页|\d{1,4}/\d{1,4})$")


def is_pager(text: str) -> bool:
    """Whether a link text is a pager control (首页, 下一页, 尾页, a page number …)."""
    text = text.strip()
    return text in PAGER_TEXTS or bool(_PAGE_NUMBER.match(text))


def column_prefix(url: str) -> str:
    """The directory of a column URL (``/xxgk/zfxxgknb/``): its items live below it."""
    path = urlsplit(url).path
    return path if path.endswith("/") else posixpath.dirname(path) + "/"


def listed(response: Response) -> set[str]:
    """The URLs this column walk has listed so far (shared by its list requests)."""
    seen: set[str] = response.meta.setdefault("listed", set())
    return seen


def items(
    context: SourceContext, response: Response, skip: Iterable[str] = ()
) -> list[Request]:
    """Item requests of a list page: ``hints.list_selector`` links, else links below the column directory,
    attachments and anything titled like a report — but never pager links (by text, or listed in ``skip``)."""
    source = context.source
    if not isinstance(response, TextResponse):
        return []
    selector = source.hints.list_selector
    start = response.meta.get("column_url") or response.url
    prefix = column_prefix(start)
    host = urlsplit(start).netloc
    skipped = set(skip)
    found: list[Request] = []
    for url, text in pages.links(response.selector, response.url, selector):
        if url in skipped or url == response.url or url == start.split("#", 1)[0] or is_pager(text):
            continue
        parts = urlsplit(url)
        below = parts.netloc == host and parts.path.startswith(prefix) and not _is_index(parts.path)
        if selector or below or context.is_attachment(url) or recognise(text).is_report:
            found.append(context.item(url, text, response.url))
    return found


def new(response: Response, requests: Iterable[Request]) -> list[Request]:
    """The requests whose URL this column walk has not listed before (and records them as listed)."""
    seen = listed(response)
    fresh = [request for request in requests if request.url not in seen]
    seen.update(request.url for request in fresh)
    return fresh


def adds_links(response: Response) -> bool:
    """Whether this list page links anything the walk's earlier pages did not (a broken stub or a page that repeats
    an earlier one does not); counted over all links, so that a page whose only new entries are not items still
    counts as a page of the column."""
    if not isinstance(response, TextResponse):
        return False
    seen: set[str] = response.meta.setdefault("page_links", set())
    links = {url for url, _text in pages.links(response.selector, response.url)} - {response.url}
    novel = links - seen
    seen.update(links)
    return bool(novel)


def _is_index(path: str) -> bool:
    name = posixpath.basename(path)
    return name == "" or name.startswith(("index", "nlist", "list.")) or bool(re.fullmatch(r"\d{1,4}\.s?html?", name))


def list_request(context: SourceContext, url: str, column_url: str, parent_url: str | None = None,
                 seen: set[str] | None = None, **meta: Any) -> Request:
    """A (further) list page of the column ``column_url``; ``seen`` carries what the walk has listed so far."""
    values = {"column_url": column_url, "parent_url": parent_url, "listed": seen if seen is not None else set()}
    if "page_links" not in meta:
        meta["page_links"] = set()
    return context.request(url, "list", callback=context.parse_list, meta={**values, **meta})


def form_post(form: dict[str, str], headers: dict[str, str] | None = None) -> dict[str, Any]:
    """The keyword arguments of a form POST (as ``FormRequest`` builds it), for ``context.request``."""
    return {"method": "POST", "body": urlencode(form),
            "headers": {**(headers or {}), "Content-Type": "application/x-www-form-urlencoded"}}


def follow_shell(context: SourceContext, response: Response) -> Request | None:
    """A list page that is only an entry shell (meta refresh, ``location.replace``) → the page it forwards to,
    which becomes the column's URL (its items live below it)."""
    target = pages.entry_target(response.body, response.url)
    if target is None or response.meta.get("shells", 0) >= 3:
        return None
    context.spider.crawler.stats.inc_value("govreports/entry_shells")
    return list_request(context, target, column_url=target, parent_url=response.url,
                        seen=listed(response), shells=response.meta.get("shells", 0) + 1,
                        page_index=response.meta.get("page_index", 0))
