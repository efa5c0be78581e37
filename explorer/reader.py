"""What the explorer's pages read: one method per page, parametrized SQL over the catalog, never a write.

The catalog is attached read-only to an in-memory DuckDB (its views read the Parquet tables, as any client's
would); the memory side holds one small table of our own, ``organ_index`` — one row per organ with its name,
region and years — built when the catalog is opened, so that a search reads 10⁵ organs rather than scanning 10⁶
reports. Each request reads through its own cursor. When ``govreports build`` replaces the catalog file, the next
request re-attaches it and rebuilds the index.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipelines.archive.store import BlobStore
from pipelines.settings import Settings
from warehouse import catalog
from warehouse.write import Warehouse

RATIO_BASES = {
    "denied_share": ("handled", "requests handled"),
    "unavailable_share": ("handled", "requests handled"),
    "review_correction_rate": ("review_total - review_pending", "reviews decided"),
    "carry_forward_rate": ("new_received + carried_over", "requests of the year (new + carried over)"),
}
"""The volume each ratio is measured on, for the ranking's minimum (a share of 1 request is no finding). The
ratios themselves are the warehouse's macros (00_ratios.sql), read with their definitions from the catalog."""
SEARCH_LIMIT = 100
RANKING_LIMIT = 50

ORGAN_INDEX = """
CREATE OR REPLACE TABLE memory.organ_index AS
SELECT organ_id, arg_max(organ, year) AS organ, arg_max(region_code, year) AS region_code,
       arg_max(region_full_name, year) AS region_name, count(*) AS reports, sum(copies)::BIGINT AS copies,
       min(year) AS first_year, max(year) AS last_year
FROM organ_years WHERE organ_id IS NOT NULL GROUP BY organ_id;
CREATE OR REPLACE TABLE memory.report_index AS
SELECT TRY_CAST('0x' || report_id AS UBIGINT) AS id, year::SMALLINT AS year, organ_id,
       copy_of IS NULL AND status IN ('parsed', 'legacy') AS report
FROM reports ORDER BY organ_id, year;
"""
"""One row per organ (what a search reads), and per document the year and organ its report id is filed under: a
report's address names only its year and id, and its organ lets every read prune to one row group (the reports
table is sorted by organ; ~40 bytes a document in memory, 90 MB at national scale). Sorted by organ, an organ's
reports are read from one block of it."""


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _one(cursor: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    rows = _rows(cursor)
    return rows[0] if rows else None


@dataclass(frozen=True)
class Ratio:
    """A ratio people compare: its macro's name, its definition (the macro's comment and SQL) and its base."""

    name: str
    definition: str
    sql: str
    base: str
    base_label: str


@dataclass
class _Summaries:
    national: dict[int, dict[str, Any]] = field(default_factory=dict)
    provincial: list[dict[str, Any]] = field(default_factory=list)
    provinces: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReportData:
    """Everything a report page shows, read in one pass."""

    meta: dict[str, Any]
    statistics: dict[str, Any] | None
    disclosure: dict[tuple[str, str], dict[str, Any]]
    cells: dict[tuple[str, str, str], dict[str, Any]]
    findings: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    copies: list[dict[str, Any]]
    ratios: dict[str, Any] | None
    others: list[dict[str, Any]] = field(default_factory=list)
    """The organ's other reports, for comparing."""


class Reader:
    """The catalog of one data directory, read-only; ``NoWarehouse`` when there is none."""

    def __init__(self, settings: Settings) -> None:
        catalog.require(settings)
        self.settings = settings
        self.warehouse = Warehouse(settings.warehouse)
        self.store = BlobStore(settings.archive)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._db: duckdb.DuckDBPyConnection | None = None
        self.ratios: dict[str, Ratio] = {}
        self._summaries = _Summaries()
        self._open()

    def _catalog_stamp(self) -> tuple[int, int]:
        info = os.stat(self.settings.catalog_path)
        return info.st_ino, info.st_mtime_ns

    def _open(self) -> None:
        """Attach the catalog (built first if the data directory has only its warehouse) and index the organs."""
        with catalog.connect(self.settings):  # refreshes a missing catalog, raises NoWarehouse when there is none
            pass
        db = duckdb.connect()
        catalog.register(db, self.warehouse)
        db.execute("SET GLOBAL parquet_metadata_cache = true")
        db.execute("ATTACH ? AS catalog (READ_ONLY)", [str(self.settings.catalog_path)])
        stamp = self._catalog_stamp()
        cursor = self._session(db)
        cursor.execute(ORGAN_INDEX)
        columns = {row[0] for row in cursor.execute("DESCRIBE report_ratios").fetchall()}
        macros = {
            name: (comment, f"{name}({', '.join(parameters)}) = {definition}")
            for name, comment, parameters, definition in cursor.execute(
                "SELECT function_name, comment, parameters, macro_definition FROM duckdb_functions()"
                " WHERE database_name = 'catalog' AND function_type = 'macro'"
            ).fetchall()
        }
        ratios = {
            name: Ratio(name, macros[name][0] or "", macros[name][1], *base)
            for name, base in RATIO_BASES.items()
            if name in columns and name in macros
        }
        summaries = _Summaries(
            national={row["year"]: row for row in _rows(cursor.execute("SELECT * FROM national_totals"))},
            provincial=_rows(cursor.execute("SELECT * FROM provincial_totals ORDER BY year, province")),
            provinces=_rows(
                cursor.execute(
                    "SELECT g.region_code, g.name, count(*) AS organs FROM memory.organ_index o"
                    " JOIN regions g ON g.region_code = left(o.region_code, 2) || '0000'"
                    " GROUP BY ALL ORDER BY g.region_code"
                )
            ),
        )
        cursor.close()
        old, self._db, self._stamp, self.ratios, self._summaries = self._db, db, stamp, ratios, summaries
        if old is not None:
            old.close()

    def _session(self, db: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        cursor = db.cursor()
        cursor.execute("SET VARIABLE warehouse = ?", [self.warehouse.uri])
        cursor.execute("USE catalog")
        return cursor

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for one request, on the current catalog (re-attached when a build replaced the file)."""
        with self._lock:
            if self._catalog_stamp() != self._stamp:
                self._open()
            assert self._db is not None
            cursor = self._session(self._db)
        try:
            yield cursor
        finally:
            cursor.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # --- pages -------------------------------------------------------------------------------------------------

    def summaries(self) -> _Summaries:
        """The totals by year and province, read once per catalog (a few hundred rows; a ranking page shows them)."""
        with self._lock:
            if self._catalog_stamp() != self._stamp:
                self._open()
            return self._summaries

    def provinces(self) -> list[dict[str, Any]]:
        """The provinces that have organs, for the region filters."""
        return self.summaries().provinces

    def search(self, text: str | None, region: str | None, limit: int = SEARCH_LIMIT) -> tuple[list[dict], int]:
        """Organs whose name or region name holds ``text``, within ``region`` (a province, prefecture or county
        code); the first ``limit`` and how many there are."""
        prefix = _region_prefix(region)
        with self.cursor() as db:
            rows = _rows(
                db.execute(
                    "SELECT *, count(*) OVER () AS matches FROM memory.organ_index"
                    " WHERE ($text IS NULL OR organ ILIKE '%' || $text || '%' OR region_name ILIKE '%' || $text || '%')"
                    " AND ($prefix IS NULL OR starts_with(region_code, $prefix))"
                    " ORDER BY region_code NULLS LAST, organ LIMIT $limit",
                    {"text": text or None, "prefix": prefix, "limit": limit},
                )
            )
        return rows, rows[0]["matches"] if rows else 0

    def organ(self, organ_id: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The organ and its reports year by year: figures, ratios, copies, findings."""
        with self.cursor() as db:
            organ = _one(db.execute("SELECT * FROM memory.organ_index WHERE organ_id = ?", [organ_id]))
            if organ is None:
                return None, []
            # Two pruned scans (the organ's documents; its reports' ratios) rather than the organ_years and
            # organ_history views joined: the same rows, a third of the reading at national scale.
            # Two pruned scans (the organ's reports; their ratios) rather than the organ_years and organ_history
            # views joined: the same rows, a third of the reading at national scale.
            history = _rows(
                db.execute(
                    "SELECT year, report_id, agency, template, status, media_type, coalesce(copies, 0) AS copies"
                    " FROM reports WHERE organ_id = ? AND status IN ('parsed', 'legacy') AND copy_of IS NULL"
                    " ORDER BY year, report_id",
                    [organ_id],
                )
            )
            figures = {
                (row["year"], row["report_id"]): row
                for row in _rows(db.execute("SELECT * FROM report_ratios WHERE organ_id = ?", [organ_id]))
            }
            history = [figures.get((row["year"], row["report_id"]), {}) | row for row in history]
            counts = self._finding_counts(db, [(row["year"], row["report_id"]) for row in history])
        for row in history:
            row.update(counts.get(row["report_id"], {"errors": 0, "warnings": 0}))
        return organ, history

    def _finding_counts(self, db: duckdb.DuckDBPyConnection, reports: list[tuple[int, str]]) -> dict[str, dict]:
        if not reports:
            return {}
        years = sorted({year for year, _ in reports})
        ids = [rid for _, rid in reports]
        rows = _rows(
            db.execute(
                "SELECT report_id, count(*) FILTER (WHERE severity = 'error') AS errors,"
                " count(*) FILTER (WHERE severity = 'warning') AS warnings FROM findings"
                f" WHERE year IN ({', '.join('?' * len(years))}) AND report_id IN ({', '.join('?' * len(ids))})"
                " GROUP BY report_id",
                [*years, *ids],
            )
        )
        return {row.pop("report_id"): row for row in rows}

    def _filed(self, db: duckdb.DuckDBPyConnection, report_id: str) -> tuple[int, str | None] | None:
        """The year and organ a report id is filed under (from the index, else a scan for an id not in hex)."""
        row = db.execute(
            "SELECT year, organ_id FROM memory.report_index WHERE id = TRY_CAST('0x' || ? AS UBIGINT)", [report_id]
        ).fetchone()
        if row is None:
            row = db.execute("SELECT year, organ_id FROM reports WHERE report_id = ?", [report_id]).fetchone()
        return (row[0], row[1]) if row else None

    def report_year(self, report_id: str) -> int | None:
        """The year a report is filed under (for an address without one)."""
        with self.cursor() as db:
            filed = self._filed(db, report_id)
        return filed[0] if filed else None

    def report(self, year: int, report_id: str, details: bool = True) -> ReportData | None:
        """A report's values and printing; ``details`` adds its findings, breaks, documents, copies and the organ's
        other reports (a comparison needs only the values)."""
        with self.cursor() as db:
            filed = self._filed(db, report_id)
            if filed is None or filed[0] != year:
                return None
            meta = _one(
                db.execute(
                    "SELECT * FROM reports WHERE year = ? AND organ_id IS NOT DISTINCT FROM ? AND report_id = ?",
                    [year, filed[1], report_id],
                )
            )
            if meta is None:
                return None
            organ = _one(db.execute("SELECT * FROM memory.organ_index WHERE organ_id = ?", [meta["organ_id"]]))
            region = _one(db.execute("SELECT full_name FROM regions WHERE region_code = ?", [meta["region_code"]]))
            meta |= {
                "organ": (organ or {}).get("organ") or meta["agency"],
                "region_name": (region or {}).get("full_name"),
            }
            statistics = _one(
                db.execute(
                    "SELECT * FROM statistics WHERE year = ? AND organ_id IS NOT DISTINCT FROM ? AND report_id = ?",
                    [year, meta["organ_id"], report_id],
                )
            )
            disclosure = {
                (row["item"], row["measure"]): row
                for row in _rows(
                    db.execute(
                        "SELECT item, measure, value, unit, raw FROM active_disclosure"
                        " WHERE year = ? AND organ_id IS NOT DISTINCT FROM ? AND report_id = ?",
                        [year, meta["organ_id"], report_id],
                    )
                )
            }
            cells = {
                (row["part"], row["row"], row["column"]): row
                | {"location": json.loads(row["location"]) if row["location"] else {}}
                for row in _rows(
                    db.execute(
                        'SELECT part, "row", "column", raw, unit, note, location FROM cells'
                        " WHERE year = ? AND report_id = ?",
                        [year, report_id],
                    )
                )
            }
            ratios = (
                _one(
                    db.execute(
                        "SELECT * FROM report_ratios WHERE year = ? AND organ_id IS NOT DISTINCT FROM ?"
                        " AND report_id = ?",
                        [year, meta["organ_id"], report_id],
                    )
                )
                if statistics and statistics.get("counted")
                else None
            )
            findings = documents = copies = others = []
            if details:
                findings = _rows(
                    db.execute(
                        'SELECT stage, rule, severity, message, location, form_key, "values" FROM findings'
                        " WHERE year = ? AND report_id = ?"
                        " ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rule",
                        [year, report_id],
                    )
                )
                documents = _rows(
                    db.execute(
                        "SELECT url, final_url, fetched_at, title, parent_url, source_id FROM documents"
                        " WHERE sha256 = ? ORDER BY fetched_at",
                        [meta["sha256"]],
                    )
                )
                report_of = meta["copy_of"] or report_id
                copies = _rows(
                    db.execute(
                        "SELECT report_id, year, media_type, source, copy_of FROM reports"
                        " WHERE year = ? AND organ_id IS NOT DISTINCT FROM ? AND (report_id = ? OR copy_of = ?)"
                        " AND report_id <> ? ORDER BY report_id",
                        [year, meta["organ_id"], report_of, report_of, report_id],
                    )
                )
                others = _rows(
                    db.execute(
                        "SELECT year, printf('%016x', id) AS report_id FROM memory.report_index"
                        " WHERE organ_id = ? AND report AND id <> TRY_CAST('0x' || ? AS UBIGINT) ORDER BY year",
                        [meta["organ_id"], report_id],
                    )
                )
        return ReportData(meta, statistics, disclosure, cells, findings, documents, copies, ratios, others)

    def ranking(
        self,
        measure: str,
        year: int,
        province: str | None = None,
        minimum: int = 0,
        ascending: bool = False,
        limit: int = RANKING_LIMIT,
    ) -> tuple[list[dict[str, Any]], int]:
        """Reports (organ-years) of ``year`` ranked by a ratio, within a province or nationwide, among those whose
        base is at least ``minimum``; the first ``limit`` and how many were ranked."""
        ratio = self.ratios[measure]  # a known macro name: safe to write into the SQL
        order = "ASC" if ascending else "DESC"
        region = "AND starts_with(r.region_code, $prefix)" if province else ""
        with self.cursor() as db:
            # A top-n (ORDER BY … LIMIT) with the count as a window: no sort of the whole year (¼ of a row_number()).
            rows = _rows(
                db.execute(
                    f"SELECT t.*, o.organ, o.region_name FROM ("
                    f"  SELECT count(*) OVER () AS ranked, q.report_id, q.year, q.organ_id, q.{measure} AS value,"
                    f"         q.{ratio.base} AS base"
                    f"  FROM report_ratios q"
                    + (" JOIN reports r ON r.year = q.year AND r.report_id = q.report_id" if province else "")
                    + f"  WHERE q.year = $year AND q.{measure} IS NOT NULL AND q.{ratio.base} >= $minimum {region}"
                    f"  ORDER BY q.{measure} {order}, q.report_id LIMIT $limit) t"
                    f" LEFT JOIN memory.organ_index o USING (organ_id) ORDER BY t.value {order}, t.report_id",
                    {"year": year, "minimum": minimum, "limit": limit}
                    | ({"prefix": _region_prefix(province)} if province else {}),
                )
            )
        for rank, row in enumerate(rows, start=1):
            row["rank"] = rank
        return rows, rows[0]["ranked"] if rows else 0

    def provincial_ranking(self, measure: str, year: int, ascending: bool = False) -> list[dict[str, Any]]:
        """The provinces of ``year`` ranked by a ratio of their totals (the ratio taken of the summed counts)."""
        rows = [
            {
                "province": row["province"],
                "province_name": row["province_name"],
                "reports": row["reports"],
                "value": row[measure],
            }
            for row in self.summaries().provincial
            if row["year"] == year and row[measure] is not None
        ]
        rows.sort(key=lambda row: (row["province"] or "",))
        rows.sort(key=lambda row: row["value"], reverse=not ascending)
        return rows

    def national(self, year: int) -> dict[str, Any] | None:
        return self.summaries().national.get(year)

    def years(self) -> list[int]:
        return sorted(self.summaries().national, reverse=True)

    def original(self, sha256: str) -> tuple[bytes, str] | None:
        """The archived original's bytes (checked against its sha256) and media type; None when not archived."""
        with self.cursor() as db:
            row = db.execute(
                "SELECT media_type FROM reports WHERE sha256 = ? UNION ALL"
                " SELECT media_type FROM documents WHERE sha256 = ? LIMIT 1",
                [sha256, sha256],
            ).fetchone()
        if row is None or not self.store.exists(sha256):
            return None
        return self.store.get(sha256), row[0] or "application/octet-stream"


def _region_prefix(code: str | None) -> str | None:
    """The code prefix a region covers: 41 for a province (410000), 4101 for a prefecture (410100), else the code."""
    if not code:
        return None
    code = code.strip()
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code
