"""Judge a redirect before Scrapy follows it, by scheme, host and port: refuse one that leads to a non-public
address, to a scheme other than http(s), to a host outside the source, or to a port of an allowed host that the
source never named (a portal's redirect to ``:8080`` or ``:6379`` of its own host is a way into services that were
never meant to be crawled); and stop one that leads back into its own chain (a loop the duplicate filter would
otherwise swallow without a trace)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.guard import RefusedAddress, refusal
from crawler.sources import Source
from crawler.spiders.context import loopback_allowed, source_of

DEFAULT_PORTS = {"http": 80, "https": 443}


class RedirectLoop(IgnoreRequest):
    """The Location leads to a URL already in this request's redirect chain."""


class RefusedRedirect(IgnoreRequest):
    """The Location leads to a scheme, host or port the source does not allow."""


def port_of(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a port that is not a number
        return (parts.hostname or "").lower(), -1
    return (parts.hostname or "").lower(), DEFAULT_PORTS.get(parts.scheme) if port is None else port


def redirect_refusal(source: Source | None, origin: str, target: str) -> str | None:
    """Why the redirect from ``origin`` to ``target`` may not be followed, by scheme, host and port (None: it
    may). Allowed: http(s), a host of the source (or below one), and a port that is the scheme's default, one
    the source's start URLs use on that host, or the port of the page that redirected (same host)."""
    parts = urlsplit(target)
    if parts.scheme not in DEFAULT_PORTS:
        return f"the scheme {parts.scheme!r} is not followed"
    host, port = port_of(target)
    if source is None:
        return None
    domains = [domain.lower() for domain in source.domains()]
    if domains and not any(host == domain or host.endswith("." + domain) for domain in domains):
        return f"{host} is not a host of source {source.id}"
    allowed = {DEFAULT_PORTS[parts.scheme]}
    allowed.update(start_port for start_host, start_port in map(port_of, source.start_urls) if start_host == host)
    origin_host, origin_port = port_of(origin)
    if origin_host == host:
        allowed.add(origin_port)
    if port not in allowed:
        known = ", ".join(str(number) for number in sorted(p for p in allowed if p))
        return f"port {port} of {host} is not one the source uses ({known})"
    return None


class RedirectPolicyMiddleware:
    """Downloader middleware, just outside RedirectMiddleware (its process_response runs first)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectPolicyMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in (301, 302, 303, 307, 308) or b"Location" not in response.headers:
            return response
        location = response.headers[b"Location"].decode("latin-1")
        target = urljoin(request.url, location).split("#", 1)[0]
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            self.crawler.stats.inc_value("govreports/redirect_loop")
            raise RedirectLoop(f"redirect loop: {' → '.join([*chain, target])}")
        source = source_of(self.crawler, request)
        http = urlsplit(target).scheme in DEFAULT_PORTS
        reason = refusal(target, loopback_allowed(self.crawler, request)) if http else None
        if reason:
            self.crawler.stats.inc_value("govreports/refused_address")
            raise RefusedAddress(f"refused redirect from {request.url} to {target}: {reason}")
        reason = redirect_refusal(source, request.url, target)
        if reason:
            self.crawler.stats.inc_value("govreports/refused_redirect")
            raise RefusedRedirect(f"refused redirect from {request.url} to {target}: {reason}")
        return response
