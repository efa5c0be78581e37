"""Building the warehouse: the parse stage's persisted Reports → Parquet tables → the catalog.

Three steps, each its own entry (Dagster runs them as the assets ``parsed_reports``, ``warehouse_tables`` and
``catalog``; ``govreports build`` runs them in a row through :func:`build`):
1. ``pipelines.report.stage.parse_archive`` parses what this parser version has not parsed, in parallel, and
   persists one outcome (a typed Report, or why there is none) per document;
2. :func:`write_tables` loads the outcomes not yet in the warehouse for this parser version, resolves each
   document's organ, and replaces the documents' rows in the Parquet tables in batches (one function per table,
   warehouse/rows.py);
3. ``catalog.refresh`` rebuilds the DuckDB views.

Both the stage and :func:`write_tables` read only what the archive's manifest gained since they last ran (each keeps
its own cursor, tied to the parser version: a new version reads everything), so a night's cost follows what is new,
not the history.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.archive.location import Location
from pipelines.archive.manifest import ManifestCursor, read_new
from pipelines.findings import FindingsLog
from pipelines.report.outcome import ParsedDocument
from pipelines.report.stage import StageResult, parse_archive, parser_version, report_documents, source_of
from pipelines.report.store import ReportStore, StoredOutcomeError
from pipelines.settings import Settings
from warehouse import catalog
from warehouse.identity import Decision, Registry, decisions_table
from warehouse.rows import Outcome, batch_tables, report_id
from warehouse.schema import spec
from warehouse.staging import writing
from warehouse.write import Warehouse

BATCH_SIZE = 2000
"""Documents written per batch: each write rewrites the year partitions it touches, so fewer, larger batches."""
Progress = Callable[[int, int, str], None]
"""Called after each document with (done, total, the document's source)."""


@dataclass
class TablesResult:
    """What one warehouse write did: reports loaded now (new to the warehouse), awaiting a parse, findings."""

    documents: int = 0
    loaded: int = 0
    new: int = 0
    current: int = 0
    """Documents already in the warehouse from this parser version (not loaded again)."""
    awaiting_parse: int = 0
    """Documents the parse stage has no outcome for yet (it has not run since they were archived)."""
    statuses: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)


@dataclass
class BuildResult:
    """What one build did: documents in the archive, parsed now, new to the warehouse, already parsed, findings."""

    documents: int = 0
    parsed: int = 0
    loaded: int = 0
    new: int = 0
    skipped: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)


def documents_table(manifest: pa.Table) -> pa.Table:
    """The manifest as the warehouse's documents table (the listing's year guess is ``listed_year``)."""
    if "year" in manifest.column_names:
        manifest = manifest.rename_columns(["listed_year" if n == "year" else n for n in manifest.column_names])
    names = spec("documents").schema.names
    return manifest.select([n for n in names if n in manifest.column_names])


def build(
    settings: Settings,
    progress: Progress | None = None,
    *,
    rebuild: bool = False,
    sources_dir: Path | str | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
) -> BuildResult:
    """Parse what is new in the archive, load it into the warehouse and refresh the catalog (``rebuild``: all).
    One writer at a time: a second build waits for the first (warehouse.staging.writing), then finds its work done."""
    with writing(settings):
        parsed: StageResult = parse_archive(settings.archive, workers=workers, rebuild=rebuild, progress=progress)
        tables = write_tables(settings, sources_dir=sources_dir, reload=rebuild, batch_size=batch_size)
        catalog.refresh(settings)
    return BuildResult(
        documents=tables.documents,
        parsed=parsed.parsed,
        loaded=tables.loaded,
        new=tables.new,
        skipped=min(tables.documents, tables.current + parsed.skipped),
        statuses=tables.statuses,
        findings=tables.findings,
        failures=parsed.failures,
    )


def write_tables(
    settings: Settings,
    *,
    sources_dir: Path | str | None = None,
    reload: bool = False,
    batch_size: int = BATCH_SIZE,
    version: str | None = None,
) -> TablesResult:
    """Load the persisted outcomes the warehouse does not hold for this parser version (``reload``: every one)
    into the Parquet tables; write the documents, organs and identity decisions. Under the warehouse's writer
    lock (re-entered when :func:`build` holds it)."""
    with writing(settings):
        return _write_tables(settings, sources_dir, reload, batch_size, version or parser_version())


def _write_tables(
    settings: Settings, sources_dir: Path | str | None, reload: bool, batch_size: int, version: str
) -> TablesResult:
    warehouse = Warehouse(settings.warehouse)
    registry = Registry.load(sources_dir)
    position = None if reload else _read_position(settings, version)
    manifest, next_cursor = read_new(settings.archive, position.cursor if position else None)
    documents_rows = documents_table(manifest)
    if position is not None:
        documents_rows = pa.concat_tables([warehouse.read("documents"), documents_rows], promote_options="default")
    warehouse.write_file("documents", None, documents_rows)
    existing = warehouse.read_all("reports", ["report_id", "sha256", "parser_version"])
    current = set(existing.filter(pc.equal(existing.column("parser_version"), version)).column("sha256").to_pylist())
    known = set(existing.column("report_id").to_pylist())
    documents = {**(position.awaiting if position else {}), **report_documents(manifest)}
    todo = [row for sha256, row in documents.items() if reload or sha256 not in current]
    result = TablesResult(
        documents=len(set(documents_rows.column("sha256").to_pylist())), current=0 if reload else len(current)
    )
    store = ReportStore(settings.archive, version)
    awaiting: dict[str, dict[str, Any]] = {}
    decisions: list[Decision] = []
    statuses: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    for start in range(0, len(todo), batch_size):
        outcomes = []
        for row, parsed in _load(store, todo[start : start + batch_size]):
            if parsed is None:
                awaiting[row["sha256"]] = {key: row.get(key) for key in _AWAITING_KEYS}
                continue
            outcome, decision = _place(parsed, row, registry)
            outcomes.append(outcome)
            decisions.append(decision)
        if not outcomes:
            continue
        batch = batch_tables(outcomes)
        warehouse.replace_reports(batch)
        statuses.update(batch["reports"].column("status").to_pylist())
        severities.update(batch["findings"].column("severity").to_pylist())
        result.loaded += len(outcomes)
        result.new += sum(report_id(o.sha256) not in known for o in outcomes)
    warehouse.write_file("organs", None, registry.organs_table())
    names = pa.concat_tables([warehouse.read("organ_names"), decisions_table(decisions)])
    warehouse.write_file("organ_names", None, _latest_decisions(names))
    _write_position(settings, _Position(version, next_cursor, awaiting))
    result.awaiting_parse = len(awaiting)
    result.statuses, result.findings = dict(statuses), dict(severities)
    return result


POSITION = "_manifest_cursor.json"
"""How far the warehouse has read the archive's manifest, with which parser version, and the documents read but
not yet parsed (the stage has not run since they were archived): they are loaded on a later write."""
_AWAITING_KEYS = ("sha256", "url", "final_url", "source_id", "media_type", "agency", "region_code")


@dataclass
class _Position:
    version: str
    cursor: ManifestCursor
    awaiting: dict[str, dict[str, Any]]


def _read_position(settings: Settings, version: str) -> _Position | None:
    """The warehouse's position in the manifest for ``version``; None (read everything) for another version."""
    try:
        data = json.loads(Location(settings.warehouse).read_bytes(POSITION))
        cursor = ManifestCursor.from_json(json.dumps(data["manifest"]))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None
    if cursor is None or data.get("parser_version") != version:
        return None
    return _Position(version, cursor, dict(data.get("awaiting") or {}))


def _write_position(settings: Settings, position: _Position) -> None:
    data = {
        "parser_version": position.version,
        "manifest": json.loads(position.cursor.to_json()),
        "awaiting": position.awaiting,
    }
    Location(settings.warehouse).write_bytes(POSITION, json.dumps(data, ensure_ascii=False).encode())


def _load(store: ReportStore, rows: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], ParsedDocument | None]]:
    """Each row's persisted outcome; one that cannot be read back becomes a failed outcome saying so."""
    by_sha = {row["sha256"]: row for row in rows}
    for sha256, loaded in store.get_many(by_sha):
        row = by_sha[sha256]
        if isinstance(loaded, StoredOutcomeError):
            source = source_of(row)
            message = f"{source}: {loaded}; `govreports build --rebuild` parses it again"
            finding = FindingsLog(source, "warehouse").error("warehouse.unreadable_outcome", message)
            loaded = ParsedDocument(sha256, source, store.version, failure=finding)
        yield row, loaded


def _place(parsed: ParsedDocument, row: dict[str, Any], registry: Registry) -> tuple[Outcome, Decision]:
    """The document with its organ and region: the printed agency resolved against the registry."""
    agency = (parsed.report.agency if parsed.report else None) or row.get("agency")
    decision = registry.resolve(agency, row.get("source_id"), row.get("region_code"))
    outcome = Outcome(parsed, row.get("source_id"), row.get("media_type"), decision.organ_id, decision.region_code)
    return outcome, decision


def _latest_decisions(names: pa.Table) -> pa.Table:
    """One decision per printed name: the newest (later rows win)."""
    latest: dict[str, dict] = {}
    for row in names.to_pylist():
        latest[row["name"]] = row
    return pa.Table.from_pylist(list(latest.values()), schema=spec("organ_names").schema)
