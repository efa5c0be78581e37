"""Exporting the warehouse for people and other tools: CSV, XLSX or Parquet, with a dictionary, provenance, licence.

An export is a folder people can hand on. Besides one file (CSV, Parquet) or sheet (XLSX) per table or view it
holds ``dictionary.csv`` (every column exported: Chinese label, meaning, unit, type — warehouse/dictionary.py, the
same text as the catalog's comments), ``provenance.csv`` (every document behind the data: source, address, crawl
dates, media type, parser version, sha256) and ``LICENCE.md`` (where the figures come from, how to reuse and cite
them, what this export holds). CSV is UTF-8 with a byte-order mark unless asked otherwise: without one, Excel on a
Chinese Windows reads UTF-8 as GBK and garbles every label. The XLSX prints each column's Chinese label in a row
above its key, freezes both rows and filters on the keys; region names stand beside region codes everywhere.
Exports read through the catalog, so a view (national_totals, organ_years …) exports exactly like a table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from importlib.metadata import version
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipelines.settings import Settings
from warehouse import catalog
from warehouse.dictionary import describe
from warehouse.schema import tables

FORMATS = ("csv", "xlsx", "parquet")
DEFAULT_EXPORT = (
    "organ_years",
    "copies",
    *tables(),
    "national_totals",
    "provincial_totals",
    "report_ratios",
    "report_checks",
    "all_findings",
    "form_cells",
)
"""The reports people mean first (organ_years), then every table, the totals and checks, the form's labels."""
XLSX_HEADER_ROWS = 2
XLSX_MAX_ROWS = 1_048_576 - XLSX_HEADER_ROWS
BOM = "\ufeff"
DICTIONARY, PROVENANCE, LICENCE = "dictionary", "provenance", "LICENCE.md"
REGION_NAME = "region_name"
"""The column added beside every ``region_code`` an exported relation has (the region's full name)."""


class ExportError(ValueError):
    """An export that cannot be made as asked; the message names the table or format."""


def query(connection: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pa.Table | None:
    """The rows of ``sql`` (its last statement), or None when that statement returns none (SET, PRAGMA …)."""
    relation = connection.sql(sql, params=params or None)
    return None if relation is None else relation.to_arrow_table()


def plain(table: pa.Table) -> pa.Table:
    """Lists and structs as text, so CSV and spreadsheets can hold them."""
    columns = []
    for column in table.columns:
        if pa.types.is_nested(column.type):
            column = pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def relations(connection: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}


def read_relation(connection: duckdb.DuckDBPyConnection, name: str) -> pa.Table:
    """A table or view of the catalog, with the region's name beside every region code."""
    known = relations(connection)
    if name not in known:
        raise ExportError(f"no table or view named {name!r}; choose from {sorted(known)}")
    columns = [row[0] for row in connection.execute(f'DESCRIBE "{name}"').fetchall()]
    if "region_code" not in columns or REGION_NAME in columns or "region_full_name" in columns:
        return connection.sql(f'SELECT * FROM "{name}"').to_arrow_table()
    select = ", ".join(f't."{c}", g.full_name AS {REGION_NAME}' if c == "region_code" else f't."{c}"' for c in columns)
    return connection.sql(
        f'SELECT {select} FROM "{name}" t LEFT JOIN regions g ON g.region_code = t.region_code'
    ).to_arrow_table()


def dictionary(data: dict[str, pa.Table]) -> pa.Table:
    """Every exported column: where, key, Chinese label, meaning, unit, type (the catalog's comments, as rows)."""
    rows = []
    for name, table in data.items():
        for field in table.schema:
            doc = describe(name, field.name)
            rows.append(
                {
                    "table": name,
                    "column": field.name,
                    "label": doc.label if doc else None,
                    "meaning": doc.meaning if doc else None,
                    "unit": doc.unit if doc else None,
                    "type": str(field.type),
                }
            )
    return pa.Table.from_pylist(rows, schema=pa.schema([(key, pa.string()) for key in rows[0]] if rows else []))


def provenance(connection: duckdb.DuckDBPyConnection) -> pa.Table:
    return connection.sql("SELECT * FROM provenance").to_arrow_table()


def licence_note(connection: duckdb.DuckDBPyConnection, files: list[str]) -> str:
    """LICENCE.md: the licence text (warehouse/licence.md), then what this export holds and how it was made."""
    from pipelines.report.parse import PARSER_VERSION

    text = resources.files("warehouse").joinpath("licence.md").read_text(encoding="utf-8")
    row = connection.execute(
        "SELECT count(*) FILTER (WHERE status IN ('parsed', 'legacy') AND copy_of IS NULL),"
        " count(copy_of), count(*), (SELECT min(fetched_at) FROM documents), (SELECT max(fetched_at) FROM documents),"
        " list(DISTINCT parser_version ORDER BY parser_version) FILTER (WHERE parser_version IS NOT NULL)"
        " FROM reports"
    ).fetchone()
    assert row is not None  # an aggregate always returns its row
    reports, copies, documents, first, last, versions = row
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    crawled = f"{first:%Y-%m-%d} to {last:%Y-%m-%d}" if first and last else "unknown"
    return (
        text.rstrip()
        + "\n\n## This export\n\n"
        + f"- made {made} by govreports {version('govreports')} (parser {PARSER_VERSION}); the documents were"
        + f" parsed by parser version(s) {', '.join(versions or []) or 'none'}\n"
        + f"- {reports:,} reports (organ-years) and {copies:,} copies of them among {documents:,} documents,"
        + f" archived {crawled}\n"
        + "- files: "
        + ", ".join(files)
        + "\n"
    )


def export(
    settings: Settings, fmt: str, out: Path | str, names: tuple[str, ...] = (), *, bom: bool = True
) -> list[Path]:
    """Write each of ``names`` (default: the reports, every table, the main views) under ``out`` with the
    dictionary, provenance and licence; return the files written. ``bom``: CSV starts with a byte-order mark."""
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    out = Path(out)
    with catalog.connect(settings) as connection:
        data = {name: read_relation(connection, name) for name in (names or DEFAULT_EXPORT)}
        extra = {DICTIONARY: dictionary(data), PROVENANCE: provenance(connection)}
        if fmt == "xlsx":
            for name, table in data.items():
                if len(table) > XLSX_MAX_ROWS:
                    raise ExportError(f"{name} has {len(table):,} rows, more than a sheet holds; use csv or parquet")
            files = ["govreports.xlsx"]
        else:
            files = [f"{name}.{fmt}" for name in data]
        files += [f"{name}.csv" for name in extra] + [LICENCE]
        note = licence_note(connection, files)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        written = [_xlsx(data, extra, note, out / files[0])]
    else:
        written = [_file(table, out / f"{name}.{fmt}", fmt, bom) for name, table in data.items()]
    written += [_file(table, out / f"{name}.csv", "csv", bom) for name, table in extra.items()]
    (out / LICENCE).write_text(note, encoding="utf-8")
    return [*written, out / LICENCE]


def _file(table: pa.Table, path: Path, fmt: str, bom: bool) -> Path:
    if fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
        return path
    with path.open("wb") as sink:
        if bom:
            sink.write(BOM.encode("utf-8"))
        pacsv.write_csv(plain(table), sink)
    return path


def _xlsx(data: dict[str, pa.Table], extra: dict[str, pa.Table], note: str, path: Path) -> Path:
    """One sheet per relation: Chinese labels above the keys, both rows frozen, a filter on the keys; then the
    dictionary, the provenance and the licence note."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for name, table in {**data, **extra}.items():
        sheet = book.create_sheet(title=name[:31])
        columns = table.column_names
        if columns:
            last = get_column_letter(len(columns))
            sheet.freeze_panes = f"A{XLSX_HEADER_ROWS + 1}"
            sheet.auto_filter.ref = f"A{XLSX_HEADER_ROWS}:{last}{XLSX_HEADER_ROWS + max(len(table), 1)}"
        labels = [(doc.label if (doc := describe(name, column)) else "") for column in columns]
        sheet.append(labels)
        sheet.append(columns)
        for row in plain(table).to_pylist():
            sheet.append([_cell(value) for value in row.values()])
    sheet = book.create_sheet(LICENCE.removesuffix(".md").lower())
    for line in note.splitlines():
        sheet.append([line])
    book.save(path)
    return path


def _cell(value):
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value
