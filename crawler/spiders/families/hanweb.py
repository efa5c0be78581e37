"""Hanweb 大汉 JCMS columns: the first records inline in a ``<script type="text/xml">`` datastore, the rest from
``/module/web/jpage/dataproxy.jsp`` (POST form, ``startrecord``/``endrecord``/``perpage`` in the query) answering
XML ``<totalrecord>`` + ``<record><![CDATA[<li>…</li>]]></record>`` (portals.md §4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urljoin

from parsel import Selector
from scrapy import FormRequest, Request
from scrapy.http import Response

from crawler import pages
from crawler.spiders.families.listing import list_request

if TYPE_CHECKING:
    from crawler.spiders.context import SourceContext

DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")
SCRIPT_VALUE = r"""{name}\s*[:=]\s*['"]?(\d+)"""


def start_requests(spider: SourceContext) -> Iterator[Request]:
    for url in spider.source.start_urls:
        yield list_request(spider, url, column_url=url)


def parse_list(spider: SourceContext, response: Response) -> Iterator[Request]:
    text = response.text if hasattr(response, "text") else response.body.decode("utf-8", "replace")
    column_url = response.meta.get("column_url") or response.url
    yield from _records(spider, text, response.url)
    total_match = TOTAL.search(text)
    total = int(total_match.group(1)) if total_match else None
    if response.meta.get("role") == "api":
        if response.meta.get("first_group") and total is not None:
            yield from _proxy_requests(spider, response.meta["proxy_form"], column_url,
                                       response.meta["next_start"], total)
        return
    if total is not None and total <= len(RECORD.findall(text)):
        return
    form = _proxy_form(spider, text, column_url)
    if form is not None:
        yield from _proxy_requests(spider, form, column_url, 1, total)


def _records(spider: SourceContext, text: str, base_url: str) -> Iterator[Request]:
    for record in RECORD.findall(text):
        for url, title in pages.links(Selector(text=record), base_url):
            yield spider.item(url, title, base_url)


def _proxy_form(spider: SourceContext, text: str, column_url: str) -> dict[str, str] | None:
    """The dataproxy form: hints first, then the ids the column page's script carries."""
    params = dict(spider.source.hints.api_params)
    for name in ("columnid", "unitid", "webid"):
        if name not in params:
            match = re.search(SCRIPT_VALUE.format(name=name), text)
            if match:
                params[name] = match.group(1)
    if "columnid" not in params:
        spider.logger.warning("%s: no columnid in the page or hints; dataproxy pages skipped", column_url)
        return None
    for name, value in (("col", "1"), ("appid", "1"), ("path", "/"), ("permissiontype", "0")):
        params.setdefault(name, value)
    return params


def _proxy_requests(
    spider: SourceContext, form: dict[str, str], column_url: str, first: int, total: int | None
) -> Iterator[Request]:
    """Record ranges from ``first`` to ``total``; with the total unknown, only the first range (its reply tells)."""
    hints = spider.source.hints
    proxy = urljoin(column_url, hints.api_url or DEFAULT_PROXY)
    per_request = hints.page_size * 3  # the jpage script asks for three pages per call
    last = min(total if total is not None else first + per_request - 1, per_request * hints.max_pages)
    for start in range(first, last + 1, per_request):
        end = min(start + per_request - 1, last) if total is not None else start + per_request - 1
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": hints.page_size})
        meta = {"role": "api", "column_url": column_url, "parent_url": column_url, "proxy_form": form,
                "first_group": total is None, "next_start": end + 1}
        if not spider.source.obey_robots:
            meta["dont_obey_robotstxt"] = True
        headers = {"Referer": column_url, "X-Requested-With": "XMLHttpRequest"}
        if hints.api_method == "GET":  # older sites and RSSHub's jinan route: the form in the query
            yield Request(f"{proxy}?{query}&{urlencode(form)}", headers=headers, callback=spider.parse_list,
                          errback=spider.errback, meta=meta)
            continue
        yield FormRequest(f"{proxy}?{query}", formdata=form, headers=headers, callback=spider.parse_list,
                          errback=spider.errback, meta=meta)
