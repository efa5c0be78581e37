"""The crawl state: per source, what the archive already holds of each document URL — a small table read in time
independent of how many nights came before.

The manifest stays the complete, append-only record of every fetch; reading it all to learn "have we got this
URL?" grows with every night (issue 14 measured 3.5× the first night's CPU at 100 sources). So each source keeps
one compacted table, ``{archive}/state/sources/<source_id>.arrow``: per document URL its last sha256, validators
(ETag, Last-Modified), status, when it was fetched and last checked, what the listing said (report, organ, year)
and, for pages, the attachment URLs they link to (so a night with nothing new needs neither the page nor its
bytes). The crawler rewrites a source's table when it finished that source, after the manifest rows it stands for
are written. A run that is killed first leaves a lease, ``state/runs/<run_id>.json``; the next run folds the parts
the dead run wrote into the tables (:meth:`CrawlState.recover`), so no fetch is forgotten and none repeated.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from pipelines.archive.location import Location
from pipelines.archive.manifest import read_parts, run_parts
from pipelines.archive.store import pid_alive

SOURCES = "state/sources"
STATE_SUFFIX = ".arrow"
"""A source's table is an Arrow IPC file: every source's table is read each night, and reading one of 40 rows cost
0.05 ms as Arrow IPC against 0.7-2 ms as Parquet (pyarrow 0.57 ms ParquetFile.read, 2.1 ms read_table; 1,000
sources, night 2). Uncompressed: zstd or lz4 made it 0.3 ms again, for 17 KB a table instead of 8-10 KB."""
LEGACY_SUFFIX = ".parquet"
"""Tables of earlier versions, read once and replaced by the next save."""
RUNS = "state/runs"
META_KEY = b"govreports"
DOCUMENT_ROLES = frozenset({"page", "attachment"})
HEARTBEAT = timedelta(seconds=60)
"""How often a running crawl renews its lease."""
STALE_AFTER = timedelta(minutes=10)
"""A lease not renewed for this long belongs to a dead run (on another machine; on this one the pid tells)."""

SCHEMA = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("final_url", pa.string()),
        pa.field("sha256", pa.string(), nullable=False),
        pa.field("http_status", pa.int16()),
        pa.field("role", pa.string()),
        pa.field("content_type", pa.string()),
        pa.field("etag", pa.string()),
        pa.field("last_modified", pa.string()),
        pa.field("fetched_at", pa.timestamp("us", tz="UTC")),
        pa.field("checked_at", pa.timestamp("us", tz="UTC")),
        pa.field("is_report", pa.bool_()),
        pa.field("report_key", pa.string()),
        pa.field("title", pa.string()),
        pa.field("agency", pa.string()),
        pa.field("year", pa.int16()),
        pa.field("children", pa.list_(pa.string())),
    ]
)
"""One row per document URL (the URL as first requested; ``final_url`` after redirects). ``children`` is None when
not known (a page recovered from a killed run's manifest rows): such a page is handed to the spider again."""
COLUMNS = tuple(SCHEMA.names)

_SPACE = re.compile(r"[\s\u3000]+")


class StateError(ValueError):
    """A state table that cannot be read; the message names it and what to do."""


def report_key(title: str) -> str:
    """A listed report's identity within its source: the title without white space."""
    return _SPACE.sub("", title)


VOLATILE_META = frozenset({"last_run_id", "last_finished_at"})
"""Meta that changes every night without saying anything new: not worth rewriting a table for."""


def _lasting(meta: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in meta.items() if k not in VOLATILE_META}, sort_keys=True, default=str)


@dataclass
class SourceState:
    """One source's state: ``entries`` by URL, and ``meta`` (what the last runs listed, their status)."""

    source_id: str
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    dirty: bool = True
    """Whether the table must be written: a night that changed nothing of a source does not rewrite its table."""
    legacy: bool = False
    """Read from an earlier version's Parquet table (replaced when saved)."""
    _loaded_meta: str = ""

    def loaded(self) -> SourceState:
        """Mark as just read from storage (clean)."""
        self.dirty = False
        self._loaded_meta = _lasting(self.meta)
        return self

    def needs_save(self) -> bool:
        return self.dirty or self.legacy or _lasting(self.meta) != self._loaded_meta

    def update(self, url: str, **values: Any) -> None:
        """Change fields of a held entry (a page's links, when it was last checked)."""
        entry = self.entries.get(url)
        if entry is not None and any(entry.get(name) != value for name, value in values.items()):
            entry.update(values)
            self.dirty = True

    def merge_fetch(self, row: dict[str, Any]) -> None:
        """Take a fetched document (a manifest row): newer than what the state holds, or another body, wins."""
        if row.get("role") not in DOCUMENT_ROLES or not 200 <= (row.get("http_status") or 0) < 300:
            return
        url = row["url"]
        fetched = row.get("fetched_at")
        held = self.entries.get(url)
        if held is not None and held["sha256"] == row["sha256"] and held.get("fetched_at") and fetched \
                and held["fetched_at"] >= fetched:
            return
        title = row.get("title")
        entry = {name: row.get(name) for name in COLUMNS if name in row}
        entry.update(
            checked_at=fetched,
            report_key=report_key(title) if row.get("is_report") and title else None,
            children=row.get("children"),
        )
        if held is not None and held["sha256"] == row["sha256"] and entry["children"] is None:
            entry["children"] = held.get("children")  # the same body links to the same attachments
        self.entries[url] = entry
        self.dirty = True

    def to_table(self) -> pa.Table:
        rows = [{name: entry.get(name) for name in COLUMNS} for entry in self.entries.values()]
        table = pa.Table.from_pylist(rows, schema=SCHEMA)
        metadata = {META_KEY: json.dumps({"source_id": self.source_id, **self.meta}, ensure_ascii=False).encode()}
        return table.replace_schema_metadata(metadata)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _read_arrow(data: bytes) -> pa.Table:
    return ipc.open_file(pa.py_buffer(data)).read_all()


def _read_parquet(data: bytes) -> pa.Table:
    return pq.ParquetFile(io.BytesIO(data)).read(use_threads=False)


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    """The table's rows as dicts, read column by column: every source's table is read each night, and pyarrow's
    ``to_pylist`` spent 0.36 ms per timestamp column of 40 rows making zoned datetimes (3.7 ms a table with the
    ``read_table`` around it); the timestamps are read as microseconds and made here (0.8 ms a table in all)."""
    columns: dict[str, list[Any]] = {}
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_timestamp(column.type):
            micros = column.cast(pa.timestamp("us", tz=column.type.tz)).cast(pa.int64()).to_pylist()
            columns[name] = [None if value is None else _EPOCH + timedelta(microseconds=value) for value in micros]
        else:
            columns[name] = column.to_pylist()
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass
class RunLease:
    """A crawl run in progress (or killed): who runs it, and when it last said it was alive."""

    run_id: str
    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime

    def to_json(self) -> bytes:
        return json.dumps(
            {"run_id": self.run_id, "host": self.host, "pid": self.pid, "started_at": self.started_at.isoformat(),
             "heartbeat_at": self.heartbeat_at.isoformat()}
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> RunLease:
        value = json.loads(data)
        now = datetime.now(UTC)
        started, beat = _parse_time(value["started_at"]) or now, _parse_time(value["heartbeat_at"]) or now
        return cls(value["run_id"], value["host"], int(value["pid"]), started, beat)

    def is_dead(self, now: datetime) -> bool:
        if self.host == socket.gethostname() and self.pid != os.getpid():
            return not pid_alive(self.pid) or now - self.heartbeat_at > STALE_AFTER
        return self.pid != os.getpid() and now - self.heartbeat_at > STALE_AFTER


class CrawlState:
    """The state tables and run leases of one archive (a directory or an object-storage URI)."""

    def __init__(self, archive: Path | str | Location) -> None:
        self.location = archive if isinstance(archive, Location) else Location(archive)

    @staticmethod
    def _name(source_id: str, suffix: str = STATE_SUFFIX) -> str:
        if not source_id or "/" in source_id or source_id.startswith("."):
            raise StateError(f"source id {source_id!r} is not usable as a file name")
        return f"{SOURCES}/{source_id}{suffix}"

    def load(self, source_id: str) -> SourceState:
        """The source's state (empty for a source never crawled); StateError when the table is unreadable."""
        for suffix, read in ((STATE_SUFFIX, _read_arrow), (LEGACY_SUFFIX, _read_parquet)):
            name = self._name(source_id, suffix)
            try:
                data = self.location.read_bytes(name)
            except FileNotFoundError:
                continue
            try:
                table = read(data)
                raw = (table.schema.metadata or {}).get(META_KEY)
                meta = json.loads(raw) if raw else {}
                rows = _rows(table)
            except (pa.ArrowException, ValueError, OSError) as error:
                raise StateError(
                    f"crawl state of {source_id} at {self.location.path(name)} is unreadable ({error}); remove it "
                    f"to crawl the column afresh (its archive and manifest are untouched)"
                ) from error
            meta.pop("source_id", None)
            state = SourceState(source_id, {row["url"]: row for row in rows}, meta).loaded()
            state.legacy = suffix == LEGACY_SUFFIX
            return state
        return SourceState(source_id).loaded()

    def save(self, state: SourceState) -> None:
        table = state.to_table()
        buffer = io.BytesIO()
        with ipc.new_file(buffer, table.schema) as writer:
            writer.write_table(table)
        self.location.write_bytes(self._name(state.source_id), buffer.getvalue())
        if state.legacy:  # the Parquet table of an earlier version is replaced by this one
            self.location.delete(self._name(state.source_id, LEGACY_SUFFIX))
            state.legacy = False

    # Leases -------------------------------------------------------------------------------------------------------

    def begin_run(self, run_id: str, now: datetime | None = None) -> RunLease:
        now = now or datetime.now(UTC)
        lease = RunLease(run_id, socket.gethostname(), os.getpid(), now, now)
        self.location.write_bytes(f"{RUNS}/{run_id}.json", lease.to_json(), durable=False)
        return lease

    def heartbeat(self, lease: RunLease, now: datetime | None = None) -> None:
        lease.heartbeat_at = now or datetime.now(UTC)
        self.location.write_bytes(f"{RUNS}/{lease.run_id}.json", lease.to_json(), durable=False)

    def end_run(self, lease: RunLease) -> None:
        self.location.delete(f"{RUNS}/{lease.run_id}.json")

    def leases(self) -> list[RunLease]:
        found = []
        for name in self.location.list(RUNS, ".json"):
            try:
                found.append(RunLease.from_json(self.location.read_bytes(name)))
            except (FileNotFoundError, ValueError, KeyError):
                continue  # removed meanwhile, or torn by a crash: the next recovery retries
        return found

    def recover(self, now: datetime | None = None) -> list[str]:
        """Fold the manifest parts of dead runs into the state tables; return the run ids recovered."""
        now = now or datetime.now(UTC)
        recovered = []
        for lease in self.leases():
            if not lease.is_dead(now):
                continue
            self.fold(run_parts(self.location, lease.run_id, lease.started_at))
            self.location.delete(f"{RUNS}/{lease.run_id}.json")
            recovered.append(lease.run_id)
        return recovered

    def fold(self, part_names: Iterable[str]) -> int:
        """Merge the document rows of these manifest parts into their sources' tables; return the rows merged."""
        table = read_parts(self.location, part_names)
        by_source: dict[str, list[dict[str, Any]]] = {}
        for row in table.to_pylist():
            if row.get("role") in DOCUMENT_ROLES:
                by_source.setdefault(row["source_id"], []).append(row)
        for source_id, rows in by_source.items():
            try:
                state = self.load(source_id)
            except StateError:
                continue  # the crawl of that source reports it; the rows stay in the manifest
            for row in rows:
                state.merge_fetch(row)
            self.save(state)
        return sum(len(rows) for rows in by_source.values())
