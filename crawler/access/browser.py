"""The real browser, for challenges the embedded engine cannot pass: the system Chromium (``/usr/bin/chromium``)
driven by Playwright opens the page, lets its scripts run until the page is no longer a challenge, and hands back
the cookies it was given. Only the cookies travel back: the crawl itself stays on Scrapy's downloader, so every
response is still archived as received and politeness still applies.

Playwright's synchronous API runs in a worker thread (it owns its own event loop there), so the crawl's reactor
never waits on it. Each clearance starts a fresh headless browser with an empty profile, the User-Agent of the
crawl (a clearance cookie is bound to it), and the flags this machine needs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

EXECUTABLE_ENV = "GOVREPORTS_CHROMIUM"
DEFAULT_EXECUTABLE = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class BrowserUnavailable(RuntimeError):
    """No browser could be started (not installed, or Playwright missing)."""


@dataclass(frozen=True)
class Clearance:
    """Cookies a browser was given for a page, and what it saw at the end."""

    cookies: dict[str, str]
    status: int | None
    final_url: str


def executable() -> str:
    """The Chromium to drive: ``GOVREPORTS_CHROMIUM``, else Debian's /usr/bin/chromium, else one on PATH."""
    chosen = os.environ.get(EXECUTABLE_ENV) or DEFAULT_EXECUTABLE
    if Path(chosen).exists():
        return chosen
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not found:
        raise BrowserUnavailable(f"no Chromium at {chosen} or on PATH (apt-get install chromium)")
    return found


def clear(url: str, user_agent: str, still_challenged: Callable[[int | None, str], bool],
          cookies: dict[str, str] | None = None, timeout: float = 30.0) -> Clearance:
    """Open ``url`` in Chromium until ``still_challenged(status, html)`` is false (or ``timeout``); return the
    cookies the browser holds for the page's host."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise BrowserUnavailable(f"playwright is not installed: {error}") from error
    profile = tempfile.mkdtemp(prefix="govreports-chromium-")
    try:
        with sync_playwright() as playwright, _only_this_host(url) as fence:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=executable(), headless=True, args=[*FLAGS, *fence], user_agent=user_agent,
                ignore_https_errors=True,
            )
            try:
                if cookies:
                    context.add_cookies([{"name": name, "value": value, "url": url} for name, value in cookies.items()])
                page = context.new_page()
                statuses: list[int] = []
                page.on("response", lambda response: statuses.append(response.status)
                        if response.request.is_navigation_request() else None)
                deadline = time.monotonic() + timeout
                # A challenge reloads the page while it loads: it is judged below by what it shows.
                with contextlib.suppress(PlaywrightError):
                    page.goto(url, wait_until="load", timeout=timeout * 1000)
                while time.monotonic() < deadline:
                    try:
                        page.wait_for_load_state("load", timeout=max(100, (deadline - time.monotonic()) * 1000))
                        html = page.content()
                    except PlaywrightError:
                        time.sleep(0.2)
                        continue
                    if not still_challenged(statuses[-1] if statuses else None, html):
                        break
                    time.sleep(0.2)
                held = {cookie["name"]: cookie["value"] for cookie in context.cookies(url)}
                return Clearance(held, statuses[-1] if statuses else None, page.url)
            finally:
                context.close()
    except PlaywrightError as error:
        raise BrowserUnavailable(f"Chromium could not open {url}: {str(error).splitlines()[0]}") from error
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@contextlib.contextmanager
def _only_this_host(url: str) -> Iterator[list[str]]:
    """Chromium flags that let the page reach its own host and port only: every other request (an image on
    169.254.169.254, a fetch to 10.x or to another port of this machine) goes to a proxy that refuses it — a port
    held bound and never listened on. The address guard does not see the browser's own requests; this fence does
    their work. (Chromium's page routing would do too, but it stops the browser's own requests, favicon and all.)"""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 80)
    with socket.socket() as refusing:
        refusing.bind(("127.0.0.1", 0))
        yield [f"--proxy-server=http://127.0.0.1:{refusing.getsockname()[1]}",
               f"--proxy-bypass-list=<-loopback>;{parts.hostname}:{port}"]
