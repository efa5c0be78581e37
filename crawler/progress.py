"""Progress lines for a watching parent process: ``govreports-progress {json}`` on stderr, at most twice a second.

Off unless ``GOVREPORTS_PROGRESS`` is set (the CLI sets it); the parent draws them, the log stays a log.
"""

from __future__ import annotations

import json
import sys
import time

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

PREFIX = "govreports-progress "


class ProgressExtension:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.last = 0.0
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        if not crawler.settings.getbool("GOVREPORTS_PROGRESS"):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("GOVREPORTS_PROGRESS_INTERVAL", 0.5))

    def _emit(self, spider: Spider, done: bool = False) -> None:
        stats = self.crawler.stats
        archive = getattr(self.crawler, "archive", None)
        line = {
            "source": spider.source.id,
            "fetched": stats.get_value("govreports/fetched", 0),
            "unchanged": stats.get_value("govreports/unchanged", 0),
            "reports": len(archive.reports) if archive is not None else 0,
            "errors": sum(v for k, v in stats.get_stats().items() if k.startswith("govreports/errors/")),
            "done": done,
        }
        print(PREFIX + json.dumps(line, ensure_ascii=False), file=sys.stderr, flush=True)

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self._emit(spider)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self._emit(spider, done=True)
