"""One module per CMS family (``trs``, ``hanweb``, ``jcms``, ``gkmlpt``, ``json_api``, ``plain``). Each offers

    start_requests(context) -> Iterator[Request]
    parse_list(context, response) -> Iterator[Request]

where ``context`` is the :class:`~crawler.spiders.context.SourceContext` of the source being walked (one spider
may walk many): ``source``, ``request``, ``item``, ``is_attachment``, ``error``, ``logger``, and the callbacks
``parse_list`` / ``errback``. Shared pieces (items of a list page, pager links, shells, the next list request, a
form POST) are in ``listing``.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType


def load(family: str) -> ModuleType:
    """The module of a family name."""
    return import_module(f"{__name__}.{family}")
