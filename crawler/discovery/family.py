"""Which CMS family renders a column, and the hints its family module cannot read from the pages at crawl time,
read from the column page itself (portals.md §§2–4 and real markup 1–6). Most families read their parameters from
the pages while they crawl (TRS pagers, Hanweb ids, the JCMS gateway's parameters, gkmlpt's SID), so a proposed
source carries only what is not on the page: a JSON search API's address and form, a pager's file-name template
that differs from the family default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.spiders.families import gkmlpt, hanweb, jcms, trs
from pipelines.registry import Family, Hints

DEFAULTS = Hints()
"""Detection never depends on any source's hints: it reads pages with the family defaults."""

_HANWEB = re.compile(r"<datastore>|/module/web/jpage/|jpage\.js|dataproxy\.jsp|/art/\d{4}/")
_SEARCH_URL = re.compile(r"""\b(?:searchUrl|searchurl|apiUrl|listUrl)\s*=\s*["']([^"']+)["']""")
_CHANNEL = re.compile(r"""\bchannel[iI]d\s*=\s*["']?(\d+)""")
_AVALON = re.compile(r"ms-repeat|ms-controller|v-for=|\{\{\s*el\.")
_T_DATE = re.compile(r"""href=["']\.?/?\d{6}/t\d{8}_\d+\.s?html?""")


@dataclass
class Detection:
    """A column's family, the URL its crawl starts at, the hints it needs, and what showed it."""

    family: Family
    start_url: str
    hints: dict[str, Any] = field(default_factory=dict)
    signals: list[str] = field(default_factory=list)


def detect(url: str, text: str) -> Detection:
    """The family of the column page ``url`` (``text`` its HTML)."""
    path = urlsplit(url).path
    if "/gkmlpt" in path or ("window._CONFIG" in text and gkmlpt.SID.search(text)):
        sid, tree = gkmlpt.site_config(text)
        fragment = urlsplit(url).fragment
        category = fragment if fragment.isdigit() else gkmlpt.report_category(tree)
        start = gkmlpt.index_url(url) + (f"#{category}" if category else "")
        signals = [f"_CONFIG.SID = {sid}" if sid else "gkmlpt path",
                   f"column {category} ({'URL fragment' if fragment.isdigit() else '_CONFIG.TREE'})"]
        return Detection(Family.GKMLPT, start, {}, signals)
    params = jcms.gateway_params(text, DEFAULTS)
    if "jpaas-publish-server" in text or ({"webId", "pageId"} <= params.keys() and "tplSetId" in params):
        return Detection(Family.JCMS, url, {}, [f"api-gateway parameters webId={params.get('webId')} "
                                               f"pageId={params.get('pageId')}"])
    search = _SEARCH_URL.search(text)
    if search and (_AVALON.search(text) or _CHANNEL.search(text)):
        channel = _CHANNEL.search(text)
        hints: dict[str, Any] = {"api_url": urljoin(url, search.group(1)), "api_method": "POST",
                                 "api_params": {"page": "{page}", "prepage": "{size}"}}
        if channel:
            hints["api_params"] = {"channelid": channel.group(1), **hints["api_params"]}
        return Detection(Family.JSON_API, url, hints,
                         [f"search API {search.group(1)}", *([f"channelid {channel.group(1)}"] if channel else []),
                          "template rows filled by script" if _AVALON.search(text) else "list by script"])
    if _HANWEB.search(text) or re.search(r"/col/col\d+/", path):
        signal = "datastore" if "<datastore>" in text else ("/art/ links" if "/art/" in text else "/col/ column")
        ids = [f"{name} {match.group(1)}" for name in ("columnid", "unitid", "webid")
               if (match := re.search(hanweb.SCRIPT_VALUE.format(name=name), text))]
        return Detection(Family.HANWEB, url, {}, [f"Hanweb {signal}", *ids])
    count, _template, told = trs.pager(text, url, DEFAULTS)
    if count is not None or _T_DATE.search(text):
        signals = [f"TRS pager {told}"] if count is not None else ["TRS t-date item links"]
        return Detection(Family.TRS, url, {}, signals)
    return Detection(Family.PLAIN, url, {}, ["plain list (下一页 links)"])
