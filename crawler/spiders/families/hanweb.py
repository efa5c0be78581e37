"""Hanweb 大汉 JCMS columns (portals.md §4 and real markup 3–4).

- The first records are inline in a ``<script type="text/xml">`` datastore; the rest come from
  ``/module/web/jpage/dataproxy.jsp`` (POST form, ``startrecord``/``endrecord``/``perpage`` in the query) answering
  XML ``<totalrecord>`` + ``<record><![CDATA[<li>…</li>]]></record>``; the form's ids are read from the
  ``<nextgroup>`` link or the column page's script.
- When the ``<nextgroup>`` link's ids are opaque (国家医保局, 广电总局 encrypt them), a form built from them would be
  wrong: the link is followed exactly as written, group after group, until a reply lists nothing (deep groups
  answer an empty body of a few dozen bytes).
- A column page with no datastore at all (山东 /col/ pages, 济南's /art/YYYY/art_<hex>.html) lists its ``/art/``
  links directly: those are its items.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from parsel import Selector
from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler import pages
from crawler.spiders.families.listing import follow_shell, form_post, list_request, listed, new

if TYPE_CHECKING:
    from crawler.spiders.context import SourceContext

DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")
DATASTORE = re.compile(r"<datastore>|<recordset>", re.I)
NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S)
SCRIPT_VALUE = r"""\b{name}\s*[:=]\s*['"]?(\d+)"""
EMPTY_GROUP = 100
"""A nextgroup reply with fewer bytes than this (and no record) ends the list (HL: deep pages answer 54 bytes)."""


def start_requests(context: SourceContext) -> Iterator[Request]:
    source = context.source
    for url in source.start_urls:
        yield list_request(context, url, column_url=url)


def parse_list(context: SourceContext, response: Response) -> Iterator[Request]:
    shell = follow_shell(context, response)
    if shell is not None and response.meta.get("role") == "list":
        yield shell
        return
    text = response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
    column_url = response.meta.get("column_url") or response.url
    records = new(response, _records(context, text, response.url))
    yield from records
    if response.meta.get("nextgroup"):
        yield from _next_group(context, response, text, column_url, bool(records))
        return
    total_match = TOTAL.search(text)
    total = int(total_match.group(1)) if total_match else None
    if response.meta.get("role") == "api":
        if response.meta.get("first_group") and total is not None:
            yield from _proxy_requests(context, response, response.meta["proxy_form"], column_url,
                                       response.meta["next_start"], total)
        return
    if not DATASTORE.search(text):
        yield from new(response, _art_links(context, response))
        return
    if total is not None and total <= len(RECORD.findall(text)):
        return
    group = _nextgroup_href(text, response.url)
    if group and not _digit_ids(group):
        yield from _next_group(context, response, text, column_url, True)
        return
    form = _proxy_form(context, text, column_url, group)
    if form is not None:
        yield from _proxy_requests(context, response, form, column_url, 1, total)


def _records(context: SourceContext, text: str, base_url: str) -> list[Request]:
    return [
        context.item(url, title, base_url)
        for record in RECORD.findall(text)
        for url, title in pages.links(Selector(text=record), base_url)
    ]


def _art_links(context: SourceContext, response: Response) -> list[Request]:
    """A column page without a datastore: its ``/art/`` links are the items."""
    if not isinstance(response, TextResponse):
        return []
    return [
        context.item(url, title, response.url)
        for url, title in pages.links(response.selector, response.url)
        if "/art/" in urlsplit(url).path
    ]


def _nextgroup_href(text: str, base_url: str) -> str | None:
    match = NEXTGROUP.search(text)
    if not match:
        return None
    href = re.search(r"""href\s*=\s*["']([^"']+)["']""", match.group(1))
    return urljoin(base_url, html.unescape(href.group(1))) if href else None


def _digit_ids(url: str) -> bool:
    """Whether the nextgroup link's column and unit ids are plain numbers (a dataproxy form can be built)."""
    query = parse_qs(urlsplit(url).query)
    ids = [query.get(name, [""])[0] for name in ("columnid", "unitid") if name in query]
    return bool(ids) and all(value.isdigit() for value in ids)


def _next_group(context: SourceContext, response: Response, text: str, column_url: str,
                added: bool) -> Iterator[Request]:
    """Follow the ``<nextgroup>`` link as written until a group lists nothing new."""
    source = context.source
    group = _nextgroup_href(text, response.url)
    groups = response.meta.get("groups", 0)
    if not group or not added or group in listed(response) or groups >= source.hints.max_pages:
        if response.meta.get("nextgroup") and len(response.body) < EMPTY_GROUP:
            context.logger.info("%s: empty group reply (%d bytes): the list ends", column_url, len(response.body))
        return
    listed(response).add(group)
    meta = {"column_url": column_url, "parent_url": response.url, "listed": listed(response), "nextgroup": True,
            "groups": groups + 1}
    yield context.request(group, "api", callback=context.parse_list, meta=meta,
                         headers={"Referer": column_url, "X-Requested-With": "XMLHttpRequest"})


def _proxy_form(context: SourceContext, text: str, column_url: str,
                group: str | None) -> dict[str, str] | None:
    """The dataproxy form: hints first, then the ids of the nextgroup link, then those the page's script sets."""
    source = context.source
    params = dict(source.hints.api_params)
    from_group = {name: values[0] for name, values in parse_qs(urlsplit(group).query).items()} if group else {}
    for name in ("columnid", "unitid", "webid"):
        if name in params:
            continue
        if from_group.get(name, "").isdigit():
            params[name] = from_group[name]
            continue
        match = re.search(SCRIPT_VALUE.format(name=name), text)
        if match:
            params[name] = match.group(1)
    if "columnid" not in params:
        context.logger.warning("%s: no columnid in the page or hints; dataproxy pages skipped", column_url)
        return None
    for name, value in (("col", "1"), ("appid", "1"), ("path", "/"), ("permissiontype", "0")):
        params.setdefault(name, value)
    return params


def _proxy_requests(
    context: SourceContext, response: Response, form: dict[str, str], column_url: str, first: int,
    total: int | None,
) -> Iterator[Request]:
    """Record ranges from ``first`` to ``total``; with the total unknown, only the first range (its reply tells)."""
    source = context.source
    hints = source.hints
    proxy = urljoin(column_url, hints.api_url or DEFAULT_PROXY)
    per_request = hints.page_size * 3  # the jpage script asks for three pages per call
    last = min(total if total is not None else first + per_request - 1, per_request * hints.max_pages)
    for start in range(first, last + 1, per_request):
        end = min(start + per_request - 1, last) if total is not None else start + per_request - 1
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": hints.page_size})
        meta = {"column_url": column_url, "parent_url": column_url, "proxy_form": form, "listed": listed(response),
                "first_group": total is None, "next_start": end + 1}
        headers = {"Referer": column_url, "X-Requested-With": "XMLHttpRequest"}
        if hints.api_method == "GET":  # older sites and RSSHub's jinan route: the form in the query
            yield context.request(f"{proxy}?{query}&{urlencode(form)}", "api", callback=context.parse_list,
                                 headers=headers, meta=meta)
            continue
        yield context.request(f"{proxy}?{query}", "api", callback=context.parse_list, meta=meta,
                              **form_post(form, headers))
