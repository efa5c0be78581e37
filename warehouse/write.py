"""Writing the warehouse: Hive-partitioned Parquet by year, zstd, one file per partition, replaced atomically.

A batch of reports replaces every row those reports had before, in whatever year they were filed under, so
re-parsing a document (or loading the same documents twice) leaves exactly one copy of its rows. A partition is
rewritten whole: read, drop the batch's report ids, add the batch's rows, sort, write a staged file; the batch's
files then move into place together (warehouse.staging: a journal makes the moves all-or-nothing, even across a
crash), so readers see the old tables or the new ones, never half of a batch. On object storage a single PUT is
already all-or-nothing per file, so files are written in place. ``reports`` is written last: a report row is the
mark that all its facts are in, which is what ``build`` uses to skip documents already parsed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import fsspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from warehouse.duplicates import mark_copies
from warehouse.schema import UNKNOWN_YEAR, TableSpec, spec, tables
from warehouse.staging import Commit

DATA_FILE = "data.parquet"
ROW_GROUP_SIZE = 8_192
COMPRESSION = "zstd"


class Warehouse:
    """The Parquet tables under one root (a local path or an ``s3://`` URI)."""

    def __init__(self, root: str) -> None:
        self.uri = root.rstrip("/")
        self.fs, self.root = fsspec.core.url_to_fs(self.uri)
        self.local = isinstance(self.fs, LocalFileSystem)
        self._report_ids: dict[int, pa.Array] | None = None
        self._commit: Commit | None = None

    def table_dir(self, name: str) -> str:
        return f"{self.root}/{name}"

    def partition_file(self, name: str, year: int | None) -> str:
        if spec(name).partitioned:
            return f"{self.table_dir(name)}/year={UNKNOWN_YEAR if year is None else year}/{DATA_FILE}"
        return f"{self.table_dir(name)}/{DATA_FILE}"

    def years(self, name: str) -> list[int]:
        """The year partitions ``name`` has files for."""
        found = self.fs.glob(f"{self.table_dir(name)}/year=*/{DATA_FILE}")
        return sorted(int(path.rsplit("/", 2)[-2].removeprefix("year=")) for path in found)

    def exists(self, name: str, year: int | None = None) -> bool:
        return self.fs.exists(self.partition_file(name, year))

    def read(self, name: str, year: int | None = None, columns: list[str] | None = None) -> pa.Table:
        """One partition (or an unpartitioned table) as written, without the year column; empty when absent."""
        path = self.partition_file(name, year)
        try:  # opened once: a writer replacing the file meanwhile leaves this read on the old one, whole
            with self.fs.open(path, "rb") as handle:
                return pq.read_table(handle, columns=columns)
        except FileNotFoundError:
            schema = spec(name).schema
            return (schema if columns is None else pa.schema([schema.field(c) for c in columns])).empty_table()

    def read_all(self, name: str, columns: list[str] | None = None) -> pa.Table:
        """Every partition with a ``year`` column (int32) appended."""
        if not spec(name).partitioned:
            return self.read(name, columns=columns)
        parts = []
        for year in self.years(name):
            part = self.read(name, year, columns)
            parts.append(part.append_column("year", pa.array([year] * len(part), pa.int32())))
        if not parts:
            schema = spec(name).schema if columns is None else pa.schema([spec(name).schema.field(c) for c in columns])
            return schema.append(pa.field("year", pa.int32())).empty_table()
        return pa.concat_tables(parts)

    def write_file(self, name: str, year: int | None, table: pa.Table) -> None:
        """Write one partition (or a whole unpartitioned table) sorted and atomically."""
        table_spec = spec(name)
        table = _sorted(table_spec, _conform(table_spec, table))
        if name == "reports" and self._report_ids is not None:
            self._report_ids[UNKNOWN_YEAR if year is None else year] = table.column("report_id").combine_chunks()
        final = self.partition_file(name, year)
        if not self.local:
            with self.fs.open(final, "wb") as handle:
                _write_parquet(table, handle)
            return
        if self._commit is not None:
            self._commit.stage(final, lambda handle: _write_parquet(table, handle))
            return
        with self.transaction():
            self.write_file(name, year, table)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Files written inside move into place together when the block ends (none of them if it fails)."""
        if self._commit is not None or not self.local:
            yield
            return
        self._commit = Commit(self.root)
        try:
            yield
            self._commit.commit()
        finally:
            self._commit.abort()
            self._commit = None

    def ensure_tables(self) -> None:
        """Give every table at least one (possibly empty) file, so views over them always resolve."""
        for name, table_spec in tables().items():
            if table_spec.partitioned and not self.years(name):
                self.write_file(name, UNKNOWN_YEAR, table_spec.schema.empty_table())
            elif not table_spec.partitioned and not self.exists(name):
                self.write_file(name, None, table_spec.schema.empty_table())

    def report_years(self, report_ids: Iterable[str]) -> set[int]:
        """The partitions that currently hold any of ``report_ids`` (a re-parse may move a report's year).

        The report ids per year are read once per instance and kept current by this instance's own writes (the
        warehouse has one writer at a time)."""
        wanted = pa.array(sorted(set(report_ids)), pa.string())
        if self._report_ids is None:
            self._report_ids = {
                year: self.read("reports", year, ["report_id"]).column("report_id").combine_chunks()
                for year in self.years("reports")
            }
        return {year for year, ids in self._report_ids.items() if pc.any(pc.is_in(ids, value_set=wanted)).as_py()}

    def _kept(self, name: str, year: int, replaced: pa.Array) -> pa.Table | None:
        """The partition's rows that stay (not of a replaced report); None when the partition has no file.

        Only the report_id column is read to decide, so a partition the batch replaces whole is never read."""
        if not self.exists(name, year):
            return None
        ids = self.read(name, year, ["report_id"]).column("report_id")
        keep = pc.invert(pc.is_in(ids, value_set=replaced))
        kept_count = pc.sum(keep).as_py() or 0
        if kept_count == 0:
            return spec(name).schema.empty_table()
        table = self.read(name, year)
        return table if kept_count == len(ids) else table.filter(keep)

    def replace_reports(self, batch: dict[str, pa.Table]) -> dict[str, int]:
        """Replace the rows of the batch's reports in every partitioned table; return rows written per table.

        ``batch`` maps table name to rows with a ``year`` column; ``batch["reports"]`` names the reports replaced.
        """
        for name in batch:
            if not spec(name).partitioned:
                raise ValueError(f"table {name!r} is not partitioned by report; write it with write_file")
        report_ids = batch["reports"].column("report_id")
        wanted = pa.array(sorted(set(report_ids.to_pylist())), pa.string())
        new_years = {UNKNOWN_YEAR if y is None else y for y in pc.unique(batch["reports"].column("year")).to_pylist()}
        affected = sorted(new_years | self.report_years(wanted.to_pylist()))
        facts = [name for name, s in tables().items() if s.partitioned and name != "reports"]
        written: dict[str, int] = {}
        jobs: list[tuple[str, int, pa.Table]] = []
        for name in [*facts, "reports"]:
            rows = batch.get(name)
            years = pc.fill_null(rows.column("year"), UNKNOWN_YEAR) if rows is not None else None
            for year in affected:
                kept = self._kept(name, year, wanted)
                parts = [kept] if kept is not None else []
                if rows is not None:
                    fresh = rows.filter(pc.equal(years, year)).drop_columns(["year"])
                    parts.append(_conform(spec(name), fresh))
                    written[name] = written.get(name, 0) + len(fresh)
                if parts:
                    jobs.append((name, year, pa.concat_tables([_conform(spec(name), p) for p in parts])))
        jobs = _with_copies(jobs)
        with self.transaction():  # the batch lands in every table or in none
            with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
                list(pool.map(lambda job: self.write_file(*job), [job for job in jobs if job[0] != "reports"]))
            for job in jobs:
                if job[0] == "reports":
                    self.write_file(*job)
        return written


def _with_copies(jobs: list[tuple[str, int, pa.Table]]) -> list[tuple[str, int, pa.Table]]:
    """Decide in every year partition being written which document of each organ-year is the report (the others
    are its copies: ``reports.copy_of``, ``statistics.counted``), from the partition's reports, tables, findings."""
    parts: dict[int, dict[str, pa.Table]] = {}
    for name, year, table in jobs:
        parts.setdefault(year, {})[name] = table
    for year, of_year in parts.items():
        if "reports" in of_year:
            of_year["reports"], statistics = mark_copies(
                year, of_year["reports"], of_year.get("statistics"), of_year.get("findings")
            )
            if statistics is not None:
                of_year["statistics"] = statistics
    return [(name, year, parts[year][name]) for name, year, _ in jobs]


def _sorted(table_spec: TableSpec, table: pa.Table) -> pa.Table:
    """Rows in the spec's order (a stable sort, so rows of one report keep the order they came in)."""
    if len(table) < 2:
        return table
    order = pc.sort_indices(table, sort_keys=[(column, "ascending") for column in table_spec.sort_by])
    if pc.all(pc.equal(order, pa.array(range(len(table)), order.type))).as_py():
        return table
    return table.combine_chunks().take(order)


def _conform(table_spec: TableSpec, table: pa.Table) -> pa.Table:
    """``table`` with exactly the spec's columns, in order and type; a missing column is all null."""
    if table.schema.equals(table_spec.schema):
        return table
    columns = []
    for field in table_spec.schema:
        if field.name in table.column_names:
            column = table.column(field.name)
            columns.append(column if column.type == field.type else column.cast(field.type))
        else:
            columns.append(pa.nulls(len(table), field.type))
    return pa.Table.from_arrays(columns, schema=table_spec.schema)


def _write_parquet(table: pa.Table, sink) -> None:
    """zstd with dictionary pages for every column: small counts read ~2× faster in DuckDB that way."""
    pq.write_table(
        table,
        sink,
        compression=COMPRESSION,
        row_group_size=ROW_GROUP_SIZE,
        write_statistics=True,
    )
