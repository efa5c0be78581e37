"""The crawl for people: start ``crawler.run`` as a child process, draw its progress, end with a summary table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import deque
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

from crawler.progress import PREFIX
from pipelines.children import TiedChild, exit_status, signal_name
from pipelines.settings import Settings


def _progress_table(rows: dict[str, dict[str, Any]]) -> Table:
    table = Table(title="crawling", show_edge=False)
    for column in ("source", "responses", "unchanged", "reports", "errors", ""):
        table.add_column(column, justify="left" if column in ("source", "") else "right")
    for source, row in sorted(rows.items()):
        table.add_row(source, str(row["fetched"]), str(row["unchanged"]), str(row["reports"]), str(row["errors"]),
                      "done" if row["done"] else "…")
    return table


def summary_table(summary: dict[str, Any]) -> Table:
    """One row per source: status, pages, reports found / new, errors by kind, finish reason."""
    table = Table(title=f"crawl {summary['run_id']}: {summary['status']}")
    for column in ("source", "status", "pages", "unchanged", "reports", "new", "errors", "finish"):
        table.add_column(column, justify="right" if column in ("pages", "unchanged", "reports", "new") else "left",
                         no_wrap=column == "source")
    colours = {"ok": "green", "degraded": "yellow", "failed": "red"}
    for record in summary["sources"]:
        errors = ", ".join(f"{kind} {count}" for kind, count in record["errors"].items()) or "-"
        table.add_row(
            record["source_id"], f"[{colours.get(record['status'], 'white')}]{record['status']}[/]",
            str(record["pages_fetched"]), str(record.get("unchanged", 0)), str(record["reports_found"]),
            str(record["new_reports"]), errors, record["finish_reason"],
        )
    return table


def crawl(settings: Settings, sources: Path | None, ids: tuple[str, ...], console: Console | None = None) -> int:
    """Run the crawl in a child process tied to this one; return the exit status: 0 ok, 1 a source failed, 2 bad
    input, 3 the crawl process failed (killed, or the archive could not be written), 130/143 stopped by Ctrl-C or
    SIGTERM (cleanly: what was fetched is archived)."""
    console = console or Console(stderr=True)
    command = [sys.executable, "-m", "crawler.run", "--data", settings.data, "--log-level", "WARNING"]
    if sources:
        command += ["--sources", str(sources)]
    for source_id in ids:
        command += ["--source", source_id]
    env = {**os.environ, "GOVREPORTS_PROGRESS": "1"}
    env.pop("DAGSTER_PIPES_CONTEXT", None)
    rows: dict[str, dict[str, Any]] = {}
    log: deque[str] = deque(maxlen=40)
    tied = TiedChild(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    with tied as child:  # the crawl stops with this process, never goes on crawling without it
        assert child.stderr is not None and child.stdout is not None
        with Live(_progress_table(rows), console=console, transient=True, refresh_per_second=4) as live:
            for line in child.stderr:
                if line.startswith(PREFIX):
                    row = json.loads(line.removeprefix(PREFIX))
                    rows[row["source"]] = row
                    live.update(_progress_table(rows))
                elif line.strip():
                    log.append(line.rstrip())
        output = child.stdout.read()
        returncode = child.wait()
    code = exit_status(returncode, tied.asked_to_stop)
    last = output.strip().splitlines()[-1] if output.strip() else ""
    try:
        summary = json.loads(last)
    except ValueError:
        summary = None
    if summary is None:
        said = [line for line in log if line.startswith("crawler.run: ")]
        if returncode < 0 and tied.asked_to_stop is None:
            console.print(f"govreports crawl: the crawl process was killed ({signal_name(-returncode)}); what it "
                          "fetched is archived — run the crawl again to complete it", markup=False)
        elif said:  # the child's own one-line message (bad sources, an unwritable archive)
            console.print("govreports crawl: " + said[-1].removeprefix("crawler.run: "), markup=False,
                          soft_wrap=True)
        else:
            for line in log:
                console.print(line, markup=False, highlight=False, soft_wrap=True)
        return code or 2
    Console().print(summary_table(summary))
    console.print(f"health: {Path(summary['archive_dir']) / 'health' / (summary['run_id'] + '.json')}")
    if summary.get("archive_write_failure"):
        console.print(f"govreports crawl: the archive cannot be written: {summary['archive_write_failure']}",
                      markup=False, soft_wrap=True)
    if tied.asked_to_stop is not None:
        console.print(f"govreports crawl: stopped on {signal_name(tied.asked_to_stop)}; what was fetched is "
                      "archived — run the crawl again to go on", markup=False)
    return code
