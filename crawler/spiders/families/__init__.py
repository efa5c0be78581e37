"""One module per CMS family; each offers ``start_requests(context)`` and ``parse_list(context, response)``, where the
context is the :class:`~crawler.spiders.context.SourceContext` of the source being walked (see that module)."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType


def load(family: str) -> ModuleType:
    """The module of a family name (``trs``, ``hanweb``, ``json_api``, ``plain``)."""
    return import_module(f"{__name__}.{family}")
