"""Dagster metadata people can read: tables as Markdown, column schemas with the catalog's comments, row counts.

Library results (dataclasses, mappings, lists of rows) become metadata the UI shows as it is meant to be read — a
mapping or a list of rows as a Markdown table, not a JSON pop-up; a warehouse table as its row count and its column
schema (``dagster/row_count``, ``dagster/column_schema``: the Columns tab), each column described by the comment
the catalog carries (warehouse/dictionary.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import dagster as dg
import duckdb

LISTED = 50
"""At most this many rows are listed in a Markdown table; a last line says how many more there are."""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        value = ", ".join(_cell(item) for item in value)
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(rows: Sequence[Mapping[str, Any]], columns: Iterable[str] | None = None, limit: int = LISTED) -> str:
    """Rows as a Markdown table (numbers right-aligned), at most ``limit`` of them, then how many more."""
    if not rows:
        return "_none_"
    names = list(columns) if columns is not None else list(rows[0])
    numeric = [
        all(isinstance(row.get(name), int | float) for row in rows if row.get(name) is not None) for name in names
    ]
    lines = ["| " + " | ".join(names) + " |", "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(_cell(row.get(name)) for name in names) + " |" for row in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n… and {len(rows) - limit:,} more")
    return "\n".join(lines)


def md(rows: Sequence[Mapping[str, Any]], columns: Iterable[str] | None = None) -> dg.MetadataValue:
    return dg.MetadataValue.md(markdown_table(rows, columns))


def as_metadata(result: Any) -> dict[str, Any]:
    """Scalars as they are; a mapping of scalars or a list of rows as a Markdown table; ``None`` is no metadata."""
    if result is None:
        return {}
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        result = dataclasses.asdict(result)
    if not isinstance(result, Mapping):
        return {"result": str(result)}
    metadata: dict[str, Any] = {}
    for key, value in result.items():
        if isinstance(value, bool | int | float | str):
            metadata[str(key)] = value
        elif isinstance(value, Mapping):
            metadata[str(key)] = md([{"": name, "count": count} for name, count in value.items()])
        elif isinstance(value, list | tuple) and all(isinstance(row, Mapping) for row in value):
            metadata[str(key)] = md(list(value))
        elif value is not None:
            metadata[str(key)] = dg.MetadataValue.text(_cell(value))
    return metadata


def table_metadata(connection: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any]:
    """A catalog table or view as Dagster reads tables: its row count and its columns with their comments."""
    columns = connection.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = ? AND database_name ="
        " current_database() ORDER BY column_index",
        [name],
    ).fetchall()
    (rows,) = connection.execute(f'SELECT count(*) FROM "{name}"').fetchone() or (0,)
    schema = dg.TableSchema(
        columns=[dg.TableColumn(column, kind, description=comment) for column, kind, comment in columns]
    )
    return {"dagster/row_count": rows, "dagster/column_schema": schema}


def tables_overview(connection: duckdb.DuckDBPyConnection, names: Iterable[str], counts: bool = True) -> dict[str, Any]:
    """Several tables at once: a Markdown table of each one's rows (``counts``: a Parquet table's count is read from
    file footers; a view's could be a long query), columns and description, and the total rows."""
    rows = []
    for name in names:
        (width, comment) = connection.execute(
            "SELECT (SELECT count(*) FROM duckdb_columns() c WHERE c.table_name = v.view_name"
            " AND c.database_name = v.database_name), comment FROM duckdb_views() v"
            " WHERE view_name = ? AND database_name = current_database()",
            [name],
        ).fetchone() or (0, None)
        row: dict[str, Any] = {"table": name, "columns": width, "what it holds": comment}
        if counts:
            row["rows"] = (connection.execute(f'SELECT count(*) FROM "{name}"').fetchone() or (0,))[0]
        rows.append(row)
    if not counts:
        return {"views": md(rows), "view_count": len(rows)}
    return {"tables": md(rows), "dagster/row_count": sum(row["rows"] for row in rows)}
