"""Refuse requests (redirect targets included) to loopback, private, link-local or reserved addresses — judged on
the address each connection is actually made to, never on a separate look-up.

- An address written in the URL is judged before the request leaves (:class:`AddressGuardMiddleware`).
- A host name is judged where it is resolved *for the connection*: the crawl's resolver (:class:`GuardedResolver`,
  Scrapy's ``TWISTED_DNS_RESOLVER``) hands the connection only the public addresses of a name. There is no earlier
  look-up whose answer a name could change before the connection (DNS rebinding), and a name with no usable
  address — or none at all — is refused: the connection has nothing to connect to.
- Every response is checked once more against the peer it came from (``response.ip_address``).

A portal that redirects to 10.x or 169.254.169.254 must not make the crawler probe the network it runs in. A source
marked ``local`` (replica portals for tests and the demo) may use loopback, nothing else.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest, NotConfigured
from scrapy.http import Response
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IAddress, IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer, provider

from crawler.access.addresses import AddressFamilyResolver
from crawler.access.source import PROXY_ENV
from crawler.backoff import HostUnreachable
from crawler.spiders.context import loopback_allowed

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = ("http", "https")
LOOPBACK_HOSTS = "GOVREPORTS_LOOPBACK_HOSTS"
"""Setting: host names of ``local`` sources' start URLs, which may resolve to loopback (replicas given by name)."""
PROXY_HOSTS = "GOVREPORTS_PROXY_HOSTS"
"""Setting: host names of the proxies sources name; the operator chose them, so any address of theirs is used
(the crawl-wide proxy, GOVREPORTS_PROXY or CRAWL_PROXY, is added by the resolver itself)."""

_REFUSED: dict[str, str] = {}
"""Host name → why the resolver gave it no address (process-wide, as the resolver is): the middleware turns the
connection's look-up failure into a refusal that says so."""


class RefusedAddress(IgnoreRequest):
    """The request's host is (or resolves to) an address the crawler must not reach."""


class UnresolvableHost(IgnoreRequest):
    """The request's host name has no address at all."""


def address_refusal(address: Address, local: bool) -> str | None:
    """Why a connection to ``address`` may not be made (None when it may)."""
    if address.is_loopback and local:
        return None
    if address.is_loopback or address.is_private or address.is_link_local or address.is_reserved \
            or address.is_multicast or address.is_unspecified:
        return f"{address}, a non-public address"
    return None


def literal(host: str) -> Address | None:
    """The address a URL's host spells out, or None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def refusal(url: str, local: bool) -> str | None:
    """Why ``url`` may not be fetched, as far as the URL alone tells (scheme, an address literal); names are
    judged by the resolver when the connection is made."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        return f"the scheme {parts.scheme!r} is not fetched"
    host = parts.hostname or ""
    address = literal(host)
    reason = address_refusal(address, local) if address is not None else None
    return f"{host} is {reason}" if reason else None


class AddressGuardMiddleware:
    """Downloader middleware; on by default, ``GOVREPORTS_ADDRESS_GUARD = False`` switches it off (and the
    resolver's filter with it)."""

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
            self._refuse(f"refused {request.url}: {reason}")
        host = urlsplit(request.url).hostname or ""
        if host in _REFUSED:  # the resolver gave this name no address before: refused without asking again
            self._refuse(f"refused {request.url}: {host} resolves only to {_REFUSED[host]}")

    def process_response(self, request: Request, response: Response) -> Response:
        """The peer the bytes came from, whatever the URL said (None for a response served from the archive; the
        proxy for one fetched through a proxy, which resolves the name itself)."""
        peer = response.ip_address
        if peer is not None and not request.meta.get("proxy"):
            reason = address_refusal(ipaddress.ip_address(peer), loopback_allowed(self.crawler, request))
            if reason:
                self._refuse(f"refused the response of {request.url}: it came from {reason}")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A name the resolver emptied is a refusal; a name that does not resolve at all is refused as such (an
        IgnoreRequest: nothing further, robots.txt included, tries it again)."""
        host = urlsplit(request.url).hostname or ""
        if isinstance(exception, HostUnreachable) and host in _REFUSED:  # given up after its look-up was refused
            self._refuse(f"refused {request.url}: {host} resolves only to {_REFUSED[host]}")
        if isinstance(exception, DNSLookupError | CannotResolveHostError):
            if host in _REFUSED:
                self._refuse(f"refused {request.url}: {host} resolves only to {_REFUSED[host]}")
            raise UnresolvableHost(f"refused {request.url}: {host} does not resolve") from exception

    def _refuse(self, message: str) -> None:
        self.crawler.stats.inc_value("govreports/refused_address")
        raise RefusedAddress(message)


@implementer(IHostnameResolver)
class GuardedResolver:
    """The reactor's name resolver with non-public addresses taken out of every answer (loopback kept for the
    host names of local sources). Installed by Scrapy from ``TWISTED_DNS_RESOLVER``."""

    def __init__(self, reactor: Any, loopback_hosts: Sequence[str] = (), guard: bool = True,
                 proxy_hosts: Sequence[str] = ()) -> None:
        self.reactor = reactor
        self.original: IHostnameResolver = reactor.nameResolver
        self.loopback_hosts = frozenset(host.lower() for host in loopback_hosts)
        self.proxy_hosts = frozenset(host.lower() for host in proxy_hosts)
        self.guard = guard

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        """Over the address-family resolver (every family, IPv4 first; pinned hosts): the guard filters what any
        resolution, pinned or looked up, hands the connection."""
        settings = crawler.settings
        proxies = [settings.get("GOVREPORTS_PROXY") or os.environ.get(PROXY_ENV) or "", *settings.getlist(PROXY_HOSTS)]
        proxy_hosts = [urlsplit(proxy if "//" in proxy else f"//{proxy}").hostname or "" for proxy in proxies]
        resolver = cls(reactor, settings.getlist(LOOPBACK_HOSTS), settings.getbool("GOVREPORTS_ADDRESS_GUARD", True),
                       [host for host in proxy_hosts if host])
        resolver.original = AddressFamilyResolver.from_crawler(crawler, reactor)
        return resolver

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(
        self,
        resolutionReceiver: IResolutionReceiver,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[IAddress]] | None = None,
        transportSemantics: str = "TCP",
    ) -> IHostResolution:
        receiver = resolutionReceiver
        # An address literal was judged with its request's source; a proxy was chosen by the operator.
        if self.guard and literal(hostName) is None and hostName.lower() not in self.proxy_hosts:
            receiver = _PublicOnly(resolutionReceiver, hostName, hostName.lower() in self.loopback_hosts)
        return self.original.resolveHostName(receiver, hostName, portNumber, addressTypes, transportSemantics)


@provider(IResolutionReceiver)
class _PublicOnly:
    """Passes on the addresses a connection may be made to; remembers why a name got none."""

    def __init__(self, receiver: IResolutionReceiver, host: str, local: bool) -> None:
        self.receiver, self.host, self.local = receiver, host, local
        self.passed = 0
        self.refused: list[str] = []

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:
        reason = address_refusal(ipaddress.ip_address(address.host.split("%", 1)[0]), self.local)  # type: ignore[attr-defined]
        if reason:
            self.refused.append(reason)
            return
        self.passed += 1
        self.receiver.addressResolved(address)

    def resolutionComplete(self) -> None:
        if self.refused and not self.passed:
            _REFUSED[self.host] = self.refused[0]
        self.receiver.resolutionComplete()
