"""Refuse requests (redirect targets included) to loopback, private, link-local or reserved addresses.

A portal that redirects to 10.x or 169.254.169.254 must not make the crawler probe the network it runs in. A source
marked ``local`` (replica portals for tests and the demo) may use loopback, nothing else.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.spiders.context import loopback_allowed


class RefusedAddress(IgnoreRequest):
    """The request's host is (or resolves to) an address the crawler must not reach."""


@lru_cache(maxsize=1024)
def _addresses(host: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, ...]:
    try:
        return (ipaddress.ip_address(host.strip("[]")),)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return ()
    return tuple(ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos)


def refusal(url: str, local: bool) -> str | None:
    """Why ``url`` may not be fetched (None when it may)."""
    host = urlsplit(url).hostname or ""
    for address in _addresses(host):
        if address.is_loopback and local:
            continue
        if address.is_loopback or address.is_private or address.is_link_local or address.is_reserved \
                or address.is_multicast or address.is_unspecified:
            return f"{host} is {address}, a non-public address"
    return None


class AddressGuardMiddleware:
    """Downloader middleware; on by default, ``GOVREPORTS_ADDRESS_GUARD = False`` switches it off."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuardMiddleware:
        if not crawler.settings.getbool("GOVREPORTS_ADDRESS_GUARD", True):
            raise NotConfigured
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        reason = refusal(request.url, loopback_allowed(self.crawler, request))
        if reason:
            self.crawler.stats.inc_value("govreports/refused_address")
            raise RefusedAddress(f"refused {request.url}: {reason}")
