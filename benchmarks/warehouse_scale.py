"""The warehouse at national scale: a synthetic archive written through the real write path, then DuckDB timings.

    .venv/bin/python benchmarks/warehouse_scale.py --scale 0.1          # 225,000 reports
    .venv/bin/python benchmarks/warehouse_scale.py                      # 2,250,000 reports (~150,000 a year × 15)
    .venv/bin/python benchmarks/warehouse_scale.py --scale 0.1 --compare-rows   # also the report × row layout

Reports are generated as Arrow tables (numpy), not as report JSON, so the figure measures the warehouse rather
than Python dict building; they then go through ``Warehouse.replace_reports`` (sort, zstd, atomic rename) and
``catalog.refresh`` exactly as ``govreports build`` does. Prints write time, bytes on disk and the median of warm
runs of: (a) national totals of new applications by year, (b) one organ's 15-year history, (c) the column-balance
check over all reports, (d) the top 20 by 不予公开 share for one year.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.report.form import load_form
from pipelines.settings import Settings
from warehouse import catalog
from warehouse.schema import application_column, review_cells
from warehouse.write import Warehouse

FULL_REPORTS = 2_250_000
YEARS = tuple(range(2010, 2025))
PROVINCES = (
    11,
    12,
    13,
    14,
    15,
    21,
    22,
    23,
    31,
    32,
    33,
    34,
    35,
    36,
    37,
    41,
    42,
    43,
    44,
    45,
    46,
    50,
    51,
    52,
    53,
    54,
    61,
    62,
    63,
    64,
    65,
)
BROKEN_SHARE = 0.03

QUERIES = {
    "a national totals by year": "SELECT year, new_received FROM national_totals ORDER BY year",
    "b one organ's history": "SELECT * FROM organ_history WHERE organ_id = ? ORDER BY year",
    "c column balance, all reports": "SELECT count(*) FROM check_applications_balance",
    "d top 20 by 不予公开 share": "SELECT * FROM top_denied_share(?, 20)",
}
TARGETS_MS = {"a": 300, "b": 30, "c": 1000, "d": 75}


def organ_ids(count: int) -> np.ndarray:
    provinces = np.array(PROVINCES)[np.arange(count) % len(PROVINCES)]
    return np.array([f"{p}{i % 10000:04d}:organ-{i:07d}" for i, p in enumerate(provinces)], dtype=object)


def year_batch(year: int, organs: np.ndarray, rng: np.random.Generator) -> dict[str, pa.Table]:
    """One year's reports for every organ: consistent tables, a few per cent with a broken balance."""
    form = load_form()
    template = form.templates["2021"]
    n = len(organs)
    ids = np.array([f"{year:04d}{i:012x}" for i in range(n)], dtype=object)
    years = pa.array(np.full(n, year, dtype=np.int32))
    base = {"report_id": pa.array(ids, pa.string()), "organ_id": pa.array(organs, pa.string()), "year": years}
    applicants = form.column_keys[:-1]
    total_column = form.column_keys[-1]
    apps: dict[str, pa.Array] = {}
    sums = {role: np.zeros((n, len(applicants)), dtype=np.int64) for role in ("result", "total")}
    for row in template.result_rows:
        values = rng.geometric(0.6, size=(n, len(applicants))) - 1
        values[:, 1:] *= rng.random((n, len(applicants) - 1)) < 0.1
        sums["result"] += values
        for j, column in enumerate(applicants):
            apps[application_column(row.key, column)] = pa.array(values[:, j])
        apps[application_column(row.key, total_column)] = pa.array(values.sum(axis=1))
    handled = sums["result"]
    forward = (rng.geometric(0.7, size=handled.shape) - 1) * (rng.random(handled.shape) < 0.2)
    over = np.minimum((rng.geometric(0.7, size=handled.shape) - 1) * (rng.random(handled.shape) < 0.2), handled)
    new = handled + forward - over
    broken = rng.random(n) < BROKEN_SHARE
    for role_row, matrix in (
        ("new_received", new),
        ("carried_over", over),
        ("total", handled),
        ("carried_forward", forward),
    ):
        for j, column in enumerate(applicants):
            apps[application_column(role_row, column)] = pa.array(matrix[:, j])
        column_total = matrix.sum(axis=1) + (broken if role_row == "new_received" else 0)
        apps[application_column(role_row, total_column)] = pa.array(column_total)
    applications = pa.table({**base, **apps})
    review_values = {}
    for block in form.review_blocks:
        parts = [rng.geometric(0.8, size=n) - 1 for _ in form.review_measures[:-1]]
        for measure, values in zip(form.review_measures[:-1], parts, strict=True):
            review_values[f"{block.key}_{measure.key}"] = pa.array(values)
        review_values[f"{block.key}_{form.review_measures[-1].key}"] = pa.array(sum(parts))
    review = pa.table({**base, **{key: review_values[key] for key, _, _ in review_cells()}})
    pairs = [(item.key, measure.key) for item in template.items for measure in item.measures]
    repeat = np.repeat(np.arange(n), len(pairs))
    values = rng.geometric(0.01, size=len(repeat)).astype(np.float64)
    disclosure = pa.table(
        {
            "report_id": pa.array(ids[repeat], pa.string()),
            "organ_id": pa.array(organs[repeat], pa.string()),
            "item": pa.array([p[0] for p in pairs] * n, pa.string()),
            "measure": pa.array([p[1] for p in pairs] * n, pa.string()),
            "value": pa.array(values),
            "raw": pc.cast(pa.array(values.astype(np.int64)), pa.string()),
            "year": pa.array(np.full(len(repeat), year, dtype=np.int32)),
        }
    )
    flagged = np.flatnonzero(broken)
    findings = pa.table(
        {
            "report_id": pa.array(ids[flagged], pa.string()),
            "stage": pa.array(["validate"] * len(flagged), pa.string()),
            "rule": pa.array(["applications.balance"] * len(flagged), pa.string()),
            "severity": pa.array(["error"] * len(flagged), pa.string()),
            "message": pa.array(["new + carried over ≠ total + carried forward (总计)"] * len(flagged), pa.string()),
            "year": pa.array(np.full(len(flagged), year, dtype=np.int32)),
        }
    )
    reports = pa.table(
        {
            **base,
            "agency": pa.array(np.char.add("机关", organs.astype(str)).astype(object), pa.string()),
            "region_code": pc.utf8_slice_codeunits(pa.array(organs, pa.string()), 0, 6),
            "template": pa.array(["2021"] * n, pa.string()),
            "sha256": pa.array(np.char.add(ids.astype(str), "0" * 48).astype(object), pa.string()),
            "parser_version": pa.array(["synthetic"] * n, pa.string()),
            "status": pa.array(["parsed"] * n, pa.string()),
        }
    )
    statistics = pa.table(
        {
            **base,
            "has_applications": pa.array(np.ones(n, dtype=bool)),
            "has_review": pa.array(np.ones(n, dtype=bool)),
            **{name: applications.column(name) for name in applications.column_names if name not in base},
            **{name: review.column(name) for name in review.column_names if name not in base},
        }
    )
    return {"reports": reports, "statistics": statistics, "active_disclosure": disclosure, "findings": findings}


def disk_bytes(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*.parquet"))


def timings(connection: duckdb.DuckDBPyConnection, queries: dict[str, str], params: dict[str, list], repeat: int):
    """Median and best of ``repeat`` warm runs per query, in ms (the first run warms caches and is not counted)."""
    results = {}
    for name, sql in queries.items():
        args = params.get(name[0], [])
        connection.execute(sql, args).fetchall()
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            connection.execute(sql, args).fetchall()
            runs.append((time.perf_counter() - start) * 1000)
        results[name] = (statistics.median(runs), min(runs))
    return results


ROW_LAYOUT_QUERIES = {
    "a national totals by year": (
        "SELECT year, sum(total) FROM rows_apps WHERE \"row\" = 'new_received' GROUP BY year ORDER BY year"
    ),
    "b one organ's history": 'SELECT * FROM rows_apps WHERE organ_id = ? ORDER BY year, "row"',
    "c column balance, all reports": None,
    "d top 20 by 不予公开 share": None,
}


def row_layout(connection: duckdb.DuckDBPyConnection, root: Path, repeat: int, params: dict[str, list]) -> dict:
    """The issue's measured layout (report × table row, 7 value columns), derived from ours, same queries."""
    form = load_form()
    columns = form.column_keys
    rows = [row.key for row in form.all_application_rows()]
    target = root / "rows_layout"
    selects = " UNION ALL ".join(
        "SELECT report_id, organ_id, year, '{r}' AS \"row\", {cols} FROM applications".format(
            r=row, cols=", ".join(f'"{application_column(row, c)}" AS "{c}"' for c in columns)
        )
        for row in rows
    )
    connection.execute(
        f"COPY ({selects} ORDER BY year, organ_id, report_id) TO '{target}' "
        "(FORMAT parquet, PARTITION_BY (year), COMPRESSION zstd, OVERWRITE_OR_IGNORE)"
    )
    connection.execute(
        f"CREATE OR REPLACE TEMP VIEW rows_apps AS SELECT * FROM read_parquet('{target}/*/*.parquet', "
        "hive_partitioning = true)"
    )
    terms = " OR ".join(f"n.{c} + o.{c} <> t.{c} + f.{c}" for c in columns)
    queries = dict(ROW_LAYOUT_QUERIES)
    queries["c column balance, all reports"] = (
        'WITH p AS (SELECT report_id, year, "row", ' + ", ".join(columns) + " FROM rows_apps "
        "WHERE \"row\" IN ('new_received', 'carried_over', 'total', 'carried_forward')) "
        "SELECT count(*) FROM p n JOIN p o USING (report_id, year) JOIN p t USING (report_id, year) "
        "JOIN p f USING (report_id, year) WHERE n.row = 'new_received' AND o.row = 'carried_over' "
        f"AND t.row = 'total' AND f.row = 'carried_forward' AND ({terms})"
    )
    denied = ", ".join(f"'{r.key}'" for r in form.all_application_rows() if r.group == "denied")
    queries["d top 20 by 不予公开 share"] = (
        'SELECT report_id, sum(total) FILTER (WHERE "row" IN (' + denied + ")) / "
        "NULLIF(sum(total) FILTER (WHERE \"row\" = 'total'), 0) AS share FROM rows_apps WHERE year = ? "
        "GROUP BY report_id ORDER BY share DESC NULLS LAST, report_id LIMIT 20"
    )
    size = sum(p.stat().st_size for p in target.rglob("*.parquet"))
    return {"bytes": size, "timings": timings(connection, queries, params, repeat)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 2,250,000 reports (default 1)")
    parser.add_argument("--repeat", type=int, default=7, help="warm runs per query (median printed)")
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument("--compare-rows", action="store_true", help="also time the report × row layout")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--rewrite", action="store_true", help="then replace every report again and time that")
    parser.add_argument("--queries-only", action="store_true", help="time the queries on an existing --data")
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="warehouse-scale-"))
    settings = Settings.resolve(data)
    per_year = round(FULL_REPORTS * args.scale / len(YEARS))
    rng = np.random.default_rng(args.seed)
    organs = organ_ids(per_year)
    warehouse = Warehouse(settings.warehouse)
    print(f"{per_year * len(YEARS):,} reports ({per_year:,} a year × {len(YEARS)} years) → {settings.warehouse}")
    generate = write = 0.0
    for year in () if args.queries_only else YEARS:
        start = time.perf_counter()
        batch = year_batch(year, organs, rng)
        generate += time.perf_counter() - start
        start = time.perf_counter()
        warehouse.replace_reports(batch)
        write += time.perf_counter() - start
    start = time.perf_counter()
    catalog.refresh(settings)
    write += time.perf_counter() - start
    rewrite = 0.0
    if args.rewrite and not args.queries_only:
        rng = np.random.default_rng(args.seed)
        for year in YEARS:
            batch = year_batch(year, organs, rng)
            start = time.perf_counter()
            warehouse.replace_reports(batch)
            rewrite += time.perf_counter() - start
        start = time.perf_counter()
        catalog.refresh(settings)
        rewrite += time.perf_counter() - start
    size = disk_bytes(Path(settings.warehouse))
    print(f"generate {generate:.1f} s (not counted); write + catalog {write:.1f} s; {size / 1e6:,.0f} MB on disk")
    if args.rewrite:
        print(f"full rewrite over the existing warehouse (every report replaced) + catalog {rewrite:.1f} s")
    cells = len(load_form().templates["2021"].rows) * len(load_form().column_keys) + 15 + 10
    print(f"≈{cells} cells a report, ≈{cells * per_year * len(YEARS) / 1e6:,.0f} M cells")
    params = {"b": [str(organs[len(organs) // 2])], "d": [YEARS[-2]]}
    with catalog.connect(settings) as connection:
        results = timings(connection, QUERIES, params, args.repeat)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work here skews timings)")
        for name, (median, best) in results.items():
            print(f"  ({name}) median {median:8.1f} ms  best {best:8.1f} ms   target ≤ {TARGETS_MS[name[0]]} ms")
        if args.compare_rows:
            other = row_layout(connection, Path(data), args.repeat, params)
            print(f"report × row layout (issue's): {other['bytes'] / 1e6:,.0f} MB")
            for name, (median, best) in other["timings"].items():
                print(f"  ({name}) median {median:8.1f} ms  best {best:8.1f} ms")
    if not args.keep and args.data is None:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
