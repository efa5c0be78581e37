"""JavaScript cookie challenges (加速乐's 521, a WAF's 403/412 script page, a ~380-byte shell that sets a cookie and
reloads): solved by running the page's own script, then by the real browser when the engine cannot pass.

A response is a challenge when it is a small HTML page whose scripts set ``document.cookie`` and that shows
(almost) nothing else. The middleware runs the scripts in the embedded engine (``jsengine``) and replays the
request with the cookies they set; a second layer (another challenge page) is solved the same way. When the
engine fails (an error, a timeout) or the same page comes back (its answer was wrong: the page needs a real DOM),
the host is handed to the real browser (``browser``) — for that host only, and from then on for every challenge
of that host; ``access.browser: true`` in a source starts there. Cookies land in Scrapy's cookie jar through the
replayed request (with the path the script gave them, so a renewed cookie replaces the old one), so every later
request to the host carries them; when they expire the server challenges again
and they are renewed the same way. A challenge that cannot be passed ends as the page's own status (an
``http_521`` error in the source's health) after ``GOVREPORTS_CHALLENGE_ATTEMPTS`` tries, never a loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.access.browser import BrowserUnavailable
from crawler.access.browser import clear as browser_clear
from crawler.access.jsengine import EngineUnavailable, run_challenge
from crawler.spiders.context import source_of

logger = logging.getLogger(__name__)

CHALLENGE_STATUSES = (200, 202, 403, 412, 503, 512, 521)
MAX_CHALLENGE_BYTES = 64 * 1024
_SCRIPTS = re.compile(rb"(?is)<script[^>]*>.*?</script>|<style[^>]*>.*?</style>")
_TAGS = re.compile(rb"<[^>]*>|&nbsp;|\s+")
STATS = "govreports/challenges/"
ENGINE_LAYERS = 2
"""Challenge pages the engine solves in a row for one request (加速乐's two layers) before a further challenge
means its answer was refused."""


def is_challenge(status: int, headers: Any, body: bytes) -> bool:
    """A small HTML page whose scripts set a cookie and that shows (almost) no text of its own."""
    if status not in CHALLENGE_STATUSES or len(body) > MAX_CHALLENGE_BYTES or b"<script" not in body.lower():
        return False
    content_type = (headers.get(b"Content-Type") or b"text/html").lower() if headers is not None else b"text/html"
    if b"html" not in content_type and b"text" not in content_type:
        return False
    if b"document.cookie" not in body and b"$_ts" not in body:
        return False
    return len(_TAGS.sub(b"", _SCRIPTS.sub(b"", body))) < 200


def fingerprint(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()[:16]


class ChallengeMiddleware:
    """Downloader middleware between the cookie jar (700) and the redirect/retry layers; on by default,
    ``GOVREPORTS_CHALLENGES = False`` switches it off, ``GOVREPORTS_BROWSER = False`` keeps the browser out."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.attempts = crawler.settings.getint("GOVREPORTS_CHALLENGE_ATTEMPTS", 4)
        self.browser_enabled = crawler.settings.getbool("GOVREPORTS_BROWSER", True)
        self.browser_timeout = crawler.settings.getfloat("GOVREPORTS_BROWSER_TIMEOUT", 30.0)
        self.browser_hosts: set[str] = set()
        """Hosts whose challenges only the browser passes (decided once per crawl)."""
        self.locks: dict[str, asyncio.Lock] = {}
        self.cleared: dict[str, tuple[float, list[dict[str, str]]]] = {}
        """Host → when the browser last cleared it and the cookies it got (requests that waited reuse them)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ChallengeMiddleware:
        if not crawler.settings.getbool("GOVREPORTS_CHALLENGES", True):
            raise NotConfigured
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if not is_challenge(response.status, response.headers, response.body):
            if request.meta.get("challenge_seen"):
                self.crawler.stats.inc_value(f"{STATS}passed")
            return response
        stats = self.crawler.stats
        stats.inc_value(f"{STATS}seen")
        seen: list[str] = list(request.meta.get("challenge_seen", []))
        if len(seen) >= self.attempts:
            stats.inc_value(f"{STATS}failed")
            logger.error("%s: still challenged after %d attempts; giving up", request.url, len(seen))
            return response
        host = urlsplit(request.url).hostname or ""
        source = source_of(self.crawler, request)
        solved = request.meta.get("challenge_engine", 0)
        # The engine's answers were refused: the same page again, or a challenge after both layers were solved.
        refused = fingerprint(response.body) in seen or solved >= ENGINE_LAYERS
        use_browser = host in self.browser_hosts or bool(source and source.access.browser) or refused
        cookies: list[dict[str, str]] | None = None
        if not use_browser:
            cookies = await asyncio.to_thread(self._engine, request, response)
            stats.inc_value(f"{STATS}engine_solved" if cookies else f"{STATS}engine_failed")
            if cookies is None:
                use_browser = True
        if use_browser:
            cookies = await self._browser(request, host)
        if not cookies:
            stats.inc_value(f"{STATS}failed")
            return response
        retry = request.replace(cookies=cookies, dont_filter=True)
        retry.headers.pop(b"Cookie", None)
        retry.meta["challenge_seen"] = [*seen, fingerprint(response.body)]
        retry.meta["challenge_engine"] = 0 if use_browser else solved + 1
        return retry

    def _engine(self, request: Request, response: Response) -> list[dict[str, str]] | None:
        """Cookies the page's own scripts set, or None when the engine cannot pass it (runs in a worker thread:
        the engine may take up to its timeout, and it must not see the crawl's event loop)."""
        user_agent = (request.headers.get(b"User-Agent") or b"").decode("latin-1")
        held = _request_cookies(request)
        try:
            outcome = run_challenge(response.text if hasattr(response, "text") else response.body.decode("latin-1"),
                                    response.url, user_agent, held)
        except EngineUnavailable as error:
            logger.warning("%s: %s", request.url, error)
            return None
        if not outcome.passed:
            logger.info("%s: the JavaScript engine could not pass the challenge (%s)", request.url,
                        outcome.error or "no cookie set")
            return None
        return [{"name": cookie.name, "value": cookie.value, "path": cookie.path} for cookie in outcome.cookies]

    async def _browser(self, request: Request, host: str) -> list[dict[str, str]] | None:
        """Cookies the real browser holds after passing the page (one browser at a time per host)."""
        if not self.browser_enabled:
            logger.error("%s: the challenge needs a real browser and GOVREPORTS_BROWSER is off", request.url)
            return None
        lock = self.locks.setdefault(host, asyncio.Lock())
        asked = time.monotonic()
        async with lock:
            cleared = self.cleared.get(host)
            if cleared is not None and cleared[0] > asked:  # another request's browser cleared the host meanwhile
                return cleared[1]
            user_agent = (request.headers.get(b"User-Agent") or b"").decode("latin-1")
            try:
                clearance = await asyncio.to_thread(
                    browser_clear, request.url, user_agent,
                    lambda status, html: is_challenge(status or 200, None, html.encode("utf-8", "replace")),
                    _request_cookies(request), self.browser_timeout,
                )
            except BrowserUnavailable as error:
                logger.error("%s: %s", request.url, error)
                return None
            cookies = [{"name": name, "value": value, "path": "/"} for name, value in clearance.cookies.items()]
            self.cleared[host] = (time.monotonic(), cookies)
        self.browser_hosts.add(host)
        self.crawler.stats.inc_value(f"{STATS}browser_solved")
        logger.info("%s: passed by the browser; its challenges go to the browser from now on", host)
        return cookies or None


def _request_cookies(request: Request) -> dict[str, str]:
    """The cookies the request carried (the jar's header), as a mapping."""
    header = (request.headers.get(b"Cookie") or b"").decode("latin-1")
    pairs = (part.strip().partition("=") for part in header.split(";") if "=" in part)
    return {name: value for name, _, value in pairs}
