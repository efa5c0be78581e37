"""Per-source health as data, from the crawl's stats at close: a dead portal is a failure, not a quiet empty run.

Scrapy finishes with ``finish_reason: finished`` and exit code 0 even when every request failed, so the verdict is
taken from the stats: no successful response at all → ``failed``; some errors → ``degraded``; else ``ok``.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from pipelines.faults import fault_message

ERROR_PREFIX = "govreports/errors/"
logger = logging.getLogger(__name__)


def summarise(stats: dict[str, Any], source_id: str, reports: dict[str, bool], run_id: str) -> dict[str, Any]:
    """The health record of one source's crawl."""
    errors = {key.removeprefix(ERROR_PREFIX): value for key, value in stats.items() if key.startswith(ERROR_PREFIX)}
    unchanged = stats.get("govreports/unchanged", 0)
    fetched = stats.get("govreports/fetched", 0)
    ok = stats.get("govreports/ok", 0)
    finish_reason = stats.get("finish_reason", "unknown")
    if ok + unchanged == 0 or finish_reason not in ("finished",):
        status = "failed"
    elif errors:
        status = "degraded"
    else:
        status = "ok"
    started, finished = stats.get("start_time"), stats.get("finish_time")
    return {
        "run_id": run_id,
        "source_id": source_id,
        "status": status,
        "finish_reason": finish_reason,
        "pages_fetched": fetched,
        "responses": stats.get("response_received_count", 0),
        "responses_ok": ok,
        "unchanged": unchanged,
        "not_modified": stats.get("govreports/not_modified", 0),
        "reports_found": len(reports),
        "new_reports": sum(1 for new in reports.values() if new),
        "new_blobs": stats.get("govreports/new_blobs", 0),
        "errors": dict(sorted(errors.items())),
        "error_count": sum(errors.values()),
        "retries": stats.get("retry/count", 0),
        "offsite_filtered": stats.get("offsite/filtered", 0),
        "robots_forbidden": stats.get("robotstxt/forbidden", 0),
        "started_at": started.isoformat() if isinstance(started, datetime) else None,
        "finished_at": finished.isoformat() if isinstance(finished, datetime) else datetime.now(UTC).isoformat(),
        "elapsed_seconds": round(stats.get("elapsed_time_seconds", 0.0), 3),
    }


def health_dir(archive_dir: Path | str) -> Path:
    return Path(archive_dir) / "health"


def write_json(path: Path, data: Any) -> Path:
    """Atomic JSON write (temp file + fsync + replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    return path


class HealthExtension:
    """Writes ``{archive}/health/<run_id>/<source_id>.json`` when the spider closes; run.py joins them per run."""

    def __init__(self, crawler: Crawler, archive_dir: Path, run_id: str) -> None:
        self.crawler = crawler
        self.archive_dir = archive_dir
        self.run_id = run_id
        self.record: dict[str, Any] | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthExtension:
        archive_dir = crawler.settings.get("GOVREPORTS_ARCHIVE_DIR")
        run_id = crawler.settings.get("GOVREPORTS_RUN_ID")
        if not archive_dir or not run_id:
            raise NotConfigured
        extension = cls(crawler, Path(archive_dir), run_id)
        crawler.health = extension  # type: ignore[attr-defined]  # read by run.py
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = dict(self.crawler.stats.get_stats())
        stats.setdefault("finish_reason", reason)
        archive = getattr(self.crawler, "archive", None)
        reports = archive.reports if archive is not None else {}
        self.record = summarise(stats, spider.source.id, reports, self.run_id)
        try:
            write_json(health_dir(self.archive_dir) / self.run_id / f"{spider.source.id}.json", self.record)
        except OSError as error:  # a full or read-only disk: the run's summary still reports it (run.py)
            logger.error("health of %s not written: %s", spider.source.id, fault_message(error) or error)
