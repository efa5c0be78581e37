"""The crawl as its own process: ``python -m crawler.run --sources DIR --source ID … --data DIR``.

Scrapy's reactor cannot restart inside one process, so every caller (the CLI, Dagster) starts this module as a
child. Launched by Dagster (``DAGSTER_PIPES_CONTEXT`` set) it reports through dagster-pipes: a materialization
with pages / reports_found / new_reports / errors and a ``crawl_healthy`` check. Any caller gets the run summary
as JSON on the last stdout line, and the health record under ``{archive}/health/<run_id>.json``.
Exit status: 0 when every source crawled, 1 when any source failed, 2 for bad arguments or sources, 3 when the
archive cannot be written (a one-line message says why), 143 when stopped by a signal (cleanly, summary printed).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.guard import LOOPBACK_HOSTS, PROXY_HOSTS, literal
from crawler.health import health_dir, write_json
from crawler.settings import scrapy_settings
from crawler.sources import Source, SourceError, load_sources
from pipelines.archive.recovery import recover
from pipelines.children import KILLED, TERMINATED, tie_to_parent
from pipelines.faults import fault_message
from pipelines.locks import LockTimeout, archive_writer
from pipelines.settings import Settings

PIPES_ENV = "DAGSTER_PIPES_CONTEXT"


def new_run_id() -> str:
    """Sortable and unique: UTC time plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def crawl(sources: list[Source], archive_dir: Path, run_id: str, **overrides: Any) -> dict[str, Any]:
    """Crawl ``sources`` in this process (once per process); return the run summary.

    The archive is written beside other crawls and ingests; what killed runs left is cleaned up first when no
    other writer is active (pipelines.locks.archive_writer)."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    with archive_writer(archive_dir, lambda: recover(archive_dir)) as recovery:
        deferred = {"temporaries_removed": 0, "warcs_recovered": 0, "deferred": "other archive writers active"}
        return _crawl(sources, archive_dir, run_id, recovery or deferred, **overrides)


def _crawl(sources: list[Source], archive_dir: Path, run_id: str, recovery: dict[str, Any],
           **overrides: Any) -> dict[str, Any]:
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.generic import GenericSpider

    local = all(source.local for source in sources)
    overrides.setdefault(LOOPBACK_HOSTS, sorted({  # names of local sources' start URLs may resolve to loopback
        host for source in sources if source.local for url in source.start_urls
        if (host := urlsplit(url).hostname) and literal(host) is None
    }))  # fmt: skip
    overrides.setdefault(PROXY_HOSTS, sorted({source.access.proxy for source in sources if source.access.proxy}))
    settings = scrapy_settings(archive_dir, run_id, local=local, **overrides)
    settings["LOG_INSTALL_ROOT_HANDLER"] = True
    process = CrawlerProcess(settings)
    crawlers = []
    for source in sources:
        crawler = process.create_crawler(GenericSpider)
        crawlers.append((source, crawler))
        process.crawl(crawler, source=source)
    process.start()
    records = []
    for source, crawler in crawlers:
        health = getattr(crawler, "health", None)
        record = health.record if health is not None and health.record else {
            "run_id": run_id, "source_id": source.id, "status": "failed", "finish_reason": "not_started",
            "pages_fetched": 0, "reports_found": 0, "new_reports": 0, "errors": {"not_started": 1}, "error_count": 1,
        }
        records.append(record)
    failures = [crawler.archive.write_failure for _, crawler in crawlers
                if getattr(getattr(crawler, "archive", None), "write_failure", None)]
    summary = {
        "run_id": run_id,
        "archive_dir": str(archive_dir),
        "status": "failed" if any(r["status"] == "failed" for r in records) else
        ("degraded" if any(r["status"] == "degraded" for r in records) else "ok"),
        "recovery": recovery,
        "sources": records,
        "pages_fetched": sum(r["pages_fetched"] for r in records),
        "reports_found": sum(r["reports_found"] for r in records),
        "new_reports": sum(r["new_reports"] for r in records),
        "errors": sum(r["error_count"] for r in records),
        "archive_write_failure": failures[0] if failures else None,
    }
    try:
        write_json(health_dir(archive_dir) / f"{run_id}.json", summary)
    except OSError as error:
        summary["archive_write_failure"] = summary["archive_write_failure"] or fault_message(error) or str(error)
    return summary


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m crawler.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=None, help="directory of source YAML files")
    parser.add_argument("--source", action="append", default=[], help="source id (repeatable); default all")
    parser.add_argument("--data", default=None, help="data directory (default GOVREPORTS_DATA or ./data)")
    parser.add_argument("--run-id", default=None, help="run identifier (default: time + random)")
    parser.add_argument("--no-warc", action="store_true", help="skip the WARC (benchmarks only)")
    parser.add_argument("--no-archive", action="store_true", help="archive nothing at all (benchmarks only)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a Scrapy setting (repeatable), e.g. GOVREPORTS_MANIFEST_BATCH=1")
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    tie_to_parent()  # started by `govreports crawl` or Dagster: stop when the parent dies
    args = _arguments(argv)
    try:
        if PIPES_ENV in os.environ:
            return _main_pipes(args)
        return _run(args)[0]
    except (OSError, LockTimeout) as error:  # the machine, not the portals: one line, not a traceback
        print(f"crawler.run: {fault_message(error)}", file=sys.stderr)
        return KILLED


def _run(args: argparse.Namespace) -> tuple[int, dict[str, Any] | None]:
    try:
        sources = load_sources(args.sources, args.source)
    except SourceError as error:
        print(f"crawler.run: {error}", file=sys.stderr)
        return 2, None
    if not sources:
        print(f"crawler.run: no sources in {args.sources}", file=sys.stderr)
        return 2, None
    archive_dir = Settings.resolve(args.data).archive_dir
    overrides: dict[str, Any] = {"LOG_LEVEL": args.log_level, "GOVREPORTS_SOURCES_DIR": str(args.sources or "")}
    if args.no_warc:
        overrides["GOVREPORTS_WARC"] = False
    if args.no_archive:
        overrides["GOVREPORTS_WARC"] = False
        overrides["GOVREPORTS_ARCHIVE"] = False
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            print(f"crawler.run: --set needs NAME=VALUE, got {item!r}", file=sys.stderr)
            return 2, None
        overrides[name] = value
    logging.getLogger("scrapy").setLevel(args.log_level)
    summary = crawl(sources, archive_dir, args.run_id or new_run_id(), **overrides)
    sys.stdout.flush()
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    if summary["archive_write_failure"]:  # the machine, not the portals: one line, and the crawl stopped
        print(f"crawler.run: the archive cannot be written: {summary['archive_write_failure']}", file=sys.stderr)
        return KILLED, summary
    if any(record.get("finish_reason") == "shutdown" for record in summary["sources"]):
        return TERMINATED, summary  # stopped by a signal (cleanly): not a verdict on the portals
    return (1 if summary["status"] == "failed" else 0), summary


def _main_pipes(args: argparse.Namespace) -> int:
    """Under Dagster: extras may name ``sources_dir``, ``source_ids`` and ``data``; the partition key, when there
    is one and no source was named, is the source id."""
    from dagster_pipes import open_dagster_pipes

    with open_dagster_pipes() as pipes:
        extras = pipes.extras or {}
        if extras.get("sources_dir"):
            args.sources = Path(extras["sources_dir"])
        if extras.get("source_ids"):
            args.source = list(extras["source_ids"])
        if extras.get("data"):
            args.data = extras["data"]
        if not args.source and pipes.is_partition_step:
            args.source = [pipes.partition_key]
        code, summary = _run(args)
        if summary is None:
            pipes.report_asset_check(check_name="crawl_healthy", passed=False, severity="ERROR",
                                     metadata={"error": "bad arguments or sources"})
            return code
        errors: dict[str, int] = {}
        for record in summary["sources"]:
            for kind, count in record["errors"].items():
                errors[kind] = errors.get(kind, 0) + count
        pipes.report_asset_materialization(
            metadata={
                "run_id": summary["run_id"],
                "pages": summary["pages_fetched"],
                "reports_found": summary["reports_found"],
                "new_reports": summary["new_reports"],
                "errors": summary["errors"],
                "errors_by_kind": {"raw_value": errors, "type": "json"},
                "status": summary["status"],
            }
        )
        pipes.report_asset_check(
            check_name="crawl_healthy",
            passed=summary["status"] != "failed",
            severity="ERROR",
            metadata={
                "failed_sources": [r["source_id"] for r in summary["sources"] if r["status"] == "failed"],
                "status": summary["status"],
            },
        )
        pipes.log.info(f"crawl {summary['run_id']}: {summary['status']}")
    return code


if __name__ == "__main__":
    sys.exit(main())
