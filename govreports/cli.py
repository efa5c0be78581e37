"""The `govreports` command line. It sits on top: it may import every package, and nothing imports it."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

import click

from pipelines.document.errors import UnreadableDocument
from pipelines.faults import fault_message
from pipelines.settings import Settings


class Commands(click.Group):
    """Every command ends with a message, never a traceback: a fault of the machine (read-only or full disk, a lock
    held too long, memory) is one line saying what failed and what to do; an unexpected error names itself and
    the file its details were written to."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("govreports: interrupted", err=True)
            ctx.exit(130)
        except Exception as error:
            message = fault_message(error) or _internal_error(error, ctx.obj)
            raise click.ClickException(message) from error


def _internal_error(error: Exception, settings: Settings | None) -> str:
    """Write the traceback to a crash file (the data directory's logs/, else the temporary directory); one line."""
    import tempfile
    import traceback
    from datetime import UTC

    text = "".join(traceback.format_exception(error))
    name = f"crash-{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}.txt"
    folders = [settings.local_root / "logs"] if settings is not None else []
    for folder in [*folders, Path(tempfile.gettempdir())]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(" ".join(sys.argv) + "\n\n" + text, encoding="utf-8")
        except OSError:
            continue
        return f"internal error ({type(error).__name__}: {error}); details in {folder / name} — please report it"
    return f"internal error ({type(error).__name__}: {error})"


def _log_to_stderr() -> None:
    """Messages of the library for people (a lock being waited for) as plain lines on stderr."""
    import logging

    logger = logging.getLogger("govreports")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("govreports: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the package and the parser version (a parser version change re-parses the archive)."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    from pipelines.report.parse import PARSER_VERSION

    click.echo(f"govreports {version('govreports')} (parser {PARSER_VERSION})")
    ctx.exit()


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    help="Print the version of govreports and of its parser, then exit.",
)
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
    _log_to_stderr()
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
@click.argument("urls", nargs=-1, required=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("discovered"), show_default=True,
              help="Directory to write the proposed source files into (folders by province).")
@click.option("--depth", type=click.IntRange(min=0), default=3, show_default=True,
              help="Levels of governments below the start pages to walk (0: only the pages given).")
@click.option("--local", is_flag=True, help="The portals are replicas on this machine (loopback allowed).")
def discover(urls: tuple[str, ...], out: Path, depth: int, local: bool) -> None:
    """Find the report columns below portal home pages (and the governments their pages list) and write one
    proposed source per column into OUT, verified: false, with the evidence. Review, then move them to sources/."""
    import subprocess

    from rich.console import Console
    from rich.table import Table

    command = [sys.executable, "-m", "crawler.discovery", *urls, "--out", str(out), "--depth", str(depth)]
    done = subprocess.run(command + (["--local"] if local else []), capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        raise click.ClickException(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else
                                   f"discovery exited with status {done.returncode}")
    summary = json.loads(lines[-1])
    from pipelines.registry import load_source

    table = Table(title=f"discovered below {', '.join(urls)}")
    for column in ("organ", "region", "family", "column", "file"):
        table.add_column(column, overflow="fold")
    for path in summary["files"]:
        source = load_source(Path(path))
        table.add_row(source.organ, source.region_code, source.family.value if source.has_column else "-",
                      source.start_urls[0] if source.has_column else "(not found: marked for discovery)", path)
    Console().print(table)
    click.echo(f"{summary['portals']} portal(s), {summary['columns']} column(s) found, {summary['requests']} requests; "
               f"proposals in {out} (verified: false — review before moving them into sources/)")
    for url, kind in summary["failures"].items():
        click.echo(f"  could not fetch {url}: {kind}", err=True)
    sys.exit(0 if summary["columns"] else 1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--name", default="files", show_default=True, help="Names the source: local:<name>.")
@click.pass_obj
def ingest(settings: Settings, paths: tuple[Path, ...], name: str) -> None:
    """Put local report files (or folders of them) into the archive as a source of their own.

    A file that cannot be ingested (empty, unreadable, too large, a link out of the folder) is skipped with its
    reason and the rest are ingested; the exit status is then 1."""
    from warehouse.ingest import IngestError, Skipped, ingest

    def report(skipped: Skipped) -> None:
        click.echo(f"govreports ingest: skipped {skipped.path}: {skipped.reason}", err=True)

    try:
        result = ingest(settings, paths, name, on_skip=report)
    except IngestError as error:
        raise click.ClickException(str(error)) from error
    skipped = f"; {len(result.skipped)} skipped (above)" if result.skipped else ""
    click.echo(
        f"ingested {result.files} file(s) as local:{name} ({result.new_blobs} new) in run {result.run_id}{skipped}"
    )
    sys.exit(1 if result.skipped else 0)


@main.command()
@click.option("--rebuild", is_flag=True, help="Re-parse every document, not only those new to this parser version.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    envvar="GOVREPORTS_PARSE_WORKERS",
    help="Parsing processes (default: one per CPU, or GOVREPORTS_PARSE_WORKERS).",
)
@click.pass_obj
def build(settings: Settings, rebuild: bool, workers: int | None) -> None:
    """Parse every archived document not yet parsed by this parser version; refresh the warehouse and catalog."""
    from rich.progress import Progress

    from pipelines.archive.manifest import part_names

    if not part_names(settings.archive):
        raise click.ClickException(
            f"nothing is archived in {settings.archive}: run `govreports --data {settings.data} crawl` or "
            "`ingest FILE...` first, or point --data at the data directory that holds the archive"
        )

    from warehouse.build import build as build_warehouse
    from warehouse.identity import RegistryError

    with Progress(transient=True) as bar:
        task = bar.add_task("parsing", total=None)

        def progress(done: int, total: int, source: str) -> None:
            bar.update(task, completed=done, total=total, description=source[-50:])

        try:
            result = build_warehouse(settings, progress, rebuild=rebuild, workers=workers)
        except RegistryError as error:
            raise click.ClickException(f"source registry: {error}") from error
    click.echo(
        f"{result.documents} document(s) archived, {result.parsed} parsed now ({result.new} new), "
        f"{result.skipped} already parsed; status {result.statuses}; findings {result.findings}"
    )
    for failure in result.failures:
        click.echo(f"parse failed: {failure['message']}", err=True)
    _echo_reports(settings)


def _echo_reports(settings: Settings) -> None:
    """What the warehouse now holds, counted as people count: reports are organ-years, copies apart."""
    with _connect(settings) as connection:
        reports, copies = connection.execute(f"SELECT ({MAIN_SQL['reports']}), ({MAIN_SQL['copies']})").fetchone()
    click.echo(f"warehouse: {reports} report(s) (organ-years), {copies} cop{'y' if copies == 1 else 'ies'} of them")


def _connect(settings: Settings):
    """The catalog, or a clear error naming the data directory when it holds no warehouse (nothing is created)."""
    from warehouse import catalog

    try:
        return catalog.connect(settings)
    except catalog.NoWarehouse as error:
        raise click.ClickException(str(error)) from error


def _read_query(query: str | None, file: Path | None) -> str:
    """QUERY, or the SQL of FILE, or of stdin (QUERY '-', or none given with stdin not a terminal)."""
    if query is not None and file is not None:
        raise click.UsageError("give QUERY or --file, not both")
    if file is not None:
        try:
            return file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise click.ClickException(f"cannot read SQL from {file}: {error}") from error
    if query == "-" or (query is None and not sys.stdin.isatty()):
        return sys.stdin.read()
    if query is None:
        raise click.UsageError("give QUERY, --file FILE, or SQL on stdin")
    return query


@main.command()
@click.argument("query", required=False)
@click.option("-f", "--file", type=click.Path(dir_okay=False, path_type=Path), help="Read the SQL from this file.")
@click.option("--param", "params", multiple=True, help="A value bound to the next ? in QUERY (repeatable).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV on stdout.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per row on stdout.")
@click.pass_obj
def sql(
    settings: Settings, query: str | None, file: Path | None, params: tuple[str, ...], as_csv: bool, as_json: bool
) -> None:
    """Run SQL against the warehouse catalog: QUERY, --file FILE, or stdin (QUERY '-', or a pipe).

    Tables and views (every one commented: SELECT * FROM duckdb_columns()) are listed in
    warehouse/sql/views.sql. A script may hold several statements; the last one's rows are shown."""
    import duckdb

    from warehouse.export import query as run_query

    text = _read_query(query, file)
    with _connect(settings) as connection:
        try:
            table = run_query(connection, text, list(params))
        except duckdb.Error as error:
            raise click.ClickException(f"query failed: {error}") from error
    if table is None:
        return
    if as_csv:
        import pyarrow.csv as pacsv

        from warehouse.export import plain

        pacsv.write_csv(plain(table), sys.stdout.buffer)
    elif as_json:
        for row in table.to_pylist():
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
    else:
        _print_rows(table)


SHOWN_ROWS = 1000
MIN_TEXT_WIDTH = 10
MIN_NUMBER_WIDTH = 6
RATIO_DECIMALS = 6
"""Floats are shown to 6 decimals for people (a ratio needs no more; printed amounts have at most 4); --csv and
--json give every digit."""


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        value = round(value, RATIO_DECIMALS)
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
"""A text column is folded to no narrower than this before a wide result is shown one record at a time."""


def _print_rows(table, title: str | None = None) -> None:
    """Rows for people: a table when it fits the terminal (numbers whole, text folded), else one record per row —
    never a number cut short."""
    import pyarrow as pa
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    console = Console()
    names = table.column_names
    numeric = [pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t) for t in table.schema.types]
    rows = [[_shown(v) for v in row.values()] for row in table.slice(0, SHOWN_ROWS).to_pylist()]
    widths = [max([cell_len(name), *(cell_len(row[i]) for row in rows)]) for i, name in enumerate(names)]
    chrome = 3 * len(names) + 1  # borders and padding of a rich table
    least = [  # a number whole (and at least a short header's width); text folded down to MIN_TEXT_WIDTH
        max([min(cell_len(name), MIN_NUMBER_WIDTH), *(cell_len(row[i]) for row in rows)])
        if numeric[i]
        else min(widths[i], MIN_TEXT_WIDTH)
        for i, name in enumerate(names)
    ]
    least = [max(width, 1) for width in least]
    if sum(least) + chrome <= console.width:
        spare = console.width - chrome - sum(least)
        grant = [0] * len(names)
        for i in sorted(range(len(names)), key=lambda i: widths[i] - least[i]):  # the smallest needs first: most
            grant[i] = min(widths[i] - least[i], spare)  # headers and texts whole, a few folded
            spare -= grant[i]
        view = Table(title=title)
        for i, name in enumerate(names):
            view.add_column(name, justify="right" if numeric[i] else "left", width=least[i] + grant[i], overflow="fold")
        for row in rows:
            view.add_row(*row)
        console.print(view)
    else:
        if title:
            console.print(title)
        label = max(cell_len(name) for name in names)
        for number, row in enumerate(rows, start=1):
            console.print(f"[bold]── row {number} ──[/bold]")
            record = Table.grid(padding=(0, 1))
            record.add_column(width=label, no_wrap=True)
            record.add_column(overflow="fold")
            for name, value in zip(names, row, strict=True):
                record.add_row(name, value)
            console.print(record)
    if len(table) > SHOWN_ROWS:
        click.echo(f"… {len(table) - SHOWN_ROWS:,} more rows (use --csv or --json for all {len(table):,})", err=True)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet"]), required=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("export"), show_default=True)
@click.option("--table", "names", multiple=True, help="A table or view to export (repeatable; default: all main ones).")
@click.option(
    "--bom/--no-bom",
    default=True,
    show_default=True,
    help="CSV starts with a UTF-8 byte-order mark, so Excel reads the Chinese right; --no-bom for plain UTF-8.",
)
@click.pass_obj
def export(settings: Settings, fmt: str, out: Path, names: tuple[str, ...], bom: bool) -> None:
    """Export tables and views as CSV, one XLSX workbook, or Parquet — with dictionary.csv (every column's label,
    meaning, unit), provenance.csv (every document's source, crawl dates, sha256) and LICENCE.md."""
    from warehouse.catalog import NoWarehouse
    from warehouse.export import ExportError
    from warehouse.export import export as export_tables

    try:
        files = export_tables(settings, fmt, out, names, bom=bom)
    except (ExportError, NoWarehouse) as error:
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


@main.command()
@click.option("--write", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead.")
def findings(write: Path | None) -> None:
    """Print the rule catalogue (every finding's rule, severity and meaning) as Markdown."""
    from pipelines.report.docs import render_findings

    text = render_findings()
    if write:
        write.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


REPLICA_PORTS = 18731
"""The replicas of ``govreports main`` listen here and up (one port each, a free one when taken): the same URLs
every run, so a second run is incremental like a real night (conditional requests, nothing downloaded again)."""

MAIN_SQL = {
    "reports": "SELECT count(*) FROM organ_years",
    "copies": "SELECT count(*) FROM copies",
    "findings": "SELECT count(*) FROM findings",
    "errors": "SELECT count(*) FROM findings WHERE severity = 'error'",
    "warnings": "SELECT count(*) FROM findings WHERE severity = 'warning'",
}
"""The totals main prints: reports are organ-years (each counted once), copies the same reports again."""
NEW_SQL = (
    "SELECT count(*) FROM (SELECT coalesce(copy_of, report_id) AS report, min(first_fetched) AS first FROM provenance"
    " WHERE status IN ('parsed', 'legacy') GROUP BY ALL) WHERE first >= ?"
)
"""Reports (organ-years) none of whose documents the archive held before tonight's run started."""
SAMPLE_SQL = (
    "SELECT o.organ, o.year, o.region, a.new_received__total AS new_applications, o.copies, c.errors, c.warnings "
    "FROM organ_years o LEFT JOIN applications a USING (report_id, year) "
    "LEFT JOIN report_checks c USING (report_id, year) ORDER BY o.organ, o.year"
)
"""One row per report (organ-year), however many copies of it were published."""


@main.command("main")
@click.pass_obj
def main_job(settings: Settings) -> None:
    """Run the nightly job end to end on the embedded default, against the bundled replica portals.

    The replica portals (local copies of the CMS families, shipped with the product) are served on 127.0.0.1
    for the run; Dagster runs tonight's job in process on its sqlite instance under the data directory
    (``python -m dagster_project nightly``, started as a command: nothing imports dagster_project); then the
    figures are read back with the same SQL ``govreports sql`` runs.
    """
    import subprocess
    from contextlib import ExitStack
    from datetime import UTC

    import replicas
    from pipelines.children import exit_status

    logs = settings.local_root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    log_path, summary_path = logs / f"main-{stamp}.log", logs / f"main-{stamp}.json"
    sources_dir = settings.local_root / "replica-sources"
    command = [sys.executable, "-m", "dagster_project", "--data", settings.data, "--sources", str(sources_dir)]
    command += ["nightly", "--summary", str(summary_path)]
    with ExitStack() as stack, log_path.open("w", encoding="utf-8") as log:
        servers = {
            source_id: stack.enter_context(_replica_server(source_id, REPLICA_PORTS + index))
            for index, source_id in enumerate(sorted(replicas.MODULES))
        }
        for stale in sources_dir.glob("*.yaml"):  # the registry is exactly tonight's replicas
            stale.unlink()
        replicas.write_sources(sources_dir, servers)
        click.echo(f"replica portals on 127.0.0.1: {len(servers)}; Dagster's log: {log_path}")
        code = subprocess.run(command, stderr=log, check=False).returncode
    if not summary_path.exists():
        raise click.ClickException(f"the nightly job did not finish (exit status {code}); see {log_path}")
    _print_main_summary(settings, json.loads(summary_path.read_text(encoding="utf-8")), started)
    sys.exit(exit_status(code))  # a child killed by a signal is 3, never 256 minus the signal


def _replica_server(source_id: str, port: int):
    """The replica on ``port``, or on a free port when that one is taken."""
    import replicas
    from replicas.server import ReplicaServer

    try:
        return ReplicaServer(replicas.site(source_id), port)
    except OSError:
        return ReplicaServer(replicas.site(source_id))


def _print_main_summary(settings: Settings, summary: dict, started: datetime) -> None:
    """Per-source crawl health, then the totals and a sample as SQL returns them from the catalog: reports are
    organ-years, their copies (landing pages, re-publications, other formats) counted apart."""
    from rich.console import Console
    from rich.table import Table

    from warehouse.export import query as run_query

    console = Console()
    crawls = Table(title="Tonight's crawl, per source")
    for column in ("source", "health", "pages", "reports found", "new", "errors", "why"):
        crawls.add_column(column)
    colours = {"ok": "green", "degraded": "yellow", "failed": "red"}
    for row in summary["sources"]:
        figures = (row.get(key) for key in ("pages", "reports_found", "new_reports", "errors"))
        health = f"[{colours.get(row['status'], 'white')}]{row['status']}[/]"
        crawls.add_row(row["source"], health, *("" if v is None else str(v) for v in figures),
                       "; ".join(row.get("reasons") or []))
    console.print(crawls)
    with _connect(settings) as connection:
        counts = {name: run_query(connection, sql, []).column(0)[0].as_py() for name, sql in MAIN_SQL.items()}
        new = run_query(connection, NEW_SQL, [started]).column(0)[0].as_py()
        sample = run_query(connection, SAMPLE_SQL, [])
    healthy = sum(1 for row in summary["sources"] if row["healthy"])
    if summary.get("failed_sources"):
        click.echo(f"FAILED sources: {', '.join(summary['failed_sources'])} (their reasons are above and in the "
                   f"Dagster UI: archived_documents, partitions)", err=True)
    click.echo(
        f"sources: {len(summary['sources'])} ({healthy} healthy)  reports: {counts['reports']} (organ-years)  "
        f"copies: {counts['copies']} (published again: landing pages, other formats)  new tonight: {new}  "
        f"findings: {counts['findings']} ({counts['errors']} errors, {counts['warnings']} warnings)"
    )
    for run in summary["parse_runs"]:
        failed = sorted(name for name, passed in run["checks"].items() if not passed)
        passed = f"checks: {len(run['checks']) - len(failed)} passed"
        click.echo(passed + (f", failed: {', '.join(failed)}" if failed else ""))
    click.echo(f'\nSample, one row per report — the same as: govreports --data {settings.data} sql "{SAMPLE_SQL}"')
    _print_rows(sample)
    click.echo(f"Open the Dagster UI on this data: govreports --data {settings.data} ui")
    click.echo(f"Explore the reports in a browser: govreports --data {settings.data} serve")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.pass_obj
def serve(settings: Settings, host: str, port: int) -> None:
    """Explore the warehouse in a browser (read-only): search organs, reports as printed with every number's
    source, rankings, comparisons, downloads. Runs ``python -m explorer`` (Starlette + uvicorn) in this process."""
    import os

    _connect(settings).close()  # a missing warehouse is named here, as by every other command
    command = [sys.executable, "-m", "explorer", "--data", settings.data, "--host", host, "--port", str(port)]
    os.execv(sys.executable, command)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=3000, show_default=True, type=int)
@click.option(
    "--sources",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Source registry the code location loads (default: the shipped sources/).",
)
@click.option("--webserver-only", is_flag=True, help="Only the webserver: schedules and sensors stay idle.")
@click.pass_obj
def ui(settings: Settings, host: str, port: int, sources: Path | None, webserver_only: bool) -> None:
    """Open the Dagster UI on the data directory: ``dagster dev`` (webserver and daemon, so the nightly runs)."""
    import os

    command = [sys.executable, "-m", "dagster_project", "--data", settings.data]
    if sources:
        command += ["--sources", str(sources)]
    command += ["ui", "--host", host, "--port", str(port)] + (["--webserver-only"] if webserver_only else [])
    click.echo(f"Dagster UI on http://{host}:{port} (Dagster's storage: {settings.dagster_home})")
    os.execv(sys.executable, command)


if __name__ == "__main__":
    main()
