"""The discovery spider: from portal home pages, walk to each government's report column and to the governments
below, through the crawl's own downloader (challenges, cookies, per-host politeness, robots.txt, the address
guard), and collect one proposal per column found.

Within a portal the walk is bounded: the home page; the column links on it (else one or two hops on, through
政务公开 hub pages, and through at most ``MENU_PAGES`` Hanweb ``/col/`` pages read for their ColumnName); the column
page (entry shells followed) and, for gkmlpt, the first page of its list API for the titles it shows. Across
portals, governments below are walked down to ``depth`` levels.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler import pages
from crawler.discovery import portal as reading
from crawler.discovery.family import Detection, detect
from crawler.spiders.context import SOURCE_ID, SourceContext
from crawler.spiders.families import gkmlpt
from crawler.spiders.families.json_api import unescape_percent_u
from crawler.spiders.generic import error_kind
from pipelines.regions import level_of
from pipelines.registry import NATIONAL, Source
from pipelines.titles import recognise

MENU_PAGES = 40
"""Hanweb /col/ pages opened per portal to read their ColumnName (hulelan's discoverer opens up to 40)."""
HUB_HOPS = 2


@dataclass
class PortalVisit:
    """One portal being discovered: where it was reached from, what it is, what was found on it."""

    home: str
    depth: int
    path: list[str]
    parent: str | None = None
    parent_region: str | None = None
    parent_level: str | None = None
    department: bool = False
    organ: str = ""
    region_code: str = NATIONAL
    region_from: str = ""
    columns: set[str] = field(default_factory=set)
    menu_pages: int = 0
    seen: set[str] = field(default_factory=set)


@dataclass
class Proposal:
    """A column found (or, with ``detection`` None, a portal whose column was not found)."""

    visit: PortalVisit
    column_url: str | None
    link_path: list[str]
    detection: Detection | None = None
    titles: list[str] = field(default_factory=list)


class DiscoverySpider(Spider):
    """Discovers report columns below ``start_urls`` (portal home pages)."""

    name = "govreports-discover"

    def __init__(self, start_urls: list[str], depth: int = 3, local: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = list(start_urls)
        self.depth = depth
        self.local = local
        self.source = Source(id="discover", organ="discovery", region_code=NATIONAL, portal=self.start_urls[0],
                             local=local)
        """What the crawl's middlewares ask of the spider's source: loopback allowed for replicas (--local)."""
        self.contexts = {self.source.id: SourceContext(self.source, self)}  # type: ignore[arg-type]
        """The context every discovery request names (``meta["source_id"]``), as the crawl's requests do."""
        self.proposals: list[Proposal] = []
        self.visits: dict[str, PortalVisit] = {}
        self.failures: dict[str, str] = {}

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls:
            request = self._portal(url, depth=0, path=[f"start → {url}"])
            if request is not None:
                yield request

    def _request(self, url: str, callback: Any, meta: dict[str, Any], **kwargs: Any) -> Request:
        """A discovery request: errors counted, the discovery source named (the middlewares read it)."""
        return Request(url, callback=callback, errback=self.errback, meta={**meta, SOURCE_ID: self.source.id},
                       **kwargs)

    # Portals ------------------------------------------------------------------------------------------------------

    def _portal(self, url: str, depth: int, path: list[str], parent: PortalVisit | None = None,
                heading: str = "") -> Request | None:
        key = _portal_key(url)
        if key in self.visits:
            return None
        visit = PortalVisit(url, depth, path, parent.organ if parent else None,
                            parent.region_code if parent else None, _level(parent) if parent else None,
                            department=bool(reading.DEPARTMENT_HEADINGS.search(heading)))
        self.visits[key] = visit
        return self._request(url, self.parse_home, {"visit": visit, "shells": 0})

    def parse_home(self, response: Response) -> Iterator[Request]:
        visit: PortalVisit = response.meta["visit"]
        shell = self._shell(response, self.parse_home)
        if shell is not None:
            yield shell
            return
        if not isinstance(response, TextResponse):
            return
        visit.organ = reading.organ_name(response.selector) or urlsplit(response.url).hostname or response.url
        visit.region_code, visit.region_from = reading.region_code(response.selector, visit.organ,
                                                                   visit.parent_region)
        yield from self._look_for_columns(response, visit, visit.path, hops=0)
        if visit.depth < self.depth:
            for link in reading.below_links(response.selector, response.url, self.local):
                request = self._portal(link.url, visit.depth + 1,
                                       [*visit.path, f"{link.heading} › {link.text} → {link.url}"], visit,
                                       link.heading)
                if request is not None:
                    yield request

    def _look_for_columns(self, response: TextResponse, visit: PortalVisit, path: list[str],
                          hops: int) -> Iterator[Request]:
        visit.seen.add(response.url)
        candidates = reading.column_links(response.selector, response.url)
        if candidates:
            best = max(link.score for link in candidates)
            for link in candidates:
                if link.score == best and link.url not in visit.columns:
                    visit.columns.add(link.url)
                    yield self._column(link.url, visit, [*path, f"{link.text} → {link.url}"])
            return
        if hops >= HUB_HOPS:
            return
        for link in reading.hub_links(response.selector, response.url):
            if link.url not in visit.seen:
                visit.seen.add(link.url)
                yield self._request(link.url, self.parse_hub, {"visit": visit, "hops": hops + 1,
                                                               "path": [*path, f"{link.text} → {link.url}"]})
        yield from self._menus(response, visit, path)

    def parse_hub(self, response: Response) -> Iterator[Request]:
        if isinstance(response, TextResponse):
            yield from self._look_for_columns(response, response.meta["visit"], response.meta["path"],
                                              response.meta["hops"])

    def _menus(self, response: TextResponse, visit: PortalVisit, path: list[str]) -> Iterator[Request]:
        """Hanweb /col/ pages, opened (up to ``MENU_PAGES`` per portal) to read their ColumnName."""
        for link in reading.menu_links(response.selector, response.url):
            if link.url in visit.seen or visit.menu_pages >= MENU_PAGES:
                continue
            visit.seen.add(link.url)
            visit.menu_pages += 1
            yield self._request(link.url, self.parse_menu,
                                {"visit": visit, "path": [*path, f"{link.text} → {link.url}"]})

    def parse_menu(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        visit: PortalVisit = response.meta["visit"]
        path = response.meta["path"]
        name = reading.column_name(response.selector)
        if name and reading.is_report_column(name):
            if response.url not in visit.columns:
                visit.columns.add(response.url)
                yield from self.parse_column(response, [*path[:-1], f"{path[-1]} (ColumnName {name})"])
            return
        candidates = reading.column_links(response.selector, response.url)
        for link in candidates:
            if link.url not in visit.columns:
                visit.columns.add(link.url)
                yield self._column(link.url, visit, [*path, f"{link.text} → {link.url}"])
        if not candidates:
            yield from self._menus(response, visit, path)

    # Columns ------------------------------------------------------------------------------------------------------

    def _column(self, url: str, visit: PortalVisit, path: list[str]) -> Request:
        return self._request(url, self.parse_column_response,
                             {"visit": visit, "path": path, "column": url, "shells": 0}, dont_filter=True)

    def _shell(self, response: Response, callback: Any) -> Request | None:
        target = pages.entry_target(response.body, response.url)
        if target is None or response.meta.get("shells", 0) >= 3:
            return None
        return response.request.replace(url=target, callback=callback,  # type: ignore[union-attr]
                                        meta={**response.meta, "shells": response.meta.get("shells", 0) + 1})

    def parse_column_response(self, response: Response) -> Iterator[Request]:
        shell = self._shell(response, self.parse_column_response)
        if shell is not None:
            yield shell
            return
        yield from self.parse_column(response, response.meta["path"])

    def parse_column(self, response: Response, path: list[str]) -> Iterator[Request]:
        visit: PortalVisit = response.meta["visit"]
        column = response.meta.get("column") or response.url
        if not isinstance(response, TextResponse):
            return
        detection = detect(column, response.text)
        titles = _report_titles(response)
        proposal = Proposal(visit, column, path, detection, titles)
        self.proposals.append(proposal)
        if detection.family == "gkmlpt":
            sid, _tree = gkmlpt.site_config(response.text)
            category = urlsplit(detection.start_url).fragment
            if sid and category:
                api = gkmlpt.index_url(detection.start_url).replace("/gkmlpt/index", f"/gkmlpt/api/all/{category}")
                yield self._request(f"{api}?page=1&sid={sid}", self.parse_gkmlpt_api, {"proposal": proposal},
                                    headers={"X-Requested-With": "XMLHttpRequest"})

    def parse_gkmlpt_api(self, response: Response) -> None:
        proposal: Proposal = response.meta["proposal"]
        try:
            articles = json.loads(response.body).get("articles") or []
        except (ValueError, AttributeError):
            return
        for article in articles:
            title = unescape_percent_u(str(article.get("title") or ""))
            if recognise(title).is_report and title not in proposal.titles:
                proposal.titles.append(title)

    def errback(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self.failures[request.url] = error_kind(failure)
        self.crawler.stats.inc_value(f"discover/errors/{error_kind(failure)}")

    def closed(self, reason: str) -> None:
        found = {id(p.visit) for p in self.proposals}
        for visit in self.visits.values():
            if id(visit) not in found and visit.organ:
                self.proposals.append(Proposal(visit, None, visit.path))


def _report_titles(response: TextResponse) -> list[str]:
    titles: list[str] = []
    for _url, text in pages.links(response.selector, response.url):
        if recognise(text).is_report and text not in titles:
            titles.append(text)
    return titles


def _portal_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path.rstrip('/') or '/'}"


def _level(visit: PortalVisit) -> str | None:
    if visit.region_code == NATIONAL:
        return "central"
    return level_of(visit.region_code)
