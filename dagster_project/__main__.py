"""``python -m dagster_project nightly|ui``: the entry the CLI runs as a command (nothing imports dagster_project).

Both point Dagster at the data directory first: ``GOVREPORTS_DATA`` for the resources, ``DAGSTER_HOME`` with the
embedded dagster.yaml for the instance, ``GOVREPORTS_SOURCES`` when a registry other than ``sources/`` is crawled.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

from dagster_project.defs.resources import SOURCES_ENV
from dagster_project.instance import prepare_dagster_home
from pipelines.settings import DATA_ENV, Settings

CODE_LOCATION = "dagster_project.definitions"


def _environment(data: str | None, sources: str | None) -> None:
    settings = Settings.resolve(data)
    os.environ[DATA_ENV] = settings.data
    if sources:
        os.environ[SOURCES_ENV] = str(Path(sources).resolve())
    os.environ["DAGSTER_HOME"] = str(prepare_dagster_home(settings))


def nightly(args: argparse.Namespace) -> int:
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.nightly import run_nightly

    with dg.DagsterInstance.get() as instance:
        summary = run_nightly(instance, defs, datetime.now(UTC), parse=not args.crawl_only)
    if args.summary:
        args.summary.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    if summary["failed_sources"]:
        print(f"failed sources: {', '.join(summary['failed_sources'])}", file=sys.stderr, flush=True)
    healthy = summary["registry_run_succeeded"] and not summary["failed_sources"]
    return 0 if healthy and all(run["succeeded"] for run in summary["parse_runs"]) else 1


def ui(args: argparse.Namespace) -> int:
    """``dagster dev`` (webserver and daemon: schedules and sensors live) or the webserver alone."""
    bin_dir = Path(sys.executable).parent
    if args.webserver_only:
        tool = shutil.which("dagster-webserver", path=str(bin_dir)) or "dagster-webserver"
        command = [tool, "-m", CODE_LOCATION, "-h", args.host, "-p", str(args.port)]
    else:
        tool = shutil.which("dagster", path=str(bin_dir)) or "dagster"
        command = [tool, "dev", "-m", CODE_LOCATION, "-h", args.host, "-p", str(args.port)]
    os.execv(tool, command)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dagster_project", description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data directory (default GOVREPORTS_DATA or ./data)")
    parser.add_argument("--sources", help="source registry directory (default GOVREPORTS_SOURCES or sources/)")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("nightly", help="run tonight's job now, in process")
    run.add_argument("--summary", type=Path, help="write the figures as JSON to this file")
    run.add_argument("--crawl-only", action="store_true", help="sync the registry and crawl; no parse run")
    run.set_defaults(handler=nightly)
    web = commands.add_parser("ui", help="open the Dagster UI on the data directory")
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=3000)
    web.add_argument("--webserver-only", action="store_true", help="no daemon: schedules and sensors stay idle")
    web.set_defaults(handler=ui)
    args = parser.parse_args(argv)
    _environment(args.data, args.sources)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
