"""Building the warehouse: every archived document not yet parsed by this parser version → tables → catalog.

This is the one entry point the CLI (``govreports build``) and Dagster call. It reads the archive's manifest,
parses each new document (a document that cannot be read or parsed becomes a report row with status unreadable
or failed and a finding — never a crash), resolves the organ, replaces the document's rows in the Parquet
tables in batches, and refreshes the catalog once at the end.
"""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.archive.manifest import read_manifest
from pipelines.archive.store import BlobStore
from pipelines.document.errors import UnreadableDocument
from pipelines.document.read import read_document
from pipelines.report.parse import PARSER_VERSION, parse_document
from pipelines.settings import Settings
from warehouse import catalog
from warehouse.identity import Decision, Registry, decisions_table
from warehouse.rows import Outcome, batch_tables, report_id
from warehouse.schema import spec
from warehouse.staging import writing
from warehouse.write import Warehouse

BATCH_SIZE = 2000
"""Documents parsed per write: each write rewrites the year partitions it touches, so fewer, larger batches."""
Progress = Callable[[int, int, str], None]
"""Called after each document with (done, total, the document's source)."""


@dataclass
class BuildResult:
    """What one build did: documents in the archive, reports parsed now, new to the warehouse, findings."""

    documents: int = 0
    parsed: int = 0
    new: int = 0
    skipped: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)


def documents_table(manifest: pa.Table) -> pa.Table:
    """The manifest as the warehouse's documents table (the listing's year guess is ``listed_year``)."""
    if "year" in manifest.column_names:
        manifest = manifest.rename_columns(["listed_year" if n == "year" else n for n in manifest.column_names])
    names = spec("documents").schema.names
    return manifest.select([n for n in names if n in manifest.column_names])


def pending(manifest: pa.Table, done: set[str], rebuild: bool = False) -> list[dict]:
    """One manifest row per document body still to parse (earliest fetch first), skipping non-reports."""
    rows = sorted(manifest.to_pylist(), key=lambda r: (r["sha256"], str(r.get("fetched_at")), r["url"]))
    chosen: dict[str, dict] = {}
    for row in rows:
        if row.get("is_report") is False or (row.get("http_status") or 200) >= 400:
            continue
        if not rebuild and row["sha256"] in done:
            continue
        chosen.setdefault(row["sha256"], row)
    return list(chosen.values())


def parse_one(store: BlobStore, row: dict, registry: Registry) -> tuple[Outcome, Decision]:
    """Read, parse and identify one archived document; failures become an outcome with a finding."""
    source = row.get("final_url") or row["url"]
    outcome = Outcome(row["sha256"], source, row.get("source_id"), row.get("media_type"), None, PARSER_VERSION)
    try:
        data = store.get(row["sha256"])
        outcome.report = parse_document(read_document(data, source)).to_json()
        outcome.media_type = outcome.report["document"]["media_type"]
    except UnreadableDocument as error:
        outcome.failure, outcome.failure_rule = str(error), "read.unreadable"
    except (FileNotFoundError, OSError) as error:
        outcome.failure, outcome.failure_rule = f"{source}: {error}", "read.missing_blob"
    except Exception as error:  # a parser bug must not stop the build: it becomes a finding with the traceback
        where = traceback.format_exception(error)[-2].strip() if error.__traceback__ else ""
        outcome.failure = f"{source}: {type(error).__name__}: {error} ({where})"
        outcome.failure_rule = "build.parse_failed"
    agency = (outcome.report or {}).get("agency") or row.get("agency")
    decision = registry.resolve(agency, row.get("source_id"), row.get("region_code"))
    outcome.organ_id, outcome.region_code = decision.organ_id, decision.region_code
    return outcome, decision


def build(
    settings: Settings,
    progress: Progress | None = None,
    *,
    rebuild: bool = False,
    sources_dir: Path | str | None = None,
    batch_size: int = BATCH_SIZE,
) -> BuildResult:
    """Parse what is new in the archive into the warehouse and refresh the catalog; ``rebuild`` re-parses all.
    One writer at a time: a second build waits for the first (warehouse.staging.writing)."""
    with writing(settings):
        return _build(settings, progress, rebuild=rebuild, sources_dir=sources_dir, batch_size=batch_size)


def _build(
    settings: Settings,
    progress: Progress | None,
    *,
    rebuild: bool,
    sources_dir: Path | str | None,
    batch_size: int,
) -> BuildResult:
    warehouse = Warehouse(settings.warehouse)
    registry = Registry.load(sources_dir)
    manifest = read_manifest(settings.archive_dir)
    warehouse.write_file("documents", None, documents_table(manifest))
    existing = warehouse.read_all("reports", ["report_id", "sha256", "parser_version"])
    current = existing.filter(pc.equal(existing.column("parser_version"), PARSER_VERSION))
    done = set(current.column("sha256").to_pylist())
    known = set(existing.column("report_id").to_pylist())
    todo = pending(manifest, done, rebuild)
    result = BuildResult(documents=len(set(manifest.column("sha256").to_pylist())), skipped=len(done))
    store = BlobStore(settings.archive_dir)
    decisions: list[Decision] = []
    statuses: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    for start in range(0, len(todo), batch_size):
        outcomes = []
        for index, row in enumerate(todo[start : start + batch_size], start=start + 1):
            outcome, decision = parse_one(store, row, registry)
            outcomes.append(outcome)
            decisions.append(decision)
            if progress:
                progress(index, len(todo), outcome.source)
        batch = batch_tables(outcomes)
        warehouse.replace_reports(batch)
        statuses.update(o.status for o in outcomes)
        severities.update(batch["findings"].column("severity").to_pylist())
        result.parsed += len(outcomes)
        result.new += sum(report_id(o.sha256) not in known for o in outcomes)
    warehouse.write_file("organs", None, registry.organs_table())
    names = pa.concat_tables([warehouse.read("organ_names"), decisions_table(decisions)])
    warehouse.write_file("organ_names", None, _latest_decisions(names))
    catalog.refresh(settings)
    result.statuses, result.findings = dict(statuses), dict(severities)
    return result


def _latest_decisions(names: pa.Table) -> pa.Table:
    """One decision per printed name: the newest (later rows win)."""
    latest: dict[str, dict] = {}
    for row in names.to_pylist():
        latest[row["name"]] = row
    return pa.Table.from_pylist(list(latest.values()), schema=spec("organ_names").schema)
