"""Guangdong's 政府信息公开目录管理平台 (gkmlpt), on every Guangdong site (portals.md §3 and real markup 6).

``<prefix>/gkmlpt/index`` carries ``window._CONFIG = {SID: '755041', TREE: [...]}``; the column is the URL
fragment (``#721``), which the server never sees, else the TREE entry named like a report column. The list is
``GET <prefix>/gkmlpt/api/all/<column>?page=N&sid=<SID>`` — the path prefix of department sites under another
host is kept. ``classify.post_count`` and ``total`` count *articles*: the pages are ceil(total / items per page),
the items per page being what page 1 returned (100 on the real platform). Pages 0 and 1 are the same, so the walk
starts at 1. A deployment that answers 404 from page 2 on (zhaoqing) leaves the listing partial, which is counted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.spiders.families.json_api import dig, json_reply, record_requests
from crawler.spiders.families.listing import list_request, listed, new
from pipelines.titles import is_report_column

if TYPE_CHECKING:
    from crawler.spiders.context import SourceContext

SID = re.compile(r"""\bSID\s*["']?\s*:\s*["']?(\d+)""")
TREE_ENTRY = re.compile(r"""["']?id["']?\s*:\s*["']?(\d+)["']?\s*,\s*["']?name["']?\s*:\s*["']([^"']+)["']""")
INDEX = "/gkmlpt/index"


def start_requests(context: SourceContext) -> Iterator[Request]:
    source = context.source
    for url in source.start_urls:
        yield list_request(context, index_url(url), column_url=url)


def index_url(url: str) -> str:
    """The platform's index page for a column URL (``…/gkmlpt/index#721``, ``…/gkmlpt/``, ``…/gkmlpt/index``)."""
    base = url.split("#", 1)[0]
    path = urlsplit(base).path
    prefix = path[: path.index("/gkmlpt")] if "/gkmlpt" in path else path.rstrip("/")
    return urljoin(base, prefix + INDEX)


def site_config(text: str) -> tuple[str | None, list[tuple[str, str]]]:
    """(SID, TREE entries as (id, name)) from the ``window._CONFIG`` of ``/gkmlpt/index``."""
    sid = SID.search(text)
    return (sid.group(1) if sid else None), TREE_ENTRY.findall(text)


def report_category(tree: list[tuple[str, str]]) -> str | None:
    """The TREE entry named like the report column (政府信息公开年报 …)."""
    return next((entry for entry, name in tree if is_report_column(name)), None)


def parse_list(context: SourceContext, response: Response) -> Iterator[Request]:
    source = context.source
    if response.meta.get("role") == "api":
        yield from _api_page(context, response)
        return
    if not isinstance(response, TextResponse):
        return
    column_url = response.meta.get("column_url") or response.url
    sid, tree = site_config(response.text)
    sid = source.hints.sid or sid
    fragment = urlsplit(column_url).fragment
    category = source.hints.category or (fragment if fragment.isdigit() else None) or report_category(tree)
    if not sid or not category:
        context.error("gkmlpt_config", response.url, f"no SID or column id in _CONFIG (SID {sid}, column {category})")
        return
    api = source.hints.api_url or INDEX.replace("/index", f"/api/all/{category}")
    prefix = response.url[: response.url.index(INDEX)] if INDEX in response.url else response.url.rstrip("/")
    meta = {"api": urljoin(prefix + "/", api.lstrip("/")) if not api.startswith("http") else api, "sid": sid}
    yield _api_request(context, response, column_url, meta, 1, listed(response))


def _api_request(context: SourceContext, response: Response, column_url: str, meta: dict,
                 page: int, seen: set[str], per_page: int | None = None) -> Request:
    url = f"{meta['api']}?page={page}&sid={meta['sid']}"
    values = {"column_url": column_url, "parent_url": response.url, "page_no": page, "listed": seen,
              "gkmlpt": meta, "per_page": per_page}
    return context.request(url, "api", callback=context.parse_list, meta=values,
                          headers={"X-Requested-With": "XMLHttpRequest", "Referer": column_url})


def _api_page(context: SourceContext, response: Response) -> Iterator[Request]:
    source = context.source
    data = json_reply(context, response)
    if data is None:
        return
    column_url = response.meta["column_url"]
    articles = dig(data, "articles") or []
    articles = articles if isinstance(articles, list) else []
    fresh = new(response, [request for article in articles if isinstance(article, dict)
                           for request in record_requests(context, article, column_url, response.url)])
    yield from fresh
    page = response.meta["page_no"]
    per_page = response.meta.get("per_page") or len(articles)
    total = dig(data, "classify.post_count") or dig(data, "total")
    if not per_page or not str(total).isdigit():
        return
    pages = min(math.ceil(int(total) / per_page), source.hints.max_pages)
    if page < pages and fresh:
        yield _api_request(context, response, column_url, response.meta["gkmlpt"], page + 1,
                           listed(response), per_page)
    elif page < pages:
        context.error("partial_listing", column_url,
                      f"page {page} repeats what was listed; {total} articles announced, the listing is partial")
