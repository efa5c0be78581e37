"""A navigation tree of government portals, national → province → city → county, each on a host of its own, for
discovery: from the top portal alone, a discoverer must find every government below it and each one's report
column, whatever its CMS family, and nothing that only looks like one.

Every portal's home page is built as real ones are (portals.md, "From a home page to the report column"): a
政府信息公开 block whose 年报 link sits beside 政府信息公开指南, 目录, 依申请公开 and 制度; look-alikes elsewhere
(政府网站工作年度报表, 法治政府建设年度报告, 住房公积金年度报告); link blocks headed 政府网站导航 / 市县政府 /
区县政府 listing the governments below; a footer with the 网站标识码 whose first six digits are the region code.
The paths to the column differ: on the home page, one hop further on a 政务公开 hub page, behind Hanweb ``/col/``
menu pages known only by their ``<meta name="ColumnName">``, or off the portal's host on a city platform. Some
portals sit behind an anti-bot front (a WAF cookie redirect, a 加速乐 challenge). The columns are the family
replicas (``replicas.sites``), so what each lists is known; they reuse the bundled samples, so a column may list a
report of an organ elsewhere in the tree — titles carry their organs.

    with serve_tree() as tree:            # tree.url("henan"), tree.servers, tree.columns()
        ...
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from replicas.server import ReplicaServer, Reply, Request, Site
from replicas.sites import (
    challenge,
    gkmlpt,
    hanweb,
    hanweb_art,
    hanweb_nextgroup,
    jcms,
    json_api,
    plain,
    platform,
    trs,
    trs_countpage,
)
from replicas.sites.common import html_reply, not_found

TOP = "national"


@dataclass(frozen=True)
class Portal:
    """One government's portal in the tree and the column it publishes its reports in."""

    key: str
    organ: str
    site_code: str
    """The footer's 网站标识码 (bm… for central organs)."""
    region_code: str
    column: Callable[[], Site]
    column_path: str
    """Where the column starts, on the portal's host (or on ``column_host``)."""
    family: str
    expected: frozenset[str]
    route: str = "home"
    """How the home page leads to the column: home (the 政府信息公开 block), hub (a 政务公开 page one hop on),
    colmenu (Hanweb /col/ menu pages named only by their ColumnName meta), offhost (a platform's host)."""
    below: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Link blocks of governments below: (heading, portal keys)."""
    guard: Callable[[Site], Site] | None = None
    column_host: str | None = None
    replica: str = ""
    """The replica id whose hand-written source describes this column (``replicas.ALL``)."""


PORTALS: dict[str, Portal] = {p.key: p for p in (
    Portal("national", "国务院", "bm01000001", "100000", trs.TrsSite, f"{trs.COLUMN}index.html", "trs",
           frozenset(trs.EXPECTED_REPORTS), below=(("政府网站导航", ("henan", "shandong", "jiangsu")),),
           replica="replica-trs"),
    Portal("henan", "河南省人民政府", "4100000001", "410000", plain.PlainSite, f"{plain.COLUMN}index.html", "plain",
           frozenset(plain.EXPECTED_REPORTS), route="hub", below=(("市县政府", ("zhengzhou", "zhumadian")),),
           replica="replica-plain"),
    Portal("zhengzhou", "郑州市人民政府", "4101000008", "410100", trs_countpage.TrsCountPageSite,
           trs_countpage.START, "trs", frozenset(trs_countpage.EXPECTED_REPORTS), replica="replica-trs-countpage"),
    Portal("zhumadian", "驻马店市人民政府", "4117000002", "411700", platform.PlatformSite,
           platform.column_url("411094"), "plain", frozenset({platform.ZHUMADIAN.title}), route="offhost",
           column_host="platform", replica="replica-platform-beijing"),
    Portal("shandong", "山东省人民政府", "3700000050", "370000", hanweb_art.HanwebArtSite, hanweb_art.START, "hanweb",
           frozenset(hanweb_art.EXPECTED_REPORTS), route="colmenu", below=(("市县政府", ("zaozhuang",)),),
           guard=challenge.WafGuard, replica="replica-hanweb-art"),
    Portal("zaozhuang", "枣庄市人民政府", "3704000011", "370400", jcms.JcmsSite, jcms.START, "jcms",
           frozenset(jcms.EXPECTED_REPORTS), below=(("区县政府", ("shizhong",)),),
           guard=lambda inner: challenge.JslGuard(inner), replica="replica-jcms"),
    Portal("shizhong", "枣庄市市中区人民政府", "3704020003", "370402", hanweb_nextgroup.HanwebNextgroupSite,
           hanweb_nextgroup.START, "hanweb", frozenset(hanweb_nextgroup.EXPECTED_REPORTS),
           replica="replica-hanweb-nextgroup"),
    Portal("jiangsu", "江苏省人民政府", "3200000063", "320000", hanweb.HanwebSite, hanweb.COLUMN, "hanweb",
           frozenset(hanweb.EXPECTED_REPORTS), below=(("市县政府", ("suqian",)),), replica="replica-hanweb"),
    Portal("suqian", "宿迁市人民政府", "3213000019", "321300", gkmlpt.GkmlptSite, f"/gkmlpt/index#{gkmlpt.CATEGORY}",
           "gkmlpt", frozenset(gkmlpt.EXPECTED_REPORTS), below=(("区县政府", ("shuyang",)),), replica="replica-gkmlpt"),
    Portal("shuyang", "沭阳县人民政府", "3213220014", "321322", json_api.JsonApiSite, json_api.LIST_PAGE, "json_api",
           frozenset(json_api.EXPECTED_REPORTS), replica="replica-json"),
)}
"""The tree. Its columns cover every family (trs twice, one with a hand-written pager; plain; hanweb three ways;
jcms; gkmlpt; json_api) and a city platform off the portal's host."""

LOOKALIKES = (("/zfwzgzndbb/", "政府网站工作年度报表"), ("/fzzfjs/ndbg/", "法治政府建设年度报告"),
              ("/gjj/gknb/", "住房公积金年度报告"))
"""Links beside the column that only look like it (rejected by discovery)."""
DISCLOSURE_NEIGHBOURS = (("/xxgkzn/", "政府信息公开指南"), ("/xxgkml/", "政府信息公开目录"),
                         ("/ysqgk/", "依申请公开"), ("/xxgkzd/", "政府信息公开制度"))
HUB = "/zwgk/index.html"
MENU_COLUMNS = (("/col/col1/index.html", "首页"), ("/col/col2/index.html", "政务公开"),
                ("/col/col3/index.html", "政府信息公开目录"), ("/col/col4/index.html", "政策解读"))


@dataclass
class Tree:
    """The running tree: one server per portal (and one for the city platform)."""

    servers: dict[str, ReplicaServer] = field(default_factory=dict)

    def url(self, key: str) -> str:
        return self.servers[key].base_url

    def column_url(self, key: str) -> str:
        portal = PORTALS[key]
        return self.url(portal.column_host or key) + portal.column_path

    def expected(self) -> dict[str, frozenset[str]]:
        """Portal key → the report titles its column lists."""
        return {key: portal.expected for key, portal in PORTALS.items()}


class PortalSite(Site):
    """A portal: its home (and hub or /col/ menu pages) in front of its column site."""

    name = "portal"

    def __init__(self, portal: Portal, tree: Tree) -> None:
        self.portal = portal
        self.tree = tree
        self.column = portal.column() if portal.column_host is None else None

    def handle(self, request: Request) -> Reply:
        path = request.path
        if path in ("/", "/index.html", "/index.shtml"):
            return self.home()
        if path == HUB and self.portal.route == "hub":
            return self.hub()
        menu = dict(MENU_COLUMNS)
        if self.portal.route == "colmenu" and path in menu:
            return self.menu_page(menu[path])
        if self.column is not None:
            return self.column.handle(request)
        return not_found()

    def _column_link(self) -> str:
        if self.portal.column_host:
            return self.tree.column_url(self.portal.key)
        return self.portal.column_path

    def _disclosure_block(self, with_column: bool) -> str:
        links = [(href, text) for href, text in DISCLOSURE_NEIGHBOURS]
        if with_column:
            links.insert(2, (self._column_link(), "政府信息公开年报"))
        items = "".join(f'<li><a href="{html.escape(href)}" target="_blank">{text}</a></li>' for href, text in links)
        return f'<div class="zfxxgk"><div class="title"><h3>政府信息公开</h3></div><ul>{items}</ul></div>'

    def _below(self) -> str:
        blocks = []
        for heading, keys in self.portal.below:
            items = "".join(f'<li><a href="{self.tree.url(key)}/" target="_blank">'
                            f"{html.escape(PORTALS[key].organ.removesuffix('人民政府'))}</a></li>" for key in keys)
            blocks.append(f'<div class="links"><div class="hd"><span>{heading}</span></div><ul>{items}</ul></div>')
        return "\n".join(blocks)

    def home(self) -> Reply:
        portal = self.portal
        route = portal.route
        menu = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in MENU_COLUMNS) \
            if route == "colmenu" else '<li><a href="/">首页</a></li><li><a href="/zwgk/index.html">政务公开</a></li>'
        lookalikes = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in LOOKALIKES)
        body = (
            f'<div class="header"><div class="logo">{html.escape(portal.organ)}</div>'
            f'<ul class="nav">{menu}</ul></div>\n'
            f'<div class="news"><h3>要闻动态</h3><ul><li><a href="/art/2024/3/1/art_1_1.html">'
            f"{html.escape(portal.organ)}召开常务会议</a></li></ul></div>\n"
            + (self._disclosure_block(route in ("home", "offhost")) if route != "colmenu" else "")
            + f'\n<div class="special"><h3>专题专栏</h3><ul>{lookalikes}</ul></div>\n{self._below()}\n'
            f'<div class="footer"><p>主办：{html.escape(portal.organ)}办公室</p>'
            f"<p>网站标识码：{portal.site_code}　ICP备案号：示例ICP备00000000号</p></div>"
        )
        return html_reply(f"{portal.organ}门户网站", body, "list")

    def hub(self) -> Reply:
        body = f'<div class="crumb">首页 &gt; 政务公开</div>\n{self._disclosure_block(True)}'
        return html_reply(f"政务公开_{self.portal.organ}门户网站", body, "list")

    def menu_page(self, name: str) -> Reply:
        """A Hanweb /col/ page known by its ColumnName; 政府信息公开目录 lists the sub-columns, the 年报 among them."""
        head = f'<meta name="ColumnName" content="{name}">\n'
        body = f"<h2>{name}</h2>"
        if name == "政府信息公开目录":
            body += ('<ul class="sub"><li><a href="/col/col5/index.html">法定主动公开内容</a></li>'
                     f'<li><a href="{self.portal.column_path}">年度报告</a></li></ul>')
        return html_reply(f"{name}_{self.portal.organ}", body, "list", head=head)


@contextmanager
def serve_tree(delay: float = 0.0) -> Iterator[Tree]:
    """Serve every portal of the tree (and the city platform) on 127.0.0.1 until the block ends."""
    tree = Tree()
    with ExitStack() as stack:
        for key, portal in PORTALS.items():
            site: Site = PortalSite(portal, tree)
            if portal.guard is not None:
                site = portal.guard(site)
            tree.servers[key] = stack.enter_context(ReplicaServer(site, delay=delay))
        tree.servers["platform"] = stack.enter_context(ReplicaServer(platform.PlatformSite(), delay=delay))
        yield tree
