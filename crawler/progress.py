"""Progress lines for a watching parent process: ``govreports-progress {json}`` on stderr.

A snapshot of the whole batch at most every ``GOVREPORTS_PROGRESS_INTERVAL`` seconds — sources done, failed and
walking, responses, reports, errors, the hosts being retried (attempt, reason, when) and the hosts given up — and
one line per source as it finishes, with its status. Off unless ``GOVREPORTS_PROGRESS`` is set (the CLI sets it);
the parent draws them, the log stays a log.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.spiders.context import SourceContext

PREFIX = "govreports-progress "
ACTIVE_SHOWN = 8
RETRYING_SHOWN = 10


def emit(line: dict[str, Any]) -> None:
    print(PREFIX + json.dumps(line, ensure_ascii=False), file=sys.stderr, flush=True)


class ProgressExtension:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self._loop: Any = None
        crawler.progress = self  # type: ignore[attr-defined]  # the spider reports finished sources
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        if not crawler.settings.getbool("GOVREPORTS_PROGRESS"):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("GOVREPORTS_PROGRESS_INTERVAL", 0.5))

    def spider_opened(self, spider: Spider) -> None:
        self._loop = create_looping_call(self.snapshot)
        self._loop.start(self.interval, now=True)

    def snapshot(self, final: bool = False) -> None:
        contexts: dict[str, SourceContext] = getattr(self.crawler.spider, "contexts", {})
        done = [c for c in contexts.values() if c.finished]
        walking = [c for c in contexts.values() if not c.finished and not c.starting]
        health = getattr(self.crawler, "health", None)
        records = health.records if health is not None else {}
        retrying = getattr(self.crawler, "retrying", {})
        unreachable = getattr(self.crawler, "unreachable", {})
        tallies = [c.tally for c in contexts.values()]
        emit({
            "event": "final" if final else "snapshot",
            "sources": len(contexts),
            "done": len(done),
            "failed": sum(1 for r in records.values() if r["status"] == "failed"),
            "degraded": sum(1 for r in records.values() if r["status"] == "degraded"),
            "walking": [
                {"source": c.source.id, "fetched": c.tally.fetched, "reports": len(c.tally.reports),
                 "errors": sum(c.tally.errors.values())}
                for c in sorted(walking, key=lambda c: -c.tally.fetched)[:ACTIVE_SHOWN]
            ],
            "walking_count": len(walking),
            "responses": sum(t.fetched for t in tallies),
            "unchanged": sum(t.unchanged + t.skipped for t in tallies),
            "reports": sum(len(t.reports) for t in tallies),
            "errors": sum(sum(t.errors.values()) for t in tallies),
            "retrying": [entry.as_dict() for entry in list(retrying.values())[:RETRYING_SHOWN]],
            "retrying_count": len(retrying),
            "unreachable": dict(list(unreachable.items())[:RETRYING_SHOWN]),
            "unreachable_count": len(unreachable),
        })

    def source_done(self, context: SourceContext) -> None:
        health = getattr(self.crawler, "health", None)
        record = health.records.get(context.source.id, {}) if health is not None else {}
        emit({"event": "source", "source": context.source.id, "status": record.get("status", "?"),
              "reasons": record.get("reasons", [])[:2], "fetched": context.tally.fetched,
              "reports": len(context.tally.reports), "new": record.get("new_reports", 0)})

    def spider_closed(self, spider: Spider) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.snapshot(final=True)
