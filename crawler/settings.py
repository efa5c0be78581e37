"""The Scrapy settings of a govreports crawl: one engine for a batch of sources, polite per host, robust to the
portals' faults, archiving everything.

Small components wired here by name, as Scrapy's own defaults are; each can be switched off by its setting. The
shape is Scrapy's advice for broad crawls: many hosts at once (``CONCURRENT_REQUESTS``) but at most two requests
in flight and an adaptive delay per host (``CONCURRENT_REQUESTS_PER_DOMAIN``, AutoThrottle), a scheduler that
hands the downloader requests for hosts with a free slot (Scrapy's ``DownloaderAwarePriorityQueue``, in
:mod:`crawler.scheduling` without its scan of every host per request), retries that wait off the downloader, and
unreachable hosts given up at once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

USER_AGENT = "govreports/0.1 (+archive of open-government-information annual reports; polite crawler)"
"""ASCII only: header values are bytes on the wire, and a challenge clearance is bound to the exact User-Agent a
browser sends for the crawl (a non-ASCII one arrives differently from Chromium and from Scrapy)."""


def scrapy_settings(
    archive: Path | str, run_id: str, *, local: bool = False, spool: Path | str | None = None, **overrides: Any
) -> dict[str, Any]:
    """Settings for one crawl process; ``local`` shortens waits for replica portals on this machine."""
    settings: dict[str, Any] = {
        "BOT_NAME": "govreports",
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": 64,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "SCHEDULER_PRIORITY_QUEUE": "crawler.scheduling.HostAwarePriorityQueue",
        "REQUEST_FINGERPRINTER_CLASS": "crawler.fingerprint.SourceRequestFingerprinter",
        "REACTOR_THREADPOOL_MAXSIZE": 20,  # DNS lookups of many hosts at once
        # Scrapy starts CONCURRENT_ITEMS asyncio workers for every callback's output (~1.5 ms per response at the
        # default 100, measured); our callbacks yield a few requests and no items.
        "CONCURRENT_ITEMS": 4,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": 0.05 if local else 2.0,
        "AUTOTHROTTLE_MAX_DELAY": 5.0 if local else 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0 if local else 1.0,
        "DOWNLOAD_DELAY": 0.0 if local else 1.0,
        "DOWNLOAD_TIMEOUT": 10 if local else 60,
        "DOWNLOAD_MAXSIZE": 200 * 1024 * 1024,
        "DOWNLOAD_WARNSIZE": 50 * 1024 * 1024,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 3,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429, 412],
        "RETRY_BACKOFF_BASE": 0.2 if local else 5.0,
        "RETRY_BACKOFF_MAX": 2.0 if local else 120.0,
        "RETRY_HOST_GIVE_UP": 6,
        "REDIRECT_MAX_TIMES": 8,
        "METAREFRESH_ENABLED": False,
        "COOKIES_ENABLED": True,
        "TELNETCONSOLE_ENABLED": False,  # Scrapy's remote Python console: never open on a crawler
        # Names resolve for the connection itself, non-public addresses taken out (crawler.guard), over every
        # address family, IPv4 first, or the one a source names (crawler.access.addresses).
        "TWISTED_DNS_RESOLVER": "crawler.guard.GuardedResolver",
        "LOG_LEVEL": "INFO",
        # Bodies past GOVREPORTS_SPOOL_BYTES go to disk as they arrive (crawler.spool).
        "DOWNLOAD_HANDLERS": {
            "http": "crawler.spool.SpoolingDownloadHandler",
            "https": "crawler.spool.SpoolingDownloadHandler",
        },
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "crawler.offsite.SourceOffsiteMiddleware": 50,
            "crawler.budget.SourceBudgetMiddleware": 55,
            "crawler.guard.AddressGuardMiddleware": 60,
            "crawler.access.source.SourceAccessMiddleware": 510,
            "crawler.access.challenge.ChallengeMiddleware": 582,
            "crawler.spool.SpoolMiddleware": 595,
            "crawler.access.cookies.CookieReloadMiddleware": 620,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.backoff.BackoffRetryMiddleware": 550,
            "crawler.encoding.EncodingMiddleware": 585,
            "crawler.redirects.RedirectPolicyMiddleware": 610,
            "crawler.incremental.IncrementalMiddleware": 950,
        },
        "SPIDER_MIDDLEWARES": {
            "crawler.spiders.tracking.SourceTrackingMiddleware": 10,
            "crawler.fanout.FanOutLimitMiddleware": 800,  # requests per page, bounded
        },
        "EXTENSIONS": {
            "scrapy.extensions.throttle.AutoThrottle": None,
            "crawler.throttle.ArchiveAwareThrottle": 0,
            "crawler.archiving.ArchiveExtension": 100,
            "crawler.health.HealthExtension": 200,
            "crawler.progress.ProgressExtension": 300,
            "crawler.spool.SpoolCleanup": 400,  # after the archive: a spool file it did not take is not needed
        },
        "GOVREPORTS_ARCHIVE_DIR": str(archive),
        "GOVREPORTS_SPOOL_DIR": str(spool) if spool else None,
        "GOVREPORTS_RUN_ID": run_id,
        "GOVREPORTS_SOURCE_SECONDS": 600.0 if local else 4 * 3600.0,
        "GOVREPORTS_REVALIDATE_DAYS": 30.0,
        "GOVREPORTS_PROGRESS": os.environ.get("GOVREPORTS_PROGRESS", "") not in ("", "0"),
    }
    settings.update(overrides)
    return settings
