"""Hanweb JCMS behind the api-gateway (Zhejiang, Hangzhou, 商务部, 市场监管总局; real markup 5): the list is
``/api-gateway/jpaas-publish-server/front/page/build/unit?parseType=bulidstatic&webId=…&tplSetId=…&pageType=column
&tagId=…&pageId=<column id>&rows=15&pageNo=N``, answering HTML fragments (``<li><a title=… href=…>…</a><b>DATE</b>
</li>``), bare or inside JSON. ``webId``, ``tplSetId`` and ``tagId`` differ per site and per column: they are read
from the column page (``hints.api_params`` override them). Small columns print every item in the column page.

From some vantage points every ``pageNo`` answers page 1: when page N repeats page 1 the walk stops and the listing
is counted partial (``errors/partial_listing``), never looped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin

from parsel import Selector
from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler import pages
from crawler.spiders.families.listing import follow_shell, items, list_request, listed, new

if TYPE_CHECKING:
    from crawler.sources import Hints
    from crawler.spiders.context import SourceContext

GATEWAY = "/api-gateway/jpaas-publish-server/front/page/build/unit"
PARAMETERS = ("webId", "tplSetId", "pageType", "tagId", "pageId", "rows", "parseType")
_VALUE = (
    r"""(?<![\w.]){name}["']?\s*[:=]\s*["']([^"']+)["']"""
    r"""|(?<![\w.]){name}["']?\s*[:=]\s*(\d+)|[?&]{name}=([^&"'\s]+)"""
)


def start_requests(context: SourceContext) -> Iterator[Request]:
    source = context.source
    for url in source.start_urls:
        yield list_request(context, url, column_url=url)


def gateway_params(text: str, hints: Hints) -> dict[str, str]:
    """The gateway's parameters as the column page sets them (script variables or a gateway URL), hints last."""
    found: dict[str, str] = {}
    for name in PARAMETERS:
        match = re.search(_VALUE.format(name=name), text)
        if match:
            found[name] = next(group for group in match.groups() if group)
    found.setdefault("parseType", "bulidstatic")
    found.setdefault("pageType", "column")
    found.setdefault("rows", "15")
    found.update(hints.api_params)
    return found


def parse_list(context: SourceContext, response: Response) -> Iterator[Request]:
    source = context.source
    if response.meta.get("role") == "api":
        yield from _api_page(context, response)
        return
    shell = follow_shell(context, response)
    if shell is not None:
        yield shell
        return
    yield from new(response, items(context, response))
    if not isinstance(response, TextResponse):
        return
    params = gateway_params(response.text, source.hints)
    if not {"webId", "pageId"} <= params.keys():
        context.logger.info("%s: no gateway parameters in the page; its printed items are the list", response.url)
        return
    column_url = response.meta.get("column_url") or response.url
    yield _api_request(context, column_url, params, 1, listed(response), None)


def _api_request(context: SourceContext, column_url: str, params: dict[str, str], page: int,
                 seen: set[str], first: tuple[str, ...] | None) -> Request:
    source = context.source
    url = urljoin(column_url, source.hints.api_url or GATEWAY) + "?" + urlencode({**params, "pageNo": page})
    meta = {"column_url": column_url, "parent_url": column_url, "listed": seen, "page_no": page,
            "gateway": params, "first_page_urls": first}
    return context.request(url, "api", callback=context.parse_list, meta=meta,
                          headers={"X-Requested-With": "XMLHttpRequest", "Referer": column_url})


def fragment(body: bytes, encoding: str = "utf-8") -> str:
    """The HTML of a gateway reply: the reply itself, or the longest string inside its JSON."""
    text = body.decode(encoding, "replace")
    try:
        data: Any = json.loads(text)
    except ValueError:
        return text
    strings: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return max(strings, key=len, default="")


def _api_page(context: SourceContext, response: Response) -> Iterator[Request]:
    source = context.source
    column_url = response.meta["column_url"]
    links = pages.links(Selector(text=fragment(response.body) or "<html></html>"), response.url)
    urls = tuple(url for url, _text in links)
    page = response.meta["page_no"]
    first = response.meta.get("first_page_urls")
    if page > 1 and urls and urls == first:
        context.error("partial_listing", column_url, f"page {page} repeats page 1 (the gateway serves page 1 to "
                      "this vantage point); the listing is partial")
        return
    fresh = new(response, [context.item(url, text, response.url) for url, text in links])
    yield from fresh
    if fresh and page < source.hints.max_pages:
        yield _api_request(context, column_url, response.meta["gateway"], page + 1, listed(response),
                           first or urls)
