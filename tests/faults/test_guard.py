"""Issue 15 case 8, the rules on their own (the hostile portal test runs them in a real crawl): a redirect is judged
by scheme, host and port; a name's addresses are filtered where the connection resolves it."""

from __future__ import annotations

from pathlib import Path

import pytest
from twisted.internet.address import IPv4Address, IPv6Address

from crawler.guard import _REFUSED, _PublicOnly, refusal
from crawler.redirects import redirect_refusal
from crawler.sources import Source
from replicas.server import ReplicaServer, Reply, Request, Site

SOURCE = Source(id="portal", organ="某市人民政府", region_code="410100", family="plain",
                start_urls=["http://www.example.gov.cn/gknb/", "http://files.example.gov.cn:8080/list/"])
PAGE = "http://www.example.gov.cn/gknb/1.html"


def test_redirects_by_scheme_host_and_port() -> None:
    allowed = [
        "http://www.example.gov.cn/gknb/2.html",  # same host, default port
        "https://www.example.gov.cn/gknb/2.html",  # https, its default port
        "http://files.example.gov.cn:8080/a.pdf",  # a port the source's start URLs use on that host
        "http://cdn.www.example.gov.cn/a.pdf",  # below an allowed host
    ]
    for target in allowed:
        assert redirect_refusal(SOURCE, PAGE, target) is None, target
    refused = {
        "http://www.example.gov.cn:8080/admin": "port 8080",  # another port of an allowed host
        "http://www.example.gov.cn:6379/": "port 6379",
        "http://www.example.gov.cn:0/": "port 0",
        "http://files.example.gov.cn/a.pdf": None,  # port 80 of files.: the default, allowed
        "http://evil.example.com/": "not a host of source portal",
        "file:///etc/passwd": "scheme 'file'",
        "ftp://www.example.gov.cn/a": "scheme 'ftp'",
    }
    for target, reason in refused.items():
        found = redirect_refusal(SOURCE, PAGE, target)
        assert (found is None) if reason is None else (found is not None and reason in found), (target, found)


def test_a_redirect_from_a_non_default_port_may_stay_on_it() -> None:
    origin = "http://files.example.gov.cn:8080/list/1.html"
    assert redirect_refusal(SOURCE, origin, "http://files.example.gov.cn:8080/list/2.html") is None


def test_address_literals_and_schemes() -> None:
    for url in ("http://10.0.0.1/", "http://169.254.169.254/latest/", "http://[::1]:8080/", "http://0.0.0.0/",
                "http://127.0.0.1/", "gopher://www.example.gov.cn/"):
        assert refusal(url, local=False), url
    assert refusal("http://127.0.0.1:8000/", local=True) is None  # a replica portal on this machine
    assert refusal("http://10.0.0.1/", local=True)  # local sources get loopback, nothing else
    assert refusal("http://www.example.gov.cn/", local=False) is None  # a name: judged when resolved


class _Receiver:
    def __init__(self) -> None:
        self.addresses: list[object] = []
        self.complete = False

    def resolutionBegan(self, resolution: object) -> None:
        pass

    def addressResolved(self, address: object) -> None:
        self.addresses.append(address)

    def resolutionComplete(self) -> None:
        self.complete = True


def test_the_resolver_hands_connections_only_public_addresses() -> None:
    receiver = _Receiver()
    public_only = _PublicOnly(receiver, "rebinding.example", local=False)
    for address in (IPv4Address("TCP", "93.184.216.34", 80), IPv4Address("TCP", "127.0.0.1", 80),
                    IPv4Address("TCP", "169.254.169.254", 80), IPv6Address("TCP", "fe80::1%eth0", 80)):
        public_only.addressResolved(address)
    public_only.resolutionComplete()
    assert [a.host for a in receiver.addresses] == ["93.184.216.34"] and receiver.complete

    receiver = _Receiver()
    private_only = _PublicOnly(receiver, "internal.example", local=False)
    private_only.addressResolved(IPv4Address("TCP", "10.1.2.3", 80))
    private_only.resolutionComplete()
    assert receiver.addresses == [] and "10.1.2.3" in _REFUSED["internal.example"]


@pytest.mark.slow
def test_the_challenge_browser_reaches_only_the_page_host() -> None:
    """A challenge page opened in Chromium asks for an image on another port of this machine, on localhost and on
    169.254.169.254: none of them is requested (the browser's requests do not pass the address guard)."""
    from crawler.access import browser

    if not Path(browser.executable()).exists():
        pytest.skip("no Chromium")
    other = ReplicaServer(_Page(""))
    with other:
        other_port = other.base_url.rsplit(":", 1)[1]
        page = _Page(f"<img src='http://127.0.0.1:{other_port}/a.png'><img src='http://localhost:{other_port}/b.png'>"
                     "<img src='http://169.254.169.254/latest/meta-data/c.png'>")
        with ReplicaServer(page) as portal:
            clearance = browser.clear(f"{portal.base_url}/", "Mozilla/5.0", lambda status, html: False, timeout=10)
            asked = [entry.path for entry in portal.log]
        assert clearance.status == 200 and "/" in asked
        assert other.log == []


class _Page(Site):
    def __init__(self, body: str) -> None:
        self.body = body

    def handle(self, request: Request) -> Reply:
        return Reply(200, f"<html><body>{self.body}</body></html>".encode(), [("Content-Type", "text/html")])
