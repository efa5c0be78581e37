"""Which addresses of a host the crawler connects to. Scrapy's default resolver knows IPv4 only; .gov.cn hosts
publish AAAA records that do not answer from abroad, while ``*.zj.gov.cn`` answers only over IPv6 there. So: every
address family, IPv4 first (Twisted's happy-eyeballs endpoint then tries the next address when one does not
connect), or only the family a source's ``access.ip_version`` names for its hosts.

``GOVREPORTS_HOSTS`` (a mapping host → addresses, or its JSON) pins the addresses of some hosts for the crawl, as
curl's ``--resolve`` does: for a host whose DNS answers wrongly from where the crawl runs, and for replicas that
publish a name with both an A and an AAAA record on this machine.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Sequence
from typing import Any, ClassVar

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IAddress, IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer

# Twisted's interfaces name their methods and arguments in camelCase.


@implementer(IHostResolution)
class _Resolution:
    """A resolution answered from the pinned hosts (nothing to cancel)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:
        return None


@implementer(IResolutionReceiver)
class _Ordered:
    """Receives every address, hands them on IPv4 first (or only one family)."""

    def __init__(self, receiver: IResolutionReceiver, version: int | None) -> None:
        self.receiver = receiver
        self.version = version
        self.addresses: list[IAddress] = []

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:
        self.addresses.append(address)

    def resolutionComplete(self) -> None:
        wanted = {4: (IPv4Address,), 6: (IPv6Address,)}.get(self.version or 0, (IPv4Address, IPv6Address))
        for family in wanted:
            for address in self.addresses:
                if isinstance(address, family):
                    self.receiver.addressResolved(address)
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class AddressFamilyResolver:
    """``TWISTED_DNS_RESOLVER`` of the crawl (installed once per process on the reactor)."""

    families: ClassVar[dict[str, int]] = {}
    """Host → the only address family to use (4 or 6), from the sources' ``access.ip_version``."""

    def __init__(self, reactor: Any, hosts: dict[str, list[str]] | None = None) -> None:
        self.reactor = reactor
        self.original = reactor.nameResolver
        self.hosts = {host.lower(): [str(ipaddress.ip_address(a)) for a in addresses]
                      for host, addresses in (hosts or {}).items()}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> AddressFamilyResolver:
        hosts = crawler.settings.get("GOVREPORTS_HOSTS") or {}
        if isinstance(hosts, str):
            hosts = json.loads(hosts)
        return cls(reactor, dict(hosts))

    @classmethod
    def prefer(cls, host: str, version: int) -> None:
        cls.families[host.lower()] = version

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
        version = self.families.get(hostName.lower())
        ordered = _Ordered(resolutionReceiver, version)
        pinned = self.hosts.get(hostName.lower())
        if pinned is not None:
            resolution = _Resolution(hostName)
            ordered.resolutionBegan(resolution)
            for address in pinned:
                family = IPv6Address if ":" in address else IPv4Address
                ordered.addressResolved(family("TCP", address, portNumber))
            ordered.resolutionComplete()
            return resolution
        types = {4: [IPv4Address], 6: [IPv6Address]}.get(version or 0, addressTypes)
        return self.original.resolveHostName(ordered, hostName, portNumber, types, transportSemantics)
