"""Discovery as its own process (Scrapy's reactor runs once per process): ``python -m crawler.discovery URL…
--out DIR [--depth N] [--local]``. Prints the summary as JSON on the last stdout line. Exit status: 0 when a
column was found, 1 when none was, 2 for bad arguments."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.settings import scrapy_settings

COMPONENTS_OFF = ("crawler.archiving.ArchiveExtension", "crawler.health.HealthExtension",
                  "crawler.progress.ProgressExtension")


def discovery_settings(local: bool, **overrides: Any) -> dict[str, Any]:
    """The crawl's settings (politeness, challenges, cookies, the address guard) without its archive: discovery
    only reads pages."""
    settings = scrapy_settings(Path(tempfile.gettempdir()), "discover", local=local)
    settings["EXTENSIONS"] = {name: None for name in COMPONENTS_OFF}
    settings["DOWNLOADER_MIDDLEWARES"] = {**settings["DOWNLOADER_MIDDLEWARES"],
                                          "crawler.incremental.IncrementalMiddleware": None}
    settings.pop("GOVREPORTS_ARCHIVE_DIR", None)
    settings["LOG_INSTALL_ROOT_HANDLER"] = True
    settings.update(overrides)
    return settings


def discover(start_urls: list[str], out: Path, depth: int = 3, local: bool = False,
             **overrides: Any) -> dict[str, Any]:
    """Run discovery in this process (once per process); write the proposals; return the summary."""
    from scrapy.crawler import CrawlerProcess

    from crawler.discovery.proposals import write_proposals
    from crawler.discovery.spider import DiscoverySpider

    process = CrawlerProcess(discovery_settings(local, **overrides))
    crawler = process.create_crawler(DiscoverySpider)
    process.crawl(crawler, start_urls=start_urls, depth=depth, local=local)
    process.start()
    spider: DiscoverySpider = crawler.spider  # type: ignore[assignment]
    written = write_proposals(spider.proposals, out, local)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    columns = [p for p in spider.proposals if p.detection is not None]
    return {
        "out": str(out),
        "portals": len(spider.visits),
        "columns": len(columns),
        "families": sorted({str(p.detection.family) for p in columns if p.detection}),
        "without_column": sorted(p.visit.organ for p in spider.proposals if p.detection is None),
        "files": [str(path) for path in written],
        "requests": stats.get("downloader/request_count", 0),
        "failures": spider.failures,
    }


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m crawler.discovery", description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+", help="portal home pages (or a page listing portals) to start from")
    parser.add_argument("--out", type=Path, required=True, help="directory to write the proposed source files into")
    parser.add_argument("--depth", type=int, default=3, help="levels of governments below to walk (default 3)")
    parser.add_argument("--local", action="store_true", help="portals on this machine (replicas): loopback allowed")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override a Scrapy setting")
    parser.add_argument("--log-level", default="WARNING")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    bad = [url for url in args.urls if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc]
    if bad:
        print(f"crawler.discovery: not an http(s) URL: {', '.join(bad)}", file=sys.stderr)
        return 2
    if args.depth < 0:
        print("crawler.discovery: --depth must be 0 or more", file=sys.stderr)
        return 2
    overrides: dict[str, Any] = {"LOG_LEVEL": args.log_level}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            print(f"crawler.discovery: --set needs NAME=VALUE, got {item!r}", file=sys.stderr)
            return 2
        overrides[name] = value
    logging.getLogger("scrapy").setLevel(args.log_level)
    summary = discover(args.urls, args.out, args.depth, args.local, **overrides)
    sys.stdout.flush()
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    return 0 if summary["columns"] else 1
