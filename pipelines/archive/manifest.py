"""The ``documents`` manifest: one row per archived body — where it came from and what the listing said it is.

Append-only Parquet files ``{archive_dir}/manifest/<run_id>[.<n>].parquet``: a writer never rewrites a file, it
adds the next part (hard-linked into place, so two writers never clobber each other). The crawler writes rows for
what it fetched; ``govreports ingest`` writes rows for local files (source_id ``local``) through the same function.
Readers take the union with :func:`read_manifest`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("final_url", pa.string()),
        pa.field("http_status", pa.int16()),
        pa.field("sha256", pa.string(), nullable=False),
        pa.field("media_type", pa.string()),
        pa.field("size", pa.int64()),
        pa.field("fetched_at", pa.timestamp("us", tz="UTC")),
        pa.field("role", pa.string()),
        pa.field("parent_url", pa.string()),
        pa.field("link_text", pa.string()),
        pa.field("title", pa.string()),
        pa.field("is_report", pa.bool_()),
        pa.field("kind", pa.string()),
        pa.field("agency", pa.string()),
        pa.field("year", pa.int16()),
        pa.field("region_code", pa.string()),
        pa.field("content_type", pa.string()),
        pa.field("etag", pa.string()),
        pa.field("last_modified", pa.string()),
        pa.field("filename", pa.string()),
    ]
)
"""Column meanings: role is list|page|attachment|api|file; parent_url is the page that linked it (an attachment's
landing page); title/is_report/agency/year are guesses from the listing (the parser confirms later); kind is the
title recogniser's verdict (report | tables | about | other, ``pipelines.titles.Kind``); filename is the sanitised
Content-Disposition name; content_type is the header as sent."""

REQUIRED = ("source_id", "url", "sha256")
COLUMNS = tuple(SCHEMA.names)


class ManifestError(ValueError):
    """A record that does not fit the manifest schema."""


def manifest_dir(archive_dir: Path | str) -> Path:
    return Path(archive_dir) / "manifest"


def _normalise(record: dict[str, Any], run_id: str, index: int) -> dict[str, Any]:
    unknown = set(record) - set(COLUMNS)
    if unknown:
        raise ManifestError(f"manifest record {index} ({record.get('url')!r}): unknown field(s) {sorted(unknown)}")
    missing = [name for name in REQUIRED if not record.get(name)]
    if missing:
        raise ManifestError(f"manifest record {index} ({record.get('url')!r}): missing {missing}")
    row = {name: record.get(name) for name in COLUMNS}
    row["run_id"] = run_id
    if row["fetched_at"] is None:
        row["fetched_at"] = datetime.now(UTC)
    return row


def append_records(archive_dir: Path | str, run_id: str, records: Iterable[dict[str, Any]]) -> Path | None:
    """Write ``records`` as a new Parquet part of run ``run_id``; return its path (None when there were none)."""
    if not run_id or "/" in run_id or run_id.startswith("."):
        raise ManifestError(f"run_id {run_id!r} is not usable as a file name")
    rows = [_normalise(record, run_id, index) for index, record in enumerate(records)]
    if not rows:
        return None
    try:
        table = pa.Table.from_pylist(rows, schema=SCHEMA)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise ManifestError(f"manifest records of run {run_id}: {error}") from error
    directory = manifest_dir(archive_dir)
    directory.mkdir(parents=True, exist_ok=True)
    temp = directory / f".{run_id}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
    try:
        pq.write_table(table, temp)
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        part = 0
        while True:
            final = directory / (f"{run_id}.parquet" if part == 0 else f"{run_id}.{part}.parquet")
            try:
                os.link(temp, final)
                break
            except FileExistsError:
                part += 1
    finally:
        temp.unlink(missing_ok=True)
    return final


def read_manifest(archive_dir: Path | str) -> pa.Table:
    """Every manifest row of every run (older parts missing newer columns get nulls)."""
    directory = manifest_dir(archive_dir)
    tables = []
    for path in sorted(directory.glob("*.parquet")) if directory.is_dir() else []:
        table = pq.read_table(path)
        columns = [
            table.column(name).cast(field.type) if name in table.column_names else pa.nulls(len(table), field.type)
            for name, field in zip(SCHEMA.names, SCHEMA, strict=True)
        ]
        tables.append(pa.Table.from_arrays(columns, schema=SCHEMA))
    if not tables:
        return SCHEMA.empty_table()
    return pa.concat_tables(tables)


def latest_by_url(archive_dir: Path | str, source_id: str | None = None) -> dict[str, dict[str, Any]]:
    """The newest successful row per URL (and per final URL): what an incremental crawl already holds."""
    table = read_manifest(archive_dir)
    latest: dict[str, dict[str, Any]] = {}
    for row in sorted(table.to_pylist(), key=lambda row: row["fetched_at"] or datetime.min.replace(tzinfo=UTC)):
        if source_id is not None and row["source_id"] != source_id:
            continue
        if row["http_status"] is not None and not 200 <= row["http_status"] < 300:
            continue
        latest[row["url"]] = row
    return latest
