"""Per-source health as data, judged when a source is finished: a dead portal is a failure, a column that answers
but lists no report — or fewer report years than it used to — is degraded, and the record says why.

Scrapy finishes with ``finish_reason: finished`` and exit code 0 even when every request failed, so the verdict is
taken from the source's own tally:

* ``failed`` — it could not start (unreadable state), its walk crashed (an exception in its family module), the
  crawl ended before it was walked, or not one response succeeded;
* ``degraded`` — it answered, but lists no report, or fewer report years than the column listed before
  (``expected_years`` in its crawl state), or list pages failed or the time budget ran out (the column was not
  walked to its end);
* ``ok`` — otherwise; documents that failed (a dead link, a withdrawn page) are counted and named in the record
  but do not degrade the column: the walk was complete and the portal's own link is broken.

``reasons`` names each finding in words, ``failing_urls`` the first URLs that failed and how. The run's records
are written together, ``{archive}/health/<day>/<run_id>.json`` (one file per crawl process, not one per source).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.spiders.context import SourceContext
from pipelines.archive.location import Location

FOLDER = "health"
ACCEPT_FEWER_YEARS_AFTER = 7
"""Nights in a row a column may list fewer years before that becomes what it is expected to list (a portal that
really withdrew its old reports stops being flagged after a week of saying so)."""


def _years(years: Any) -> str:
    ordered = sorted(int(year) for year in years)
    return ", ".join(str(year) for year in ordered) if ordered else "none"


def judge(context: SourceContext, run_id: str, accept_after: int = ACCEPT_FEWER_YEARS_AFTER) -> dict[str, Any]:
    """The health record of one finished source; updates what its state expects of the next night."""
    tally = context.tally
    meta = context.state.meta if context.state is not None else {}
    expected = sorted(int(year) for year in meta.get("expected_years", []))
    previous = meta.get("last_status")
    listed = sorted(tally.years)
    reasons: list[str] = []
    answered = tally.ok + tally.unchanged + tally.skipped
    if context.failure:
        status, reasons = "failed", [context.failure]
    elif tally.crashes:
        status, reasons = "failed", [f"crashed: {crash}" for crash in tally.crashes[:3]]
    elif context.finish_reason not in ("finished", "deadline"):
        status, reasons = "failed", [f"the crawl ended before this column was walked ({context.finish_reason})"]
    elif answered == 0:
        kinds = ", ".join(f"{kind} ×{count}" for kind, count in tally.errors.most_common(3)) or "no response"
        status, reasons = "failed", [f"no successful response ({kinds})"]
    else:
        if context.finish_reason == "deadline":
            reasons.append("time budget used up: the column was not walked to its end")
        if not tally.reports:
            reasons.append("the column answers but lists no report")
        elif expected and len(listed) < len(expected):
            missing = sorted(set(expected) - set(listed))
            reasons.append(f"lists {len(listed)} report years ({_years(listed)}), used to list {len(expected)} "
                           f"({_years(expected)}); missing {_years(missing)}")
        if tally.list_errors:
            kinds = ", ".join(f"{kind} ×{count}" for kind, count in sorted(tally.list_errors.items()))
            reasons.append(f"list pages failed ({kinds}): the column was not walked to its end")
        status = "degraded" if reasons else "ok"
    if context.state is not None and status != "failed":
        short = int(meta.get("fewer_years_nights", 0))
        if expected and len(listed) < len(expected) and short + 1 < accept_after:
            meta["fewer_years_nights"] = short + 1
        else:
            meta["fewer_years_nights"] = 0
            if listed:
                meta["expected_years"] = listed
    if context.state is not None:
        meta.update(last_status=status, last_reasons=reasons, last_run_id=run_id,
                    last_finished_at=(tally.finished_at or datetime.now(UTC)).isoformat())
    started, finished = tally.started_at, tally.finished_at or datetime.now(UTC)
    return {
        "run_id": run_id,
        "source_id": context.source.id,
        "status": status,
        "previous_status": previous,
        "reasons": reasons,
        "finish_reason": context.finish_reason,
        "pages_fetched": tally.fetched,
        "responses": tally.responses,
        "responses_ok": tally.ok,
        "unchanged": tally.unchanged,
        "not_modified": tally.not_modified,
        "skipped": tally.skipped,
        "reports_found": len(tally.reports),
        "new_reports": sum(1 for new in tally.reports.values() if new),
        "report_years": listed,
        "expected_years": expected,
        "new_blobs": tally.new_blobs,
        "errors": dict(sorted(tally.errors.items())),
        "error_count": sum(tally.errors.values()),
        "failing_urls": list(tally.failing),
        "retries": tally.retries,
        "offsite_filtered": tally.offsite_filtered,
        "robots_forbidden": tally.robots_forbidden,
        "started_at": started.isoformat() if started else None,
        "finished_at": finished.isoformat(),
        "elapsed_seconds": round((finished - started).total_seconds(), 3) if started else 0.0,
    }


def not_crawled(source_id: str, run_id: str, reason: str) -> dict[str, Any]:
    """The record of a source the crawl never reached."""
    return {
        "run_id": run_id, "source_id": source_id, "status": "failed", "previous_status": None, "reasons": [reason],
        "finish_reason": "not_started", "pages_fetched": 0, "responses": 0, "responses_ok": 0, "unchanged": 0,
        "not_modified": 0, "skipped": 0, "reports_found": 0, "new_reports": 0, "report_years": [],
        "expected_years": [], "new_blobs": 0, "errors": {"not_started": 1}, "error_count": 1, "failing_urls": [],
        "retries": 0, "offsite_filtered": 0, "robots_forbidden": 0, "started_at": None,
        "finished_at": datetime.now(UTC).isoformat(), "elapsed_seconds": 0.0,
    }


def night_overview(archive: str | Location, since: datetime) -> dict[str, Any]:
    """Every source crawled since ``since`` by its latest record: which failed and which degraded, and why."""
    latest: dict[str, dict[str, Any]] = {}
    for summary in recent_summaries(archive, since):
        for record in summary.get("sources", []):
            held = latest.get(record["source_id"])
            if held is None or (record.get("finished_at") or "") >= (held.get("finished_at") or ""):
                latest[record["source_id"]] = record
    flagged = {status: {r["source_id"]: {"reasons": r.get("reasons", []), "failing_urls": r.get("failing_urls", [])[:5]}
                        for r in latest.values() if r["status"] == status} for status in ("failed", "degraded")}
    return {"sources": len(latest), "failed": dict(sorted(flagged["failed"].items())),
            "degraded": dict(sorted(flagged["degraded"].items()))}


def summary_name(run_id: str, when: datetime | None = None) -> str:
    return f"{FOLDER}/{(when or datetime.now(UTC)):%Y-%m-%d}/{run_id}.json"


def write_summary(archive: str | Location, summary: dict[str, Any]) -> str:
    """Write the run's summary (every source's record); return where."""
    location = archive if isinstance(archive, Location) else Location(archive)
    name = summary_name(summary["run_id"])
    location.write_bytes(name, json.dumps(summary, ensure_ascii=False, indent=1).encode())
    return location.path(name)


def recent_summaries(archive: str | Location, since: datetime) -> list[dict[str, Any]]:
    """The run summaries written since ``since`` (only the day folders from then on are listed)."""
    location = archive if isinstance(archive, Location) else Location(archive)
    day = (since - timedelta(days=1)).strftime("%Y-%m-%d")
    summaries = []
    for folder in location.folders(FOLDER):
        if folder.rsplit("/", 1)[-1] < day:
            continue
        for name in location.list(folder, ".json"):
            try:
                summary = json.loads(location.read_bytes(name))
            except (ValueError, FileNotFoundError):
                continue
            finished = max((r.get("finished_at") or "" for r in summary.get("sources", [])), default="")
            if finished >= since.isoformat():
                summaries.append(summary)
    return summaries


class HealthExtension:
    """Judges each source when the spider finishes it; ``records`` (source id → record) is what run.py reports."""

    def __init__(self, crawler: Crawler, run_id: str) -> None:
        self.crawler = crawler
        self.run_id = run_id
        self.accept_after = crawler.settings.getint("GOVREPORTS_ACCEPT_FEWER_YEARS_AFTER", ACCEPT_FEWER_YEARS_AFTER)
        self.records: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthExtension:
        run_id = crawler.settings.get("GOVREPORTS_RUN_ID")
        if not run_id:
            raise NotConfigured
        extension = cls(crawler, run_id)
        crawler.health = extension  # type: ignore[attr-defined]  # the spider judges sources through it
        return extension

    def judge(self, context: SourceContext) -> dict[str, Any]:
        record = self.records[context.source.id] = judge(context, self.run_id, self.accept_after)
        return record
