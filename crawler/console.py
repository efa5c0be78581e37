"""The crawl for people: start ``crawler.run`` as a child process, draw its progress, end with a summary table.

The live view holds for a batch of any size: one line of totals, the sources walking now (the busiest), the hosts
being retried (which attempt, why, when the next one goes out) and the hosts given up, then the sources as they
finish. The summary lists every source that failed or degraded with the reason, and the healthy ones in one line
when there are many.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import deque
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from crawler.progress import PREFIX
from pipelines.children import TiedChild, exit_status, signal_name
from pipelines.settings import Settings

COLOURS = {"ok": "green", "degraded": "yellow", "failed": "red"}
LISTED_OK = 40
"""Up to this many healthy sources get a row of their own in the summary; beyond, they are counted."""


def progress_view(snapshot: dict[str, Any], finished: deque[dict[str, Any]]) -> Group:
    """What the terminal shows while the crawl runs."""
    parts: list[Any] = []
    if snapshot:
        parts.append(Text(
            f"sources {snapshot['done']}/{snapshot['sources']} done ({snapshot['failed']} failed, "
            f"{snapshot['degraded']} degraded), {snapshot['walking_count']} walking · responses "
            f"{snapshot['responses']} · held already {snapshot['unchanged']} · reports {snapshot['reports']} · "
            f"errors {snapshot['errors']}"
        ))
        if snapshot["walking"]:
            walking = Table(title="walking", show_edge=False, title_justify="left")
            for column in ("source", "responses", "reports", "errors"):
                walking.add_column(column, justify="left" if column == "source" else "right")
            for row in snapshot["walking"]:
                walking.add_row(row["source"], str(row["fetched"]), str(row["reports"]), str(row["errors"]))
            parts.append(walking)
        for entry in snapshot["retrying"]:
            parts.append(Text(
                f"retrying {entry['host']} ({entry['source']}): attempt {entry['attempt']} of {entry['of']} after "
                f"{entry['reason']}, next in {entry['in_seconds']:.0f} s", style="yellow"))
        if snapshot["retrying_count"] > len(snapshot["retrying"]):
            parts.append(Text(f"… {snapshot['retrying_count'] - len(snapshot['retrying'])} more hosts retrying",
                              style="yellow"))
        for host, reason in snapshot["unreachable"].items():
            parts.append(Text(f"gave up {host}: {reason}", style="red"))
    for row in finished:
        colour = COLOURS.get(row["status"], "white")
        reason = f" — {'; '.join(row['reasons'])}" if row["reasons"] else ""
        parts.append(Text(f"{row['source']}: {row['status']}, {row['reports']} reports ({row['new']} new){reason}",
                          style=colour))
    return Group(*parts)


def summary_table(summary: dict[str, Any]) -> Table:
    """One row per source that failed or degraded (with why), and per healthy source while there are few."""
    table = Table(title=f"crawl {summary['run_id']}: {summary['status']}")
    for column in ("source", "status", "pages", "unchanged", "reports", "new", "errors", "why"):
        table.add_column(column, justify="right" if column in ("pages", "unchanged", "reports", "new") else "left",
                         no_wrap=column == "source")
    records = summary["sources"]
    healthy = [r for r in records if r["status"] == "ok"]
    shown = [r for r in records if r["status"] != "ok"] + (healthy if len(healthy) <= LISTED_OK else [])
    for record in shown:
        errors = ", ".join(f"{kind} {count}" for kind, count in record["errors"].items()) or "-"
        table.add_row(
            record["source_id"], f"[{COLOURS.get(record['status'], 'white')}]{record['status']}[/]",
            str(record["pages_fetched"]), str(record.get("unchanged", 0) + record.get("skipped", 0)),
            str(record["reports_found"]), str(record["new_reports"]), errors, "; ".join(record.get("reasons", [])),
        )
    if len(healthy) > LISTED_OK:
        table.add_row(f"{len(healthy)} more", "[green]ok[/]", str(sum(r["pages_fetched"] for r in healthy)),
                      str(sum(r.get("unchanged", 0) + r.get("skipped", 0) for r in healthy)),
                      str(sum(r["reports_found"] for r in healthy)), str(sum(r["new_reports"] for r in healthy)),
                      "-", "")
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
    snapshot: dict[str, Any] = {}
    finished: deque[dict[str, Any]] = deque(maxlen=8)
    log: deque[str] = deque(maxlen=40)
    tied = TiedChild(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    with tied as child:  # the crawl stops with this process, never goes on crawling without it
        assert child.stderr is not None and child.stdout is not None
        with Live(progress_view(snapshot, finished), console=console, transient=True, refresh_per_second=4) as live:
            for line in child.stderr:
                if line.startswith(PREFIX):
                    event = json.loads(line.removeprefix(PREFIX))
                    if event.get("event") == "source":
                        finished.append(event)
                    else:
                        snapshot = event
                    live.update(progress_view(snapshot, finished))
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
    failed = summary.get("failed_sources", [])
    if failed:
        console.print(f"[red]failed: {', '.join(failed)}[/]")
    if summary.get("health_file"):
        console.print(f"health: {summary['health_file']}")
    if summary.get("archive_write_failure"):
        console.print(f"govreports crawl: the archive cannot be written: {summary['archive_write_failure']}",
                      markup=False, soft_wrap=True)
    if tied.asked_to_stop is not None:
        console.print(f"govreports crawl: stopped on {signal_name(tied.asked_to_stop)}; what was fetched is "
                      "archived — run the crawl again to go on", markup=False)
    return code
