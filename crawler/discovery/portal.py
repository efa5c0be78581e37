"""What a portal's pages say to a discoverer (portals.md, "From a home page to the report column" and "How portals
point to subordinate governments' sites"): the organ and its region, the links to the report column (in the
政府信息公开 block, beside its neighbours; look-alikes rejected by the one title recogniser), the pages one hop on
(a 政务公开 hub, Hanweb ``/col/`` menus known by their ColumnName), and the governments below (link blocks headed
政府网站导航 / 市县政府 / 区县政府 / 部门网站, including ``<select>`` menus).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawler import pages
from pipelines.regions import code_of, region
from pipelines.registry import NATIONAL
from pipelines.titles import clean, is_report_column

NEIGHBOURS = ("政府信息公开指南", "政府信息公开目录", "依申请公开", "政府信息公开制度", "信息公开指南", "信息公开目录")
"""The 年报 link's neighbours in the 政府信息公开 block: finding them beside a candidate is the stronger signal."""
HUB_TEXTS = re.compile(r"^(?:政府信息公开|信息公开|政务公开)(?:专栏|平台)?$")
BELOW_HEADINGS = re.compile(r"政府网站导航|网站导航|市县政府|区县政府|县区政府|县市区|市县区|各县|各区|区县|下级政府|"
                            r"地方政府|省级政府|各省|部门网站|部门导航|政府部门|市政府部门|省政府部门|直属机构")
DEPARTMENT_HEADINGS = re.compile(r"部门")
SITE_CODE = re.compile(r"网站标识码\s*[:：]?\s*([0-9A-Za-z]{10})")
TITLE_SUFFIX = re.compile(r"(?:门户网站|政府网站|官方网站|官网|网站|首页|政府网|门户)+$")
COL_LINK = re.compile(r"/col/col\d+/")


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    score: int = 0
    """Candidates: 2 when the link sits beside the 政府信息公开 block's neighbours, else 1."""
    heading: str = ""
    """Subordinate links: the heading of the block they are listed under."""


def organ_name(selector: Selector) -> str:
    """The portal's organ from its ``<title>`` (河南省人民政府门户网站 → 河南省人民政府)."""
    title = clean(" ".join(selector.css("title::text").getall()))
    parts = [part for part in re.split(r"[_|\-—－]", title) if part and part not in ("首页", "主页")] or [title]
    named = [part for part in parts if re.search(r"政府|国务院|委员会|局|厅|办公室|部|署|委$", part)]
    chosen = (named or parts)[0]
    return TITLE_SUFFIX.sub("", chosen) or chosen


def region_code(selector: Selector, organ: str, parent_region: str | None) -> tuple[str, str]:
    """(region code, how it was found): the footer's 网站标识码 (its first six digits), else the organ's name, else
    the parent portal's region; central organs (标识码 bm…) are 100000."""
    text = " ".join(selector.css("body ::text").getall())
    match = SITE_CODE.search(text)
    if match:
        code = match.group(1)
        if code.lower().startswith("bm"):
            return NATIONAL, f"网站标识码 {code} (central)"
        if code[:6].isdigit() and region(code[:6]) is not None:
            return code[:6], f"网站标识码 {code}"
        if code[:4].isdigit() and region(code[:4] + "00") is not None:
            return code[:4] + "00", f"网站标识码 {code} (first four digits)"
    named = code_of(organ)
    if named:
        return named, f"the organ's name ({organ})"
    if parent_region:
        return parent_region, "the parent portal's region"
    return NATIONAL, "no region found: central assumed"


def _block_texts(anchor: Selector, levels: int = 3) -> str:
    """The text of the block around a link (its ancestors up to ``levels``)."""
    texts = anchor.xpath(f"ancestor::*[position() <= {levels}]//text()").getall()
    return clean("".join(texts))


def column_links(selector: Selector, base_url: str) -> list[Link]:
    """Links whose text names the report column (not a look-alike), scored by their neighbourhood."""
    found: dict[str, Link] = {}
    for anchor in selector.css("a[href]"):
        text = anchor.attrib.get("title") or " ".join(anchor.css("::text").getall())
        if not is_report_column(text):
            continue
        url = _absolute(base_url, anchor.attrib.get("href", ""))
        if url is None:
            continue
        block = _block_texts(anchor)
        score = 2 if sum(neighbour in block for neighbour in NEIGHBOURS) >= 2 else 1
        if url not in found or found[url].score < score:
            found[url] = Link(url, clean(text), score)
    return sorted(found.values(), key=lambda link: -link.score)


def hub_links(selector: Selector, base_url: str) -> list[Link]:
    """Links one hop on toward the column: a 政府信息公开 / 政务公开 page (on or off the portal's host)."""
    found: dict[str, Link] = {}
    for url, text in pages.links(selector, base_url):
        if HUB_TEXTS.match(clean(text)) and url.split("#")[0] != base_url.split("#")[0]:
            found.setdefault(url, Link(url, clean(text)))
    return list(found.values())


def menu_links(selector: Selector, base_url: str) -> list[Link]:
    """Hanweb ``/col/colN/`` links on the portal's host: their pages are known by their ColumnName meta."""
    host = urlsplit(base_url).netloc
    found: dict[str, Link] = {}
    for url, text in pages.links(selector, base_url):
        if COL_LINK.search(urlsplit(url).path) and urlsplit(url).netloc == host:
            found.setdefault(url, Link(url, clean(text)))
    return list(found.values())


def column_name(selector: Selector) -> str:
    """A Hanweb (or TRS) page's own column name: ``<meta name="ColumnName">``."""
    return clean(selector.css('meta[name="ColumnName"]::attr(content)').get() or "")


def _absolute(base_url: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("javascript:", "mailto:", "#")):
        return None
    url = urljoin(base_url, href)
    return url if urlsplit(url).scheme in ("http", "https") else None


def _is_government_host(url: str, local: bool) -> bool:
    host = urlsplit(url).hostname or ""
    return local or host.endswith(".gov.cn") or host == "gov.cn"


def below_links(selector: Selector, base_url: str, local: bool = False) -> list[Link]:
    """Home pages of governments and departments listed under a 政府网站导航 / 市县政府 / 部门网站 heading: links (and
    ``<select>`` options) off the portal's host, in a government domain (any host for replicas on this machine)."""
    host = urlsplit(base_url).netloc
    found: dict[str, Link] = {}
    for heading in selector.xpath("//body//*[not(self::script) and not(self::style) and not(self::a)]"
                                  "[normalize-space(text())]"):
        own = clean("".join(heading.xpath("text()").getall()))
        if not own or len(own) > 12 or not BELOW_HEADINGS.search(own):
            continue
        block = heading
        for _ in range(3):  # the heading's enclosing block: the first ancestor that holds links
            block = block.xpath("..")[0] if block.xpath("..") else block
            if block.css("a[href], option[value]"):
                break
        entries = [(a.attrib.get("href", ""), " ".join(a.css("::text").getall())) for a in block.css("a[href]")]
        entries += [(o.attrib.get("value", ""), " ".join(o.css("::text").getall())) for o in block.css("option")]
        for href, text in entries:
            url = _absolute(base_url, href)
            if url is None or urlsplit(url).netloc == host or not _is_government_host(url, local):
                continue
            found.setdefault(url, Link(url, clean(text), heading=own))
    return list(found.values())
