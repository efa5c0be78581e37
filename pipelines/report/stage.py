"""The parse stage: archived documents in, one persisted outcome (a Report, or why there is none) per document out.

``parse_archive`` is the stage's entry; ``govreports build`` and Dagster's ``parsed_reports`` asset call it.
- Outcomes persist per (parser version, sha256) beside the archive (``<archive>/reports/``, see store.py), so the
  warehouse loads typed Reports and a second run parses nothing it parsed before. The stage reads only what the
  archive's manifest gained since its last run (a cursor per parser version, kept in the store), plus the documents
  whose blob was missing or damaged last time: its cost follows what is new, not the history.
- The parser version is ``PARSER_VERSION`` plus a digest of the code that reads and parses (readers, form
  templates, parser): change any of it and every document is parsed again; change nothing and nothing is.
- Documents parse in parallel in a process pool, its size a setting (``workers``; ``GOVREPORTS_PARSE_WORKERS``;
  default one per CPU). The pool is pebble's ProcessPool: unlike the standard library's, it tells which task a
  dead worker was running and ends a task past its time limit, replacing the worker in both cases. So any
  exception, a worker killed (a segfault in a native reader, the kernel's OOM killer) and a document that runs
  past ``GOVREPORTS_PARSE_TIMEOUT`` each become that document's failed outcome, and the batch goes on.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, TimeoutError, wait
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
from pebble import ProcessExpired, ProcessPool

from pipelines.archive.manifest import read_new
from pipelines.archive.store import BlobStore, CorruptBlob
from pipelines.document.errors import UnreadableDocument
from pipelines.findings import Finding, FindingsLog
from pipelines.report.model import Report
from pipelines.report.outcome import ParsedDocument
from pipelines.report.parse import PARSER_VERSION, parse_bytes
from pipelines.report.store import ReportStore

WORKERS_ENV = "GOVREPORTS_PARSE_WORKERS"
TIMEOUT_ENV = "GOVREPORTS_PARSE_TIMEOUT"
DEFAULT_TIMEOUT = 600.0
"""Seconds one document may take (a scanned 300-page PDF takes tens); past it the worker is ended."""
TASKS_PER_WORKER = 500
"""A worker is replaced after this many documents, so memory a native reader leaks never accumulates."""
IN_FLIGHT_PER_WORKER = 4
"""Documents handed to the pool ahead of the workers: enough to keep them busy, few enough to stay small."""
LISTED_FAILURES = 50

Parser = Callable[[bytes, str], Report]
Progress = Callable[[int, int, str], None]
"""Called after each document with (done, total, the document's source)."""

_PACKAGE = Path(__file__).resolve().parents[1]
_NOT_PARSING = {"stage.py", "store.py", "outcome.py", "docs.py"}
"""Modules of pipelines/report that do not change what a document parses to (this stage, its store, the docs)."""


@cache
def parser_version() -> str:
    """``PARSER_VERSION+<digest>``, the digest of every file whose change can change a parsed report."""
    return f"{PARSER_VERSION}+{code_digest(_PACKAGE)[:12]}"


def code_digest(package: Path) -> str:
    """sha256 over the parsing code of the ``pipelines`` package at ``package``: readers, form, parser."""
    files = [
        *(path for path in (package / "report").rglob("*") if path.suffix in (".py", ".yaml")),
        *(package / "document").rglob("*.py"),
        package / "archive" / "media.py",
        package / "findings.py",
    ]
    digest = hashlib.sha256()
    for path in sorted(files):
        if path.name in _NOT_PARSING and path.parent.name == "report":
            continue
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def default_workers() -> int:
    """``GOVREPORTS_PARSE_WORKERS``, else the CPUs this process may use."""
    configured = os.environ.get(WORKERS_ENV)
    if configured:
        workers = int(configured)
        if workers < 1:
            raise ValueError(f"{WORKERS_ENV}={configured}: the pool needs at least one worker")
        return workers
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def default_timeout() -> float:
    return float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT)


def report_documents(manifest: pa.Table) -> dict[str, dict[str, Any]]:
    """One manifest row per document body that may be a report (earliest fetch first): what the stage parses.

    Rows the listing marked as not a report, and error responses, are left out; the warehouse uses the same
    choice (the row's source, source id and region) for the document."""
    rows = sorted(manifest.to_pylist(), key=lambda r: (r["sha256"], str(r.get("fetched_at")), r["url"]))
    chosen: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.get("is_report") is False or (row.get("http_status") or 200) >= 400:
            continue
        chosen.setdefault(row["sha256"], row)
    return chosen


def source_of(row: dict[str, Any]) -> str:
    """The name a document goes by in every message: the URL it was finally fetched from."""
    return str(row.get("final_url") or row["url"])


@dataclass
class StageResult:
    """What one run of the stage did: documents that may be reports, parsed now, already parsed, and how it went."""

    parser_version: str
    workers: int
    documents: int = 0
    parsed: int = 0
    skipped: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)
    """The documents parsed now that failed (parser exception, worker died, timeout): sha256, source, rule, message."""
    cpu_seconds: float = 0.0
    """CPU time the workers spent on the documents parsed now (reading, parsing, persisting)."""


def parse_archive(
    archive: str | os.PathLike[str],
    *,
    workers: int | None = None,
    rebuild: bool = False,
    progress: Progress | None = None,
    version: str | None = None,
    parser: Parser = parse_bytes,
    timeout: float | None = None,
) -> StageResult:
    """Parse the documents archived since the last run that this parser version has no outcome for, and those
    whose archive fault is kept (``rebuild``: every archived document), and persist the outcomes. ``parser``
    (bytes, source → Report) and ``version`` are for tests and benchmarks."""
    version = version or parser_version()
    workers = workers or default_workers()
    store = ReportStore(archive, version)
    store.sweep()
    cursor = None if rebuild else store.manifest_cursor()
    manifest, next_cursor = read_new(os.fspath(archive), cursor)
    documents = report_documents(manifest)
    done = set() if rebuild else {sha256 for sha256 in documents if store.has(sha256)}
    todo = [(sha256, source_of(row)) for sha256, row in documents.items() if sha256 not in done]
    queued = {sha256 for sha256, _ in todo}
    todo += [(sha256, source) for sha256, source in store.faults().items() if sha256 not in queued]
    result = StageResult(version, workers, documents=len(documents), skipped=len(done))
    statuses: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    for index, (sha256, source, summary) in enumerate(
        _parse_in_pool(str(archive), store, todo, workers, parser, timeout or default_timeout()), start=1
    ):
        statuses[summary.status] += 1
        severities.update(summary.severities)
        result.cpu_seconds += summary.cpu_seconds
        if summary.failure is not None and summary.status == "failed":
            result.failures.append(
                {"sha256": sha256, "source": source, "rule": summary.failure.rule, "message": summary.failure.message}
            )
        if progress:
            progress(index, len(todo), source)
    if todo and store.local:  # one syncfs(2) of the archive's filesystem, which holds the outcomes too
        BlobStore(os.fspath(archive)).sync()
    store.save_manifest_cursor(next_cursor)
    result.parsed = len(todo)
    result.statuses, result.findings = dict(statuses), dict(severities)
    result.failures = result.failures[:LISTED_FAILURES]
    return result


def parse_archived(
    blobs: BlobStore, sha256: str, source: str, version: str, parser: Parser = parse_bytes
) -> ParsedDocument:
    """Read one archived document's bytes and parse them; whatever goes wrong becomes the failed outcome."""
    try:
        data = blobs.get(sha256)
    except CorruptBlob as error:
        return _failed(sha256, source, version, "archive.corrupt_blob", str(error))
    except OSError as error:  # FileNotFoundError names the blob; others are the disk's (permissions, I/O)
        return _failed(sha256, source, version, "archive.missing_blob", f"{source}: {error}")
    try:
        report = parser(data, source)
    except UnreadableDocument as error:
        return _failed(sha256, source, version, "read.unreadable", str(error), stage="read")
    except Exception as error:  # a parser bug costs this document only: its finding carries where it broke
        where = traceback.format_exception(error)[-2].strip().splitlines()[0] if error.__traceback__ else ""
        return _failed(sha256, source, version, "parse.failed", f"{source}: {type(error).__name__}: {error} ({where})")
    return ParsedDocument(sha256, source, version, report=report)


def _failed(sha256: str, source: str, version: str, rule: str, message: str, stage: str = "parse") -> ParsedDocument:
    return ParsedDocument(sha256, source, version, failure=FindingsLog(source, stage).error(rule, message))


@dataclass
class _Summary:
    """What a worker sends back for one document (the outcome itself is already persisted)."""

    status: str
    severities: Counter[str]
    failure: Finding | None
    cpu_seconds: float = 0.0


def _summary(outcome: ParsedDocument, cpu_seconds: float = 0.0) -> _Summary:
    severities = Counter(str(finding.severity) for finding in outcome.findings)
    return _Summary(outcome.status, severities, outcome.failure, cpu_seconds)


def _parse_and_persist(archive: str, version: str, sha256: str, source: str, parser: Parser) -> _Summary:
    """The worker's task: parse one document and persist its outcome (the parent only counts)."""
    start = time.process_time()
    store = ReportStore(archive, version)
    outcome = parse_archived(BlobStore(archive), sha256, source, version, parser)
    if outcome.archive_fault and store.has(sha256):
        outcome = store.get(sha256) or outcome  # a parse this version already made stays (rebuild)
    else:
        store.put(outcome)
    return _summary(outcome, time.process_time() - start)


def _parse_in_pool(
    archive: str,
    store: ReportStore,
    todo: list[tuple[str, str]],
    workers: int,
    parser: Parser,
    timeout: float,
) -> Iterator[tuple[str, str, _Summary]]:
    """Each document's summary as its worker finishes; a worker that dies or times out fails that document only."""
    if not todo:
        return
    pending = iter(todo)
    workers = min(workers, len(todo))
    with ProcessPool(
        max_workers=workers,
        max_tasks=TASKS_PER_WORKER,
        context=_context(),
        initializer=_adopt_environment,
        initargs=(dict(os.environ),),
    ) as pool:
        running: dict[Future[_Summary], tuple[str, str]] = {}

        def fill() -> None:
            for sha256, source in pending:
                args = (archive, store.version, sha256, source, parser)
                running[pool.schedule(_parse_and_persist, args, timeout=timeout)] = (sha256, source)
                if len(running) >= workers * IN_FLIGHT_PER_WORKER:
                    return

        try:
            fill()
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    sha256, source = running.pop(future)
                    yield sha256, source, _result(future, store, sha256, source, timeout)
                fill()
        except BaseException:  # interrupted (Ctrl-C, the step cancelled): end the workers now, not after their work
            pool.stop()
            raise


def _result(future: Future[_Summary], store: ReportStore, sha256: str, source: str, timeout: float) -> _Summary:
    """The worker's summary, or — when the worker died, ran out of time or could not return — the failed outcome,
    persisted here (the worker could not)."""
    try:
        return future.result()
    except ProcessExpired as error:
        rule, message = "parse.worker_died", f"{source}: the parsing process died ({_exit(error.exitcode)})"
    except TimeoutError:
        rule, message = "parse.timeout", f"{source}: parsing took longer than {timeout:g} s and was stopped"
    except Exception as error:  # the task could not run or return (e.g. a result that does not pickle)
        rule, message = "parse.failed", f"{source}: {type(error).__name__}: {error}"
    outcome = _failed(sha256, source, store.version, rule, message + "; `govreports build --rebuild` tries again")
    store.put(outcome)
    return _summary(outcome)


def _adopt_environment(environment: dict[str, str]) -> None:
    """A worker takes the caller's environment of now, not the fork server's of its start (which outlives calls):
    storage settings such as the object store's endpoint and keys follow the run that launched the pool."""
    os.environ.clear()
    os.environ.update(environment)


def _exit(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _context() -> Any:
    """Workers forked from a server that has imported the parser and every reader once (fast to start, and no
    fork of a process with threads, such as Dagster's); spawn where fork does not exist."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    from pipelines.document.read import READERS

    context.set_forkserver_preload([__name__, *sorted({spec.partition(":")[0] for spec in READERS.values()})])
    return context
