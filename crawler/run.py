"""The crawl as its own process: ``python -m crawler.run --sources DIR [--source ID …] --data DIR``.

One process crawls a batch of sources (hundreds to thousands) in one Scrapy engine. Scrapy's reactor cannot
restart inside one process, so every caller (the CLI, Dagster) starts this module as a child. Before crawling it
recovers what a killed run left: half-written blob temporaries, WARC files left open, and the crawl state of the
sources that run had finished (folded from its manifest parts). Any caller gets the run summary as JSON on the last
stdout line and in ``{archive}/health/<day>/<run_id>.json``; launched by Dagster (``DAGSTER_PIPES_CONTEXT`` set) it
also reports every source's health record through dagster-pipes (custom messages), which the Dagster side turns
into a materialization, or a failure, of that source's partition.
Exit status: 0 when every source crawled (ok or degraded), 1 when any source failed, 2 for bad arguments or sources,
3 when the archive cannot be written (a one-line message says why), 143 when stopped by a signal (cleanly, summary
printed). The process stops when its parent dies (pipelines.children), so a killed command never leaves it crawling.
"""

from __future__ import annotations

import argparse
import gc
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
from crawler.health import not_crawled, write_summary
from crawler.settings import scrapy_settings
from crawler.sources import Source, SourceError, load_sources
from pipelines.archive import recovery
from pipelines.archive.location import Location
from pipelines.archive.state import CrawlState
from pipelines.children import KILLED, TERMINATED, tie_to_parent
from pipelines.faults import fault_message
from pipelines.locks import LockTimeout, archive_writer
from pipelines.settings import Settings

PIPES_ENV = "DAGSTER_PIPES_CONTEXT"
SOURCE_MESSAGE = "govreports/source"
"""The dagster-pipes custom message carrying one source's health record."""


def new_run_id() -> str:
    """Sortable and unique: UTC time plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def prepare(archive: str, spool: Path | None = None, *, alone: bool = True) -> dict[str, Any]:
    """Clean up after a killed run: drop half-written blob and manifest temporaries and complete torn WARC files
    (only ``alone``: with the archive to itself, pipelines.locks.archive_writer), and fold the manifest rows of dead
    runs into the crawl state (their leases say which runs are dead)."""
    done: dict[str, Any] = {"temporaries_removed": 0, "warcs_recovered": 0}
    if alone:
        done.update(recovery.recover(archive, spool))
    else:
        done["deferred"] = "other archive writers active"
    done["runs_recovered"] = len(CrawlState(Location(archive)).recover())
    return done


def status_of(records: list[dict[str, Any]]) -> str:
    statuses = {record["status"] for record in records}
    return "failed" if "failed" in statuses else "degraded" if "degraded" in statuses else "ok"


GC_THRESHOLDS = (50_000, 20, 100)
"""A crawl keeps tens of thousands of requests queued for minutes: at Python's default thresholds (700, 10, 10) they
were promoted to the oldest generation and then died there, forcing a full collection every few thousand responses
— 98 full collections, 42 s of a 150 s night (1,000 columns). With what start-up built frozen and these thresholds:
no full collection, 4 s (and 40 MB more peak RSS)."""


def _tune_garbage_collection() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def crawl(
    sources: list[Source], archive: str, run_id: str, spool: Path | None = None, **overrides: Any
) -> dict[str, Any]:
    """Crawl ``sources`` in this process, in one engine (once per process); return the run summary.

    The archive is written beside other crawls and ingests; what killed runs left is cleaned up first when no
    other writer is active (pipelines.locks.archive_writer)."""
    lock_dir = recovery.lock_dir(archive, spool)
    with archive_writer(lock_dir, lambda: prepare(archive, spool)) as prepared:
        return _crawl(sources, archive, run_id, spool, prepared or prepare(archive, spool, alone=False), **overrides)


def _crawl(
    sources: list[Source], archive: str, run_id: str, spool: Path | None, recovered: dict[str, Any], **overrides: Any
) -> dict[str, Any]:
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.generic import GenericSpider

    local = all(source.local for source in sources)
    overrides.setdefault(LOOPBACK_HOSTS, sorted({  # names of local sources' start URLs may resolve to loopback
        host for source in sources if source.local for url in source.start_urls
        if (host := urlsplit(url).hostname) and literal(host) is None
    }))  # fmt: skip
    overrides.setdefault(PROXY_HOSTS, sorted({source.access.proxy for source in sources if source.access.proxy}))
    settings = scrapy_settings(archive, run_id, local=local, spool=spool, **overrides)
    settings["LOG_INSTALL_ROOT_HANDLER"] = True
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(GenericSpider)
    process.crawl(crawler, sources=sources)
    _tune_garbage_collection()
    process.start()
    health = getattr(crawler, "health", None)
    judged = health.records if health is not None else {}
    archive_extension = getattr(crawler, "archive", None)
    failure = getattr(archive_extension, "write_failure", None)
    records = [judged.get(source.id) or not_crawled(source.id, run_id, "the crawl never reached this source")
               for source in sources]
    summary = {
        "run_id": run_id,
        "archive": archive,
        "status": status_of(records),
        "finish_reason": crawler.stats.get_value("finish_reason") if crawler.stats else None,
        "recovery": recovered,
        "sources": records,
        "failed_sources": [record["source_id"] for record in records if record["status"] == "failed"],
        "degraded_sources": [record["source_id"] for record in records if record["status"] == "degraded"],
        "pages_fetched": sum(record["pages_fetched"] for record in records),
        "reports_found": sum(record["reports_found"] for record in records),
        "new_reports": sum(record["new_reports"] for record in records),
        "errors": sum(record["error_count"] for record in records),
        "archive_write_failure": failure,
    }
    try:
        summary["health_file"] = write_summary(archive, summary)
    except OSError as error:  # a full or read-only disk: the summary still goes to stdout, with why
        summary["health_file"] = None
        summary["archive_write_failure"] = failure or fault_message(error) or str(error)
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
    settings = Settings.resolve(args.data)
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
    summary = crawl(sources, settings.archive, args.run_id or new_run_id(), settings.spool_dir, **overrides)
    sys.stdout.flush()
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    if summary["archive_write_failure"]:  # the machine, not the portals: one line, and the crawl stopped
        print(f"crawler.run: the archive cannot be written: {summary['archive_write_failure']}", file=sys.stderr)
        return KILLED, summary
    if summary["finish_reason"] == "shutdown":
        return TERMINATED, summary  # stopped by a signal (cleanly): not a verdict on the portals
    return (1 if summary["status"] == "failed" else 0), summary


def _main_pipes(args: argparse.Namespace) -> int:
    """Under Dagster: extras may name ``sources_dir``, ``source_ids`` and ``data``; each source's record goes back as
    a custom message, the run's summary (without the records) as the last one."""
    from dagster_pipes import open_dagster_pipes

    with open_dagster_pipes() as pipes:
        extras = pipes.extras or {}
        if extras.get("sources_dir"):
            args.sources = Path(extras["sources_dir"])
        if extras.get("source_ids"):
            args.source = list(extras["source_ids"])
        if extras.get("data"):
            args.data = extras["data"]
        code, summary = _run(args)
        if summary is None:
            pipes.report_custom_message({"kind": "error", "error": "bad arguments or sources", "code": code})
            return code
        for record in summary["sources"]:
            pipes.report_custom_message({"kind": SOURCE_MESSAGE, "record": record})
        pipes.report_custom_message({"kind": "summary", **{k: v for k, v in summary.items() if k != "sources"}})
        pipes.log.info(f"crawl {summary['run_id']}: {summary['status']}")
    return code


if __name__ == "__main__":
    sys.exit(main())
