"""Exporting the warehouse for people and other tools: CSV, XLSX or Parquet, one file (or sheet) per table.

Exports read through the catalog, so a view (national_totals, report_ratios …) exports exactly like a table.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipelines.settings import Settings
from warehouse import catalog
from warehouse.schema import tables

FORMATS = ("csv", "xlsx", "parquet")
DEFAULT_EXPORT = (*tables(), "national_totals", "provincial_totals", "report_ratios", "report_checks", "all_findings")
XLSX_MAX_ROWS = 1_048_575


class ExportError(ValueError):
    """An export that cannot be made as asked; the message names the table or format."""


def query(connection: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pa.Table:
    return connection.sql(sql, params=params or None).to_arrow_table()


def _relation(connection: duckdb.DuckDBPyConnection, name: str) -> pa.Table:
    known = {row[0] for row in connection.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    if name not in known:
        raise ExportError(f"no table or view named {name!r}; choose from {sorted(known)}")
    return connection.sql(f'SELECT * FROM "{name}"').to_arrow_table()


def export(settings: Settings, fmt: str, out: Path | str, names: tuple[str, ...] = ()) -> list[Path]:
    """Write each of ``names`` (default: every table and the main views) under ``out``; return the files."""
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with catalog.connect(settings) as connection:
        data = {name: _relation(connection, name) for name in (names or DEFAULT_EXPORT)}
    if fmt == "xlsx":
        return [_xlsx(data, out / "govreports.xlsx")]
    written = []
    for name, table in data.items():
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            pacsv.write_csv(_plain(table), path)
        else:
            pq.write_table(table, path, compression="zstd")
        written.append(path)
    return written


def _plain(table: pa.Table) -> pa.Table:
    """Lists and structs as JSON-ish text, so CSV and spreadsheets can hold them."""
    columns = []
    for column in table.columns:
        if pa.types.is_nested(column.type):
            column = pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def _xlsx(data: dict[str, pa.Table], path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, table in data.items():
        if len(table) > XLSX_MAX_ROWS:
            raise ExportError(f"{name} has {len(table):,} rows, more than a sheet holds; use csv or parquet")
        sheet = book.create_sheet(title=name[:31])
        sheet.append(table.column_names)
        for row in _plain(table).to_pylist():
            sheet.append([_cell(value) for value in row.values()])
    book.save(path)
    return path


def _cell(value):
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value
