"""Columns whose list comes from a JSON API: TRS 海贝 search (``POST …/search``, ``page=N``, ``pageCount``, items
with ``docpuburl``/``chnldocurl``) and the like (portals.md §3). The column page is read too: it lists the first
items statically. Results are kept to the column: a search API that also returns other channels' documents has
them dropped (``hints.api_filter``, else the ``channelid`` the form asks for against the items' ``chnlid``)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin

from scrapy import Request
from scrapy.http import Response

from crawler.spiders.families.listing import follow_shell, form_post, items, list_request, listed, new

PERCENT_U = re.compile(r"%u([0-9A-Fa-f]{4})")
CHANNEL_FIELDS = {"channelid": ("chnlid", "channelid", "channelId")}
"""A form parameter naming the channel → the item fields that carry the item's channel."""

if TYPE_CHECKING:
    from crawler.sources import Hints
    from crawler.spiders.context import SourceContext


def start_requests(context: SourceContext) -> Iterator[Request]:
    source = context.source
    for url in source.start_urls:
        seen: set[str] = set()
        yield list_request(context, url, column_url=url, seen=seen)
        if source.hints.api_url:
            yield api_request(context, url, source.hints.first_page, seen)


def api_request(context: SourceContext, column_url: str, page: int, seen: set[str],
                **meta: Any) -> Request:
    source = context.source
    hints = source.hints
    url = urljoin(column_url, hints.api_url or "")
    params = {key: value.format(page=page, size=hints.page_size) for key, value in hints.api_params.items()}
    meta = {"column_url": column_url, "parent_url": column_url, "page_no": page, "listed": seen, **meta}
    headers = {"X-Requested-With": "XMLHttpRequest", "Referer": column_url}
    if hints.api_method == "POST":
        return context.request(url, "api", callback=context.parse_list, meta=meta, **form_post(params, headers))
    query = urlencode(params)
    return context.request(f"{url}{'&' if '?' in url else '?'}{query}" if query else url, "api",
                          callback=context.parse_list, headers=headers, meta=meta)


def dig(data: Any, path: str | None) -> Any:
    """The value at a dotted path of a JSON reply (None when any step is missing)."""
    if not path:
        return None
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def json_reply(context: SourceContext, response: Response) -> Any:
    """The reply as JSON, or None (counted as ``bad_json``) when it is not."""
    try:
        return json.loads(response.body)
    except ValueError:
        context.error("bad_json", response.url, "the list API did not answer JSON")
        return None


def parse_list(context: SourceContext, response: Response) -> Iterator[Request]:
    source = context.source
    if response.meta.get("role") != "api":
        shell = follow_shell(context, response)
        yield from [shell] if shell is not None else new(response, items(context, response))
        return
    hints = source.hints
    column_url = response.meta["column_url"]
    data = json_reply(context, response)
    if data is None:
        return
    records = dig(data, hints.items_path) or []
    records = records if isinstance(records, list) else []
    kept = [record for record in records if isinstance(record, dict) and belongs(hints, record)]
    if len(kept) < len(records):
        context.spider.crawler.stats.inc_value("govreports/api_items_outside_column", len(records) - len(kept))
    fresh = new(response, [request for record in kept for request in record_requests(context, record,
                                                                                     column_url, response.url)])
    yield from fresh
    page = response.meta["page_no"]
    pages_read = page - hints.first_page + 1
    count = dig(data, hints.page_count_path)
    total = dig(data, hints.total_path)
    if str(total).isdigit():
        last = hints.first_page + math.ceil(int(total) / max(hints.page_size, 1)) - 1
    elif str(count).isdigit():
        last = hints.first_page + int(count) - 1
    else:
        last = None
    has_more = page < last if last is not None else bool(fresh)
    if has_more and pages_read < hints.max_pages:
        yield api_request(context, column_url, page + 1, listed(response))


def belongs(hints: Hints, record: dict[str, Any]) -> bool:
    """Whether an API item is one of the column's (``api_filter``, else the form's channel against the item's)."""
    wanted = dict(hints.api_filter)
    if not wanted:
        for parameter, fields in CHANNEL_FIELDS.items():
            channel = hints.api_params.get(parameter)
            field = next((name for name in fields if name in record), None)
            if channel and field and "{" not in channel:
                wanted[field] = channel
    return all(str(record.get(field)) == value for field, value in wanted.items())


def unescape_percent_u(text: str) -> str:
    """Titles some gkmlpt deployments send as JavaScript ``escape()`` output (``%u90D1%u5DDE``)."""
    return PERCENT_U.sub(lambda match: chr(int(match.group(1), 16)), text)


def record_requests(context: SourceContext, record: dict[str, Any], column_url: str,
                    api_url: str) -> list[Request]:
    """The document requests of one API item: every URL field it has (the same report at two URLs is followed
    at both), and its attachments."""
    source = context.source
    hints = source.hints
    title = unescape_percent_u(next((str(record[field]) for field in hints.title_fields if record.get(field)), ""))
    urls = [urljoin(column_url, str(record[field])) for field in hints.url_fields if record.get(field)]
    requests = [context.item(url, title, api_url) for url in dict.fromkeys(urls)]
    for attachment in record.get("attachment") or []:
        if isinstance(attachment, dict) and attachment.get("url"):
            request = context.item(urljoin(column_url, attachment["url"]), title, api_url, role="attachment")
            request.meta["link_text"] = attachment.get("name") or title
            requests.append(request)
    return requests
