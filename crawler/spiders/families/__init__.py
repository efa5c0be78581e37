"""One module per CMS family (``trs``, ``hanweb``, ``jcms``, ``gkmlpt``, ``json_api``, ``plain``). Each offers

    start_requests(spider, source) -> Iterator[Request]
    parse_list(spider, source, response) -> Iterator[Request]

A family never reads ``spider.source``: the source it walks is passed in, so one spider can walk many columns.
From the spider it uses only ``request``, ``item``, ``is_attachment`` (each taking the source first),
``parse_list`` and ``errback`` (callbacks), ``logger`` and ``crawler.stats``. Shared pieces (items of a list page,
pager links, shells, the next list request) are in ``listing``.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType


def load(family: str) -> ModuleType:
    """The module of a family name."""
    return import_module(f"{__name__}.{family}")
