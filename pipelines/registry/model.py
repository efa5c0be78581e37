"""The registry's records: a source file describes one organ (name, aliases, region, level, parent, portal) and,
when it is known, one report column of that organ (URL, CMS family, hints, how to reach it, which organs it lists).

Every field has a docstring; a typo in a file names the file and the field. The crawler reads the column fields,
the warehouse the organ fields, discovery writes both.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NATIONAL = "100000"
"""The region code of central organs: GB/T 2260 has no code for the nation; 100000 is the convention of the
division datasets (the country above its 31 provinces)."""


class Family(StrEnum):
    """The CMS family that renders the column; it selects the spider module in ``crawler/spiders/families``."""

    TRS = "trs"
    """TRS WCM static pages: index.html, index_1.html …, the page count in script."""
    HANWEB = "hanweb"
    """Hanweb 大汉 JCMS: /col/colN/ with a <datastore> and the dataproxy.jsp list, or plain /art/ links."""
    JCMS = "jcms"
    """Hanweb JCMS behind the api-gateway (jpaas-publish-server …/build/unit, pageNo)."""
    GKMLPT = "gkmlpt"
    """Guangdong 政府信息公开目录管理平台: /gkmlpt/index#<column id>, list API /gkmlpt/api/all/<id>?page=&sid=."""
    JSON_API = "json_api"
    """A JSON list API (TRS 海贝 search and the like) beside a column page that prints the first items."""
    PLAIN = "plain"
    """Server-rendered list pages with a 下一页 link."""


class Level(StrEnum):
    """The organ's place in the state: a government at one of four levels, or a department of one."""

    CENTRAL = "central"
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"
    DEPARTMENT_OF_CENTRAL = "department-of-central"
    DEPARTMENT_OF_PROVINCE = "department-of-province"
    DEPARTMENT_OF_PREFECTURE = "department-of-prefecture"
    DEPARTMENT_OF_COUNTY = "department-of-county"


class Lists(StrEnum):
    """How many organs publish in the column."""

    ONE = "one"
    """The column's own organ (titles that name another organ still win: portals.md, real markup 2)."""
    MANY = "many"
    """A platform or district column carrying several organs' reports: each report's organ comes from its title,
    resolved against the organ registry."""


class Hints(BaseModel):
    """Per-column knowledge the family modules read; every field has a family default, most are read from the
    pages themselves at crawl time, so a column usually needs none."""

    model_config = ConfigDict(extra="forbid")

    list_selector: str | None = None
    """CSS selector of the item links on a list page (default: every link in the page)."""
    next_text: list[str] = Field(default_factory=lambda: ["下一页", "下页", "后页"])
    """Link texts that lead to the next list page (plain family)."""
    max_pages: int = 50
    """Upper bound on list pages walked per start URL (a guard against pagers that never end)."""
    page_name: str | None = None
    """File name of further list pages, relative to the column: ``{i}`` is the 0-based page index (page 2 → 1, as
    TRS's index_1.html), ``{n}`` the 1-based page number (page 2 → 2, as 1.html … N.html). Default: the name the
    page's own pager script builds, else ``index_{i}.<ext>`` (trs)."""
    page_count_pattern: str | None = None
    """Regular expression whose first group is the page count in the list page's script (default: TRS's
    createPageHTML/createPage calls, a hand-written ``countPage = N``, ``ele.value>N``)."""
    api_url: str | None = None
    """JSON or dataproxy endpoint, absolute or relative to the start URL (json_api, hanweb, jcms, gkmlpt)."""
    api_method: Literal["GET", "POST"] | None = None
    """HTTP method of the list API; default: the family's (hanweb dataproxy POST, json_api GET)."""
    api_params: dict[str, str] = Field(default_factory=dict)
    """Fixed API parameters (form body for POST, query for GET); ``{page}`` / ``{size}`` are filled in. For jcms
    and hanweb, parameters the column page's script sets are read from it and these override them."""
    api_filter: dict[str, str] = Field(default_factory=dict)
    """JSON item fields that must hold these values for an item to belong to the column (a search API that also
    returns other channels' documents); default: items whose URL leaves the column's site are dropped."""
    page_size: int = 20
    """Records per API page (hanweb dataproxy perpage, json_api page size; gkmlpt's is 100)."""
    first_page: int = 1
    """Number of the first API page (gkmlpt-like APIs count from 0 or 1)."""
    items_path: str = "data"
    """Dotted path of the item list in the JSON reply (``data``, ``articles``)."""
    page_count_path: str | None = "pageCount"
    """Dotted path of the page count in the JSON reply; None to page until an empty list."""
    total_path: str | None = None
    """Dotted path of the number of *items* in the JSON reply (gkmlpt ``total``); pages = ceil(total / page_size)."""
    url_fields: list[str] = Field(default_factory=lambda: ["docpuburl", "chnldocurl", "url", "post_url"])
    """JSON item fields holding document URLs; every one present is followed (same report at two URLs)."""
    title_fields: list[str] = Field(default_factory=lambda: ["doctitle", "title"])
    """JSON item fields holding the title, first present wins."""
    sid: str | None = None
    """gkmlpt site id (``_CONFIG.SID``); default: read from ``/gkmlpt/index``."""
    category: str | None = None
    """gkmlpt column id; default: the ``#id`` fragment of the start URL, else the TREE entry named like a report
    column."""
    attachment_extensions: list[str] = Field(
        default_factory=lambda: [
            "pdf",
            "doc",
            "docx",
            "wps",
            "ofd",
            "xls",
            "xlsx",
            "et",
            "txt",
            "zip",
            "rar",
            "7z",
            "csv",
        ]
    )
    """Link targets with these extensions are attachments (downloaded, never parsed for links)."""
    attachment_paths: list[str] = Field(default_factory=lambda: ["/module/download/downfile.jsp", "/attach/"])
    """URL path fragments that mark an attachment whatever its extension (Hanweb downfile.jsp)."""


class Access(BaseModel):
    """How the column's hosts must be reached: data, never code (portals.md, access realities)."""

    model_config = ConfigDict(extra="forbid")

    headers: dict[str, str] = Field(default_factory=dict)
    """Headers sent with every request of this source (a browser User-Agent for hosts that reset the connection
    without one)."""
    cookies: dict[str, str] = Field(default_factory=dict)
    """Cookies sent from the first request on (a consent or site-selection cookie)."""
    ip_version: Literal[4, 6] | None = None
    """Connect over IPv4 only (hosts that publish AAAA records but do not serve IPv6) or IPv6 only; default: every
    address the host resolves to, IPv4 first."""
    proxy: str | None = None
    """Outbound HTTP proxy for this source (a mainland vantage point); default: the crawl's GOVREPORTS_PROXY."""
    browser: bool = False
    """Pass JavaScript challenges with the real browser from the first one (the embedded engine is known to fail)."""

    @field_validator("proxy")
    @classmethod
    def _proxy(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://[^/\s]+", value):
            raise ValueError(f"not an http(s) proxy URL: {value!r}")
        return value


class Evidence(BaseModel):
    """Why a column is believed to be the organ's report column (written by discovery, kept for review)."""

    model_config = ConfigDict(extra="forbid")

    found_by: str = ""
    """``discover`` (with the date), ``portals.csv`` or a person's name."""
    link_path: list[str] = Field(default_factory=list)
    """The pages followed from the start page to the column, each as ``link text → URL``."""
    titles: list[str] = Field(default_factory=list)
    """Report titles seen in the column."""
    signals: list[str] = Field(default_factory=list)
    """What identified the CMS family and its hints (``createPageHTML(3, …)``, ``_CONFIG.SID = 755041`` …)."""


class Source(BaseModel):
    """One source file: an organ and, when it is known, its report column."""

    model_config = ConfigDict(extra="forbid")

    id: str
    """Stable identifier: lowercase ASCII, digits and dashes; names the YAML file and every row it yields."""
    organ: str
    """The organ as it names itself (郑州市公安局); default organ of the reports its column lists."""
    region_code: str
    """GB/T 2260 administrative division code, six digits (410100 = 郑州市; 100000 for central organs)."""
    aliases: list[str] = Field(default_factory=list)
    """Other names the organ prints for itself (short forms, former names)."""
    level: Level | None = None
    """central | province | prefecture | county | department-of-<level>."""
    parent: str | None = None
    """The organ above, by its registry name (a department's government, a county's prefecture)."""
    portal: str | None = None
    """The organ's home page: where discovery starts and a dead column is rediscovered from."""
    start_urls: list[str] = Field(default_factory=list)
    """Entry pages of the report column; empty when the column is not known yet (the organ is marked for
    discovery from its portal)."""
    allowed_domains: list[str] = Field(default_factory=list)
    """Hosts the spider may fetch from (subdomains included); default: the hosts of start_urls."""
    family: Family = Family.PLAIN
    """CMS family of the column: trs | hanweb | jcms | gkmlpt | json_api | plain."""
    hints: Hints = Field(default_factory=Hints)
    """Selectors and API parameters for the family module."""
    lists: Lists = Lists.ONE
    """one: the column is its organ's; many: several organs publish in it (organ of each report from its title)."""
    organs: list[str] = Field(default_factory=list)
    """For ``lists: many``: the registry names of organs known to publish in the column (resolution prefers them)."""
    access: Access = Field(default_factory=Access)
    """Per-source headers, cookies, address family, proxy and browser use."""
    obey_robots: bool = True
    """False overrides robots.txt for this source (logged at every run; use only with the publisher's consent)."""
    local: bool = False
    """A replica portal on this machine (tests, demo): loopback and private addresses are allowed."""
    verified: bool = False
    """True once a live run confirmed the start URLs lead to this organ's reports."""
    evidence: Evidence | None = None
    """How the column was found (discovery writes it)."""
    notes: str = ""
    """Where the start URL comes from and anything a maintainer should know."""

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
            raise ValueError("id must be lowercase ASCII letters, digits and dashes")
        return value

    @field_validator("region_code", mode="before")
    @classmethod
    def _region(cls, value: str | int) -> str:
        value = str(value)
        if not re.fullmatch(r"[1-8]\d{5}", value):
            raise ValueError("region_code must be a six-digit GB/T 2260 code (100000 for central organs)")
        return value

    @field_validator("start_urls", "portal")
    @classmethod
    def _urls(cls, value: list[str] | str | None) -> list[str] | str | None:
        for url in [value] if isinstance(value, str) else value or []:
            if not re.match(r"https?://[^/\s]+", url):
                raise ValueError(f"not an http(s) URL: {url!r}")
        return value

    @model_validator(mode="after")
    def _column_or_portal(self) -> Source:
        if not self.start_urls and not self.portal:
            raise ValueError("a source needs start_urls (its column) or a portal (to discover the column from)")
        if self.organs and self.lists is not Lists.MANY:
            raise ValueError("organs lists the organs of a many-organ column: set lists: many")
        return self

    @property
    def has_column(self) -> bool:
        """Whether the report column is known (the source can be crawled); else it waits for discovery."""
        return bool(self.start_urls)

    def domains(self) -> list[str]:
        """The allowed hosts: explicit ones, else the hosts of the start URLs."""
        if self.allowed_domains:
            return list(self.allowed_domains)
        return sorted({urlsplit(url).hostname or "" for url in self.start_urls} - {""})
