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
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
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


@main.command()
@click.option("--sources", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Directory of source YAML files (default: the shipped sources/).")
@click.option("--source", "ids", multiple=True, help="Crawl only this source id (repeatable).")
@click.pass_obj
def crawl(settings: Settings, sources: Path | None, ids: tuple[str, ...]) -> None:
    """Crawl the portals' report columns into the archive (Scrapy in a child process), then show their health."""
    from crawler.console import crawl as run_crawl

    sys.exit(run_crawl(settings, sources, ids))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--name", default="files", show_default=True, help="Names the source: local:<name>.")
@click.pass_obj
def ingest(settings: Settings, paths: tuple[Path, ...], name: str) -> None:
    """Put local report files (or folders of them) into the archive as a source of their own."""
    from warehouse.ingest import IngestError, ingest

    try:
        result = ingest(settings, paths, name)
    except IngestError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"ingested {result.files} file(s) as local:{name} ({result.new_blobs} new) in run {result.run_id}")


@main.command()
@click.option("--rebuild", is_flag=True, help="Re-parse every document, not only those new to this parser version.")
@click.pass_obj
def build(settings: Settings, rebuild: bool) -> None:
    """Parse every archived document not yet parsed by this parser version; refresh the warehouse and catalog."""
    from rich.progress import Progress

    from warehouse.build import build as build_warehouse

    with Progress(transient=True) as bar:
        task = bar.add_task("parsing", total=None)

        def progress(done: int, total: int, source: str) -> None:
            bar.update(task, completed=done, total=total, description=source[-50:])

        result = build_warehouse(settings, progress, rebuild=rebuild)
    click.echo(
        f"{result.documents} document(s) archived, {result.parsed} parsed now ({result.new} new), "
        f"{result.skipped} already parsed; status {result.statuses}; findings {result.findings}"
    )


@main.command()
@click.argument("query")
@click.option("--param", "params", multiple=True, help="A value bound to the next ? in QUERY (repeatable).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV on stdout.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per row on stdout.")
@click.pass_obj
def sql(settings: Settings, query: str, params: tuple[str, ...], as_csv: bool, as_json: bool) -> None:
    """Run QUERY against the warehouse catalog (tables and views: see warehouse/sql/views.sql)."""
    import duckdb

    from warehouse import catalog
    from warehouse.export import query as run_query

    try:
        with catalog.connect(settings) as connection:
            table = run_query(connection, query, list(params))
    except duckdb.Error as error:
        raise click.ClickException(f"query failed: {error}") from error
    if as_csv:
        import pyarrow.csv as pacsv

        from warehouse.export import _plain

        sink = sys.stdout.buffer
        pacsv.write_csv(_plain(table), sink)
    elif as_json:
        for row in table.to_pylist():
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
    else:
        from rich.console import Console
        from rich.table import Table

        view = Table(*table.column_names)
        for row in table.to_pylist():
            view.add_row(*("" if v is None else str(v) for v in row.values()))
        Console().print(view)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet"]), required=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("export"), show_default=True)
@click.option("--table", "names", multiple=True, help="A table or view to export (repeatable; default: all main ones).")
@click.pass_obj
def export(settings: Settings, fmt: str, out: Path, names: tuple[str, ...]) -> None:
    """Export the warehouse tables and main views as CSV, one XLSX workbook, or Parquet."""
    from warehouse.export import ExportError
    from warehouse.export import export as export_tables

    try:
        files = export_tables(settings, fmt, out, names)
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    for path in files:
        click.echo(str(path))


@main.command()
@click.option("--write", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead.")
def form(write: Path | None) -> None:
    """Print the report form (templates, rows, columns, rules) as Markdown, from the form model."""
    from pipelines.report.docs import render_form

    text = render_form()
    if write:
        write.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command("main")
@click.pass_obj
def main_job(settings: Settings) -> None:
    """Run the main job on the embedded default: parse the bundled sample reports and summarise them."""
    from rich.console import Console
    from rich.table import Table

    from pipelines.report.parse import parse_file

    samples = sorted(p for p in (Path(__file__).resolve().parents[1] / "samples").iterdir() if p.suffix != ".md")
    table = Table(title=f"Sample reports parsed (data directory {settings.data})")
    for column in ("document", "agency", "year", "template", "new", "total handled", "errors", "warnings"):
        table.add_column(column)
    for path in samples:
        report = parse_file(path).to_json()
        severities = [finding["severity"] for finding in report["findings"]]
        applications = report["applications"]
        table.add_row(
            path.name,
            report["agency"] or "?",
            str(report["year"]),
            str(report["template"]),
            str(applications.get("new_received", [None])[-1]),
            str(applications.get("total", [None])[-1]),
            str(severities.count("error")),
            str(severities.count("warning")),
        )
    Console().print(table)


if __name__ == "__main__":
    main()
