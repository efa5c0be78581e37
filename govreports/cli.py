"""The `govreports` command line. It sits on top: it may import every package, and nothing imports it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipelines.document.errors import UnreadableDocument
from pipelines.settings import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    type=str,
    default=None,
    envvar="GOVREPORTS_DATA",
    help="Data directory (archive, warehouse, Dagster storage); default ./data, or GOVREPORTS_DATA.",
)
@click.pass_context
def main(ctx: click.Context, data: str | None) -> None:
    """Archive, parse and query China's open-government-information annual reports."""
    ctx.obj = Settings.resolve(data)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pretty", is_flag=True, help="Indented JSON for people.")
def parse(files: tuple[Path, ...], pretty: bool) -> None:
    """Parse report FILES; print one JSON object per document per line."""
    from pipelines.report.parse import parse_file

    failed = 0
    for path in files:
        try:
            report = parse_file(path)
        except UnreadableDocument as error:
            failed += 1
            click.echo(f"govreports parse: {error}", err=True)
            continue
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2 if pretty else None))
    sys.exit(1 if failed else 0)
