"""The ``documents`` manifest: one row per archived body — where it came from and what the listing said it is.

Append-only Parquet parts ``{archive}/manifest/<day>/<written at>-<run_id>.parquet``: a writer never rewrites a
part, it adds the next one (created exclusively, so two writers never clobber each other). The crawler writes rows
for what it fetched; ``govreports ingest`` writes rows for local files (source_id ``local``) through the same
function. Readers take the union with :func:`read_manifest`, or only what is new since their last read with
:func:`read_new` and a :class:`ManifestCursor`: parts are filed by the day they were written, so a reader that
keeps its cursor lists only the folders of the last day or two, however long the archive's history. Parts of the
first layout (``manifest/<run_id>[.<n>].parquet``) are still read.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.archive.location import Location

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


FOLDER = "manifest"
STAMP = "%Y%m%dT%H%M%S%fZ"
VISIBLE_WITHIN = timedelta(hours=1)
"""A part is visible to readers within this time of the stamp in its name (its write takes milliseconds locally and
seconds on object storage; the margin also covers clocks of different writers that disagree by minutes)."""


def manifest_dir(archive_dir: Path | str) -> Path:
    return Path(archive_dir) / FOLDER


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


def append_records(
    archive: Path | str | Location, run_id: str, records: Iterable[dict[str, Any]]
) -> str | None:
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
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    location = _location(archive)
    while True:
        now = datetime.now(UTC)
        name = f"{FOLDER}/{now:%Y-%m-%d}/{now.strftime(STAMP)}-{run_id}.parquet"
        if location.create(name, buffer.getvalue()):
            return location.path(name)


def _location(archive: Path | str | Location) -> Location:
    return archive if isinstance(archive, Location) else Location(archive)


def _read_part(location: Location, name: str) -> pa.Table:
    """One part, cast to the current schema (older parts missing newer columns get nulls)."""
    with location.open_input(name) as handle:
        table = pq.read_table(handle)
    columns = [
        table.column(name).cast(field.type) if name in table.column_names else pa.nulls(len(table), field.type)
        for name, field in zip(SCHEMA.names, SCHEMA, strict=True)
    ]
    return pa.Table.from_arrays(columns, schema=SCHEMA)


def _concat(location: Location, names: Iterable[str]) -> pa.Table:
    tables = [_read_part(location, name) for name in names]
    return pa.concat_tables(tables) if tables else SCHEMA.empty_table()


def _days(location: Location, since: str | None = None) -> list[str]:
    """The day folders (``manifest/YYYY-MM-DD``), from ``since`` on."""
    return [folder for folder in location.folders(FOLDER) if since is None or folder.rsplit("/", 1)[-1] >= since]


def part_names(archive: Path | str | Location, since_day: str | None = None) -> list[str]:
    """Every part's name, oldest first (first-layout parts, then day folders from ``since_day``)."""
    location = _location(archive)
    names = location.list(FOLDER, ".parquet") if since_day is None else []
    for day in _days(location, since_day):
        names += location.list(day, ".parquet")
    return names


def read_manifest(archive: Path | str | Location) -> pa.Table:
    """Every manifest row of every run."""
    location = _location(archive)
    return _concat(location, part_names(location))


def run_parts(archive: Path | str | Location, run_id: str, since: datetime) -> list[str]:
    """The parts run ``run_id`` wrote (it started at ``since``): what recovery after a killed run reads."""
    location = _location(archive)
    suffix = f"-{run_id}.parquet"
    return [name for name in part_names(location, f"{since - timedelta(days=1):%Y-%m-%d}") if name.endswith(suffix)]


def read_parts(archive: Path | str | Location, names: Iterable[str]) -> pa.Table:
    return _concat(_location(archive), names)


def _stamp(name: str) -> str:
    """The write stamp of a day-folder part (first-layout parts have none: they sort before every stamp)."""
    base = name.rsplit("/", 1)[-1]
    return base.split("-", 1)[0] if name.count("/") >= 2 else ""


@dataclass
class ManifestCursor:
    """How far a reader has read: every part stamped before ``watermark``, and the later ones in ``seen``."""

    watermark: str = ""
    seen: set[str] = field(default_factory=set)

    def to_json(self) -> str:
        return json.dumps({"watermark": self.watermark, "seen": sorted(self.seen)})

    @classmethod
    def from_json(cls, text: str | None) -> ManifestCursor | None:
        if not text:
            return None
        data = json.loads(text)
        return cls(watermark=data.get("watermark", ""), seen=set(data.get("seen", [])))


def read_new(
    archive: Path | str | Location, cursor: ManifestCursor | None = None, now: datetime | None = None
) -> tuple[pa.Table, ManifestCursor]:
    """The rows written since ``cursor`` (all rows when it is None) and the cursor to pass next time.

    Only day folders from the watermark's day on are listed, so the cost follows what is new, not the history."""
    location = _location(archive)
    now = now or datetime.now(UTC)
    if cursor is None:
        names = part_names(location)
    else:
        stamp_day = cursor.watermark[:8]
        since_day = f"{stamp_day[:4]}-{stamp_day[4:6]}-{stamp_day[6:8]}" if stamp_day else None
        names = [
            name for name in part_names(location, since_day)
            if _stamp(name) >= cursor.watermark and name not in cursor.seen
        ]
    watermark = (now - VISIBLE_WITHIN).strftime(STAMP)
    previous = cursor.seen if cursor is not None else set()
    seen = {name for name in (*previous, *names) if _stamp(name) >= watermark}
    return _concat(location, names), ManifestCursor(watermark=max(watermark, cursor.watermark if cursor else ""),
                                                    seen=seen)
