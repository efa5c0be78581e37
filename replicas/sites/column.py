"""A report column as portals publish it, in as many copies as a scale test needs: list pages of 20 items, a few of
them the organ's annual reports (one per year), the rest news items; pages answer conditional requests (ETag and
Last-Modified), as most real portals do.

Knobs for what operators must see: ``report_years`` (change it between nights: a column that lists fewer years is
degraded), ``reports=False`` (a column that answers but lists no report), ``hang`` (a portal that accepts the
connection and never answers). The words are notices' words, never invented figures: these columns exercise the
crawl and the orchestration, not the parser.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import yaml

from replicas.content import notice
from replicas.server import Endpoint, Reply, Request, Site
from replicas.sites.common import PUBLISHED, not_found

COLUMN = "/xxgk/nb/"
PER_PAGE = 20
ORGAN = "某县人民政府办公室"
REGION = "410100"


def source_fields(index: int) -> dict[str, Any]:
    """The source fields of column ``index`` (``replica-column-00042``) without its start URL."""
    return {"id": f"replica-column-{index:05d}", "organ": f"{ORGAN}{index}", "region_code": REGION,
            "family": "plain", "local": True, "verified": True, "notes": "scale replica column (replicas.sites.column)"}


class ColumnSite(Site):
    name = "column"

    def __init__(self, index: int = 0, pages: int = 2, report_years: tuple[int, ...] = (2021, 2022, 2023),
                 reports: bool = True, hang: float = 0.0) -> None:
        self.index = index
        self.pages = pages
        self.report_years = report_years
        self.reports = reports
        self.hang = hang

    @property
    def organ(self) -> str:
        return f"{ORGAN}{self.index}"

    def listing(self) -> list[tuple[str, str]]:
        """(file name, title) of every item, newest report first: a report keeps its URL whatever else is listed."""
        years = sorted(self.report_years, reverse=True) if self.reports else []
        reports = [(f"r{year}.html", f"{self.organ}{year}年政府信息公开工作年度报告") for year in years]
        notices = [(f"t{item}.html", f"关于做好第{item}期政务信息报送工作的通知")
                   for item in range(self.pages * PER_PAGE - len(reports))]
        return reports + notices

    def handle(self, request: Request) -> Reply:
        if self.hang:
            return Reply(200, b"", kind="fault", delay=self.hang)
        path = request.path
        if path == "/robots.txt":
            return Reply(200, b"User-agent: *\nDisallow:\n", [("Content-Type", "text/plain")], kind="robots")
        name = path.removeprefix(COLUMN)
        if name.startswith("index") and name.endswith(".html"):
            number = int(name.removeprefix("index").removeprefix("_").removesuffix(".html") or 1)
            return self.list_page(number) if 1 <= number <= self.pages else not_found()
        title = dict(self.listing()).get(name)
        if title is None:
            return not_found()
        escaped = html.escape(title)
        page = (f'<html><head><meta charset="utf-8"><title>{escaped}</title></head><body><h1>{escaped}</h1>'
                f'<div class="TRS_Editor"><p>{self.index}-{name}</p>{notice(title)}</div></body></html>')
        headers = [("Content-Type", "text/html; charset=utf-8"), ("ETag", f'"c{self.index}-{name}"'),
                   ("Last-Modified", PUBLISHED)]
        return Reply(200, page.encode(), headers, kind="page")

    def list_page(self, number: int) -> Reply:
        items = self.listing()[(number - 1) * PER_PAGE : number * PER_PAGE]
        rows = "".join(f'<li><a href="{COLUMN}{name}">{html.escape(title)}</a></li>' for name, title in items)
        pager = f'<a href="{COLUMN}index_{number + 1}.html">下一页</a>' if number < self.pages else ""
        page = f'<html><head><meta charset="utf-8"><title>列表</title></head><body><ul>{rows}</ul>{pager}</body></html>'
        return Reply(200, page.encode(), [("Content-Type", "text/html; charset=utf-8")], kind="list")


def write_sources(directory: Path, endpoints: list[Endpoint], first_index: int = 0) -> list[Path]:
    """One source YAML per served column (``endpoints`` of a :class:`~replicas.server.ReplicaFleet` of columns)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for offset, endpoint in enumerate(endpoints):
        site = endpoint.site
        index = site.index if isinstance(site, ColumnSite) else first_index + offset
        data = {**source_fields(index), "start_urls": [f"{endpoint.base_url}{COLUMN}index.html"]}
        path = directory / f"{data['id']}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        written.append(path)
    return written
