"""What a fetched HTML page holds for the crawler: links (also those only written by ``<script>``), its pictures, its
title, and whether it is a *shell* — a tiny page that only sends the browser elsewhere (meta refresh,
``location.replace``).

A shell that points up (``../``, ``./``, the site root) is a deleted document (pingtan answers withdrawn documents
so); a shell that points at another page is an entry page (Beijing district column roots, a column's index that
forwards to its list) and is followed as if it were that page (portals.md §6)."""

from __future__ import annotations

import re
import weakref
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree
from parsel import Selector

_ANCHORS = etree.XPath("//a[@href]")
_SCRIPT_HREF = re.compile(r"""(?:href|src)\s*=\s*\\?["']([^"'\\]+)\\?["']""", re.I)
_META_REFRESH = re.compile(rb"""<meta[^>]+http-equiv\s*=\s*["']?refresh""", re.I)
_REFRESH_URL = re.compile(rb"""content\s*=\s*["']?\s*\d*\s*;?\s*url\s*=\s*['"]?([^'" >]+)""", re.I)
_SCRIPT_LOCATION = re.compile(
    rb"""(?:window\.|document\.|self\.|top\.)?location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*['"]([^'"]+)['"]"""
)
STUB_LIMIT = 512
"""Pingtan's deleted documents answer 200 with a meta refresh of fewer than 512 bytes (portals.md §6)."""
SHELL_LIMIT = 1024
"""Beijing district column roots are JS/meta redirect shells of ~160 bytes; a shell is under 1 KB."""


def _is_shell(body: bytes, limit: int) -> bool:
    if len(body) >= limit:
        return False
    without_scripts = re.sub(rb"(?is)<script[^>]*>.*?</script>", b"", body)
    text = re.sub(rb"<[^>]*>|\s+|&nbsp;", b"", without_scripts)
    return len(text) < 40


def shell_target(body: bytes, base_url: str) -> str | None:
    """The URL a shell page sends the browser to (meta refresh or a script setting ``location``), or None when the
    body is not a shell."""
    if not _is_shell(body, SHELL_LIMIT):
        return None
    match = _REFRESH_URL.search(body) if _META_REFRESH.search(body) else None
    match = match or _SCRIPT_LOCATION.search(body)
    if not match:
        return None
    target = match.group(1).decode("latin-1").strip()
    return urljoin(base_url, target).split("#", 1)[0]


def points_up(target: str, url: str) -> bool:
    """Whether ``target`` is the directory of ``url`` or one above it (``./``, ``../``, ``/``)."""
    here, there = urlsplit(url), urlsplit(target)
    if (here.scheme, here.netloc) != (there.scheme, there.netloc) or there.query:
        return False
    return there.path.endswith("/") and here.path.startswith(there.path) and there.path != here.path


def is_deleted_stub(body: bytes, url: str | None = None) -> bool:
    """A tiny page that only refreshes to its own directory or above: the document was withdrawn (permanent, not
    retried). Without ``url`` any tiny refresh-only page counts."""
    if len(body) >= STUB_LIMIT or not (_META_REFRESH.search(body) or _SCRIPT_LOCATION.search(body)) \
            or not _is_shell(body, STUB_LIMIT):
        return False
    if url is None:
        return True
    target = shell_target(body, url)
    return target is None or points_up(target, url)


def entry_target(body: bytes, url: str) -> str | None:
    """Where an entry shell forwards to (a page other than its own directory or above), else None."""
    target = shell_target(body, url)
    if target is None or target == url or points_up(target, url):
        return None
    return target


_READ: weakref.WeakKeyDictionary[Selector, dict[tuple[str, str | None], tuple[tuple[str, str], ...]]] = (
    weakref.WeakKeyDictionary()
)
"""Links already read from a page: a family reads a list page's links for its pager and again for its items (twice
the cost of the list page itself on a night with nothing new, cProfile, 1,000 columns). Gone with the page."""


def links(selector: Selector, base_url: str, css: str | None = None) -> tuple[tuple[str, str], ...]:
    """(absolute URL, link text) of every ``<a href>`` (or those under ``css``), then those inside script text;
    read once per page."""
    read = _READ.setdefault(selector, {})
    key = (base_url, css)
    if key not in read:
        read[key] = tuple(_links(selector, base_url, css))
    return read[key]


def _links(selector: Selector, base_url: str, css: str | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if css:
        anchors = [anchor.root for anchor in selector.css(f"{css} a[href]")]
        if not anchors:
            anchors = [anchor.root for anchor in selector.css(css).xpath("self::a[@href]")]
    else:  # lxml's own elements: a parsel Selector per anchor cost ~1.5 KB and ~0.1 ms each on a 100,000-link page
        anchors = [anchor for anchor in _ANCHORS(selector.root)] if _is_tree(selector.root) else []
    for anchor in anchors:
        href = (anchor.get("href") or "").strip()
        text = anchor.get("title") or " ".join(anchor.itertext())
        _add(found, base_url, href, text)
    if css is None:
        for script in selector.css("script::text").getall():
            for match in _SCRIPT_HREF.finditer(script):
                text = _script_link_text(script, match.end())
                _add(found, base_url, match.group(1), text)
    return found


def _is_tree(root: object) -> bool:
    return isinstance(root, etree._Element)


ICON = 48
"""Pixels: a picture declared no larger is an icon (a bullet, a print button), never a table."""
CHROME_PICTURE = re.compile(
    r"logo|emblem|banner|icon|btn|button|arrow|qrcode|erweima|ewm|weixin|wechat|weibo|share|print|close|search",
    re.I,
)
"""File names the web gives its page furniture (not any one portal's): a site's logo, buttons and QR codes."""


def images(selector: Selector, base_url: str) -> list[str]:
    """Absolute URLs of the page's pictures outside its navigation, header and footer (a report page may print
    its tables as pictures), each once, in page order; icons, page furniture and inline ``data:`` pictures are
    left out."""
    found: list[tuple[str, str]] = []
    for image in selector.xpath("//img[@src][not(ancestor::nav or ancestor::header or ancestor::footer)]"):
        src = image.attrib["src"].strip()
        if any(_declared(image.attrib.get(side)) <= ICON for side in ("width", "height")):
            continue
        if CHROME_PICTURE.search(unquote(urlsplit(src).path).rsplit("/", 1)[-1]):
            continue
        _add(found, base_url, src, "")
    return list(dict.fromkeys(url for url, _ in found))


def _declared(size: str | None) -> float:
    text = (size or "").strip().removesuffix("px")
    return float(text) if text.isdigit() else float("inf")


def _script_link_text(script: str, position: int) -> str:
    rest = script[position : position + 200]
    match = re.match(r"""[^>]*>([^<]*)<""", rest)
    return match.group(1) if match else ""


def _add(found: list[tuple[str, str]], base_url: str, href: str, text: str) -> None:
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return
    url = urljoin(base_url, href)
    if urlsplit(url).scheme not in ("http", "https"):
        return
    url = url.split("#", 1)[0]
    found.append((url, re.sub(r"\s+", " ", text).strip()))


def title(selector: Selector) -> str:
    """The page's own title: TRS ``ArticleTitle`` meta, then the first ``h1``, then ``<title>``."""
    for query in ('meta[name="ArticleTitle"]::attr(content)', "h1 ::text", "title::text"):
        value = " ".join(part.strip() for part in selector.css(query).getall()).strip()
        if value:
            return value
    return ""


def extension(url: str) -> str:
    """Lowercase file extension of the URL path (or of a ``filename=`` query value, as Hanweb downfile.jsp has)."""
    parts = urlsplit(url)
    query_name = re.search(r"(?:^|&)(?:filename|showname)=([^&]+)", parts.query)
    name = unquote(query_name.group(1)) if query_name else parts.path
    match = re.search(r"\.([A-Za-z0-9]{1,5})$", name)
    return match.group(1).lower() if match else ""
