"""TRS WCM static columns: ``index.html``, then ``index_1.html`` … (page n+1 is ``index_n``). The page count is
only in script: TRS's ``createPageHTML(count, current, "index", "html")`` / ``createPage(…)``, or a pager written by
hand — ``countPage = N`` with the file name joined from ``"index"``, ``"_"``, the number and the extension, a
``ele.value>N`` check, or ``1.html`` … ``N.html`` (portals.md §2 and real markup 1).

Pages are walked one after another, and the walk stops on the first page that adds no new item: deep pages of some
sites are 300–400 byte stubs or repeat page 1, and neither fails the run.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.spiders.families.listing import adds_links, follow_shell, items, list_request, listed, new

if TYPE_CHECKING:
    from crawler.sources import Hints
    from crawler.spiders.context import SourceContext

CREATE_PAGE = re.compile(
    r"""createPage(?:HTML)?\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["']([^"']+)["']\s*,\s*["']([^"']+)["']"""
)
COUNTS = (
    re.compile(r"""\bcountPage\s*=\s*["']?(\d+)"""),
    re.compile(r"""\bele\.value\s*>\s*(\d+)"""),
    re.compile(r"""\b(?:pageCount|totalPage|page_count|pageNum)\s*[=:]\s*["']?(\d+)"""),
)
"""Hand-written pagers' page counts (a saved TRS 年报 column, 昆明 人社 and 财政)."""
_JOINED_NAME = re.compile(r"""["']([A-Za-z]\w*)["']\s*\+\s*["']_["']""")
_EXTENSION = re.compile(r"""["']\.?(s?html?)["']""")


def start_requests(context: SourceContext) -> Iterator[Request]:
    source = context.source
    for url in source.start_urls:
        yield list_request(context, url, column_url=url, page_index=0)


def pager(text: str, column_url: str, hints: Hints) -> tuple[int | None, str | None, str]:
    """(page count or None, file-name template of further pages with ``{i}``/``{n}``, what told us)."""
    name = posixpath.basename(urlsplit(column_url).path)
    stem, dot, extension = name.rpartition(".")
    extension = extension if dot else "html"
    if hints.page_count_pattern:
        match = re.search(hints.page_count_pattern, text)
        if match:
            return int(match.group(1)), hints.page_name or f"index_{{i}}.{extension}", "page_count_pattern"
    match = CREATE_PAGE.search(text)
    if match:
        template = hints.page_name or f"{match.group(3)}_{{i}}.{match.group(4)}"
        return int(match.group(1)), template, f"createPageHTML({match.group(1)}, …)"
    for pattern in COUNTS:
        match = pattern.search(text)
        if match:
            return int(match.group(1)), hints.page_name or _template(text, stem, extension), pattern.pattern
    return None, hints.page_name, "page_name" if hints.page_name else "no pager"


def _template(text: str, stem: str, extension: str) -> str:
    """The further pages' name a hand-written pager builds: ``1.html`` … when the column page is a number,
    else ``<name>_{i}.<ext>`` with the name the script joins (``"index" + "_" + i + "." + "shtml"``)."""
    if stem.isdigit():
        return f"{{n}}.{extension}"
    joined = _JOINED_NAME.search(text)
    ext = _EXTENSION.search(text[joined.end():]) if joined else None
    return f"{joined.group(1) if joined else 'index'}_{{i}}.{ext.group(1) if ext else extension}"


def parse_list(context: SourceContext, response: Response) -> Iterator[Request]:
    source = context.source
    shell = follow_shell(context, response)
    if shell is not None:
        yield shell
        return
    column_url = (response.meta.get("column_url") or response.url).split("#", 1)[0]
    index = response.meta.get("page_index", 0)
    count, template = response.meta.get("page_count"), response.meta.get("page_template")
    if index == 0 and isinstance(response, TextResponse):
        count, template, _ = pager(response.text, column_url, source.hints)
    fresh = new(response, items(context, response))
    novel = adds_links(response)
    following = index + 1
    if template is None or following >= min(count or source.hints.max_pages, source.hints.max_pages):
        yield from fresh
        return
    if index > 0 and not novel:
        context.logger.info("%s: page %d adds no new item; the pager ends here", column_url, index + 1)
        yield from fresh
        return
    yield from fresh
    url = urljoin(column_url, template.format(i=following, n=following + 1))
    if url in listed(response):
        return
    yield list_request(context, url, column_url=column_url, parent_url=response.url, seen=listed(response),
                       page_index=following, page_count=count, page_template=template,
                       page_links=response.meta["page_links"])
