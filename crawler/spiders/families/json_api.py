"""Columns whose list comes from a JSON API: TRS 海贝 search (``POST …/search``, ``page=N``, ``pageCount``, items
with ``docpuburl``/``chnldocurl``) and gkmlpt-like GET APIs (``articles`` with ``url``/``post_url`` and an
``attachment`` list) (portals.md §3). The column page is read too: it lists the first items statically."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin

from scrapy import FormRequest, Request
from scrapy.http import Response

from crawler.spiders.families.listing import items, list_request

PERCENT_U = re.compile(r"%u([0-9A-Fa-f]{4})")

if TYPE_CHECKING:
    from crawler.spiders.context import SourceContext


def start_requests(spider: SourceContext) -> Iterator[Request]:
    for url in spider.source.start_urls:
        yield list_request(spider, url, column_url=url)
        if spider.source.hints.api_url:
            yield api_request(spider, url, spider.source.hints.first_page)


def api_request(spider: SourceContext, column_url: str, page: int) -> Request:
    hints = spider.source.hints
    url = urljoin(column_url, hints.api_url or "")
    params = {key: value.format(page=page, size=hints.page_size) for key, value in hints.api_params.items()}
    meta = {"role": "api", "column_url": column_url, "parent_url": column_url, "page_no": page}
    if not spider.source.obey_robots:
        meta["dont_obey_robotstxt"] = True
    headers = {"X-Requested-With": "XMLHttpRequest", "Referer": column_url}
    if hints.api_method == "POST":
        return FormRequest(url, formdata=params, headers=headers, callback=spider.parse_list,
                           errback=spider.errback, meta=meta)
    query = urlencode(params)
    return Request(f"{url}{'&' if '?' in url else '?'}{query}" if query else url, headers=headers,
                   callback=spider.parse_list, errback=spider.errback, meta=meta, dont_filter=False)


def _dig(data: Any, path: str | None) -> Any:
    if not path:
        return None
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def parse_list(spider: SourceContext, response: Response) -> Iterator[Request]:
    if response.meta.get("role") != "api":
        yield from items(spider, response)
        return
    hints = spider.source.hints
    column_url = response.meta["column_url"]
    try:
        data = json.loads(response.body)
    except ValueError:
        spider.error("bad_json", response.url, "the list API did not answer JSON", role="api")
        return
    records = _dig(data, hints.items_path) or []
    for record in records if isinstance(records, list) else []:
        yield from _record(spider, record, column_url, response.url)
    page = response.meta["page_no"]
    count = _dig(data, hints.page_count_path)
    last = hints.first_page + min(int(count), hints.max_pages) - 1 if isinstance(count, int | str) and \
        str(count).isdigit() else None
    has_more = page < last if last is not None else bool(records)
    if has_more and page - hints.first_page + 1 < hints.max_pages:
        yield api_request(spider, column_url, page + 1)


def unescape_percent_u(text: str) -> str:
    """Titles some gkmlpt deployments send as JavaScript ``escape()`` output (``%u90D1%u5DDE``)."""
    return PERCENT_U.sub(lambda match: chr(int(match.group(1), 16)), text)


def _record(spider: SourceContext, record: dict[str, Any], column_url: str, api_url: str) -> Iterator[Request]:
    hints = spider.source.hints
    title = unescape_percent_u(next((str(record[field]) for field in hints.title_fields if record.get(field)), ""))
    urls = [urljoin(column_url, str(record[field])) for field in hints.url_fields if record.get(field)]
    for url in dict.fromkeys(urls):
        yield spider.item(url, title, api_url)
    for attachment in record.get("attachment") or []:
        if isinstance(attachment, dict) and attachment.get("url"):
            request = spider.item(urljoin(column_url, attachment["url"]), title, api_url, role="attachment")
            request.meta["link_text"] = attachment.get("name") or title
            yield request
