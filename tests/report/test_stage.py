"""The parse stage: persisted typed Reports that round-trip exactly, parsed once per parser version, in a pool
where one document's exception, crash, kill or hang fails that document alone."""

from __future__ import annotations

import json
import shutil
import signal
from functools import cache
from pathlib import Path

import pytest

from pipelines.archive.manifest import append_records
from pipelines.archive.store import BlobStore
from pipelines.report import stage
from pipelines.report.model import Report
from pipelines.report.outcome import ParsedDocument
from pipelines.report.parse import PARSER_VERSION, parse_bytes
from pipelines.report.stage import parse_archive, parser_version
from pipelines.report.store import ReportStore
from replicas.render import STYLES, render_html, render_run_together_text
from tests.conftest import CORPUS, seed_expected, seed_names, seed_text
from tests.report.faults import (
    ENVIRONMENT_PROBE,
    HANGS,
    KILLED,
    RAISES,
    SEGFAULT,
    parse_naming_the_environment,
    parse_with_faults,
)


@cache
def _documents() -> dict[str, bytes]:
    """Every seed as printed, as each portal style renders it and as a run-together dump, and the corpus."""
    documents = {f"{name}.txt": seed_text(name).encode() for name in seed_names()}
    for name in seed_names():
        expected, text = seed_expected(name), seed_text(name)
        for style in STYLES:
            documents[f"{name}.{style}.html"] = render_html(expected, text, style=style)
        documents[f"{name}.dump.txt"] = render_run_together_text(expected, text).encode()
    for path in sorted(CORPUS.iterdir()):
        if path.name != "INDEX.md":
            documents[path.name] = path.read_bytes()
    return documents


def _archive(root: Path, documents: dict[str, bytes], run_id: str = "run") -> Path:
    """The documents archived as a crawl leaves them: blobs by sha256 and a manifest naming them."""
    archive = root / "archive"
    blobs = BlobStore(archive)
    records = [
        {"source_id": "local:test", "url": f"file:///{name}", "sha256": blobs.put(data), "size": len(data)}
        for name, data in documents.items()
    ]
    append_records(archive, run_id, records)
    return archive


def _outcomes(archive: Path, version: str) -> dict[str, ParsedDocument]:
    store = ReportStore(archive, version)
    return {outcome.source.removeprefix("file:///"): outcome for outcome in map(store.get, store.parsed()) if outcome}


@pytest.mark.parametrize("name", sorted(_documents()) if CORPUS.is_dir() else [])
def test_a_report_round_trips_exactly(shared, name: str, tmp_path: Path) -> None:
    """Every value, raw string, unit, note, location and finding comes back as the parser made it."""
    report = parse_bytes(_documents()[name], name)
    assert Report.from_json(json.loads(json.dumps(report.to_json(), ensure_ascii=False))) == report
    store = ReportStore(tmp_path, "v")
    store.put(ParsedDocument(report.sha256, name, "v", report=report))
    back = store.get(report.sha256)
    assert back is not None and back.report == report and back.status in ("parsed", "legacy", "not_report")


def test_the_stage_parses_each_document_once_per_parser_version(shared, tmp_path: Path) -> None:
    documents = {name: data for name, data in _documents().items() if name.endswith(".txt")}
    archive = _archive(tmp_path, documents)
    first = parse_archive(archive, workers=2, version="v1")
    assert (first.documents, first.parsed, first.skipped) == (len(documents), len(documents), 0)
    stored = _outcomes(archive, "v1")
    assert stored.keys() == documents.keys()
    for name, outcome in stored.items():
        assert outcome.report == parse_bytes(documents[name], f"file:///{name}"), name
    files = {path: path.stat().st_mtime_ns for path in (archive / "reports" / "v1").rglob("*.json.gz")}

    again = parse_archive(archive, workers=2, version="v1")
    assert (again.documents, again.parsed) == (0, 0), "the manifest is read from where the last run stopped"
    assert {path: path.stat().st_mtime_ns for path in files} == files, "nothing is written when nothing changed"

    newer = parse_archive(archive, workers=2, version="v2")
    assert (newer.parsed, newer.skipped) == (len(documents), 0), "a new parser version parses everything"
    assert _outcomes(archive, "v2").keys() == documents.keys()

    _archive(tmp_path, {"late.txt": seed_text(seed_names()[0]).encode() + "\n附：更正说明".encode()}, "run-2")
    late = parse_archive(archive, workers=1, version="v2")
    assert (late.documents, late.parsed) == (1, 1), "only what the manifest gained is read"
    rebuilt = parse_archive(archive, workers=2, version="v2", rebuild=True)
    assert rebuilt.parsed == len(documents) + 1


def test_one_documents_exception_crash_kill_or_hang_fails_it_alone(shared, tmp_path: Path) -> None:
    good = {f"{name}.txt": seed_text(name).encode() for name in seed_names()}
    bad = {f"{marker}.txt": (seed_text(seed_names()[0]) + marker).encode() for marker in (RAISES, SEGFAULT, KILLED)}
    bad[f"{HANGS}.txt"] = (seed_text(seed_names()[1]) + HANGS).encode()
    archive = _archive(tmp_path, {**good, **bad})
    result = parse_archive(archive, workers=2, version="v", parser=parse_with_faults, timeout=5)
    assert result.parsed == len(good) + len(bad)
    assert result.statuses == {"parsed": len(good), "failed": len(bad)}
    stored = _outcomes(archive, "v")
    assert all(stored[name].report == parse_bytes(data, f"file:///{name}") for name, data in good.items())
    failures = {name: stored[name].failure for name in bad}
    assert {name: failure.rule for name, failure in failures.items() if failure} == {
        f"{RAISES}.txt": "parse.failed",
        f"{SEGFAULT}.txt": "parse.worker_died",
        f"{KILLED}.txt": "parse.worker_died",
        f"{HANGS}.txt": "parse.timeout",
    }
    messages = {name: failure.message for name, failure in failures.items() if failure}
    assert all(name in message for name, message in messages.items()), "every message names its document"
    assert "RuntimeError" in messages[f"{RAISES}.txt"]
    assert signal.SIGSEGV.name in messages[f"{SEGFAULT}.txt"]
    assert signal.SIGKILL.name in messages[f"{KILLED}.txt"]
    assert {failure["rule"] for failure in result.failures} == {"parse.failed", "parse.worker_died", "parse.timeout"}
    assert parse_archive(archive, workers=2, version="v", parser=parse_with_faults, timeout=5).parsed == 0


def test_workers_take_the_environment_of_the_run_not_of_the_first_pool(
    shared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fork server outlives a call; the object store's endpoint and keys a run sets must still reach its workers."""
    for run in ("first", "second"):
        monkeypatch.setenv(ENVIRONMENT_PROBE, run)
        archive = _archive(tmp_path / run, {"one.txt": seed_text(seed_names()[0]).encode()})
        result = parse_archive(archive, workers=1, version="v", parser=parse_naming_the_environment)
        assert [f"probe={run} " in failure["message"] for failure in result.failures] == [True]


def test_an_archive_fault_is_retried_until_the_bytes_are_there(shared, tmp_path: Path) -> None:
    data = seed_text(seed_names()[0]).encode()
    archive = _archive(tmp_path, {"kept.txt": seed_text(seed_names()[1]).encode()})
    sha256 = BlobStore(archive).put(data)
    BlobStore(archive).path(sha256).unlink()
    append_records(archive, "lost", [{"source_id": "local:test", "url": "file:///lost.txt", "sha256": sha256}])
    first = parse_archive(archive, workers=1, version="v")
    assert first.statuses == {"parsed": 1, "unreadable": 1}
    store = ReportStore(archive, "v")
    fault = store.get(sha256)
    assert fault is not None and fault.archive_fault and fault.failure is not None
    assert fault.failure.rule == "archive.missing_blob" and sha256 in fault.failure.message
    assert parse_archive(archive, workers=1, version="v").parsed == 1, "a fault is retried on the next run"
    BlobStore(archive).put(data)
    assert parse_archive(archive, workers=1, version="v").statuses == {"parsed": 1}
    restored = store.get(sha256)
    assert restored is not None and restored.report == parse_bytes(data, "file:///lost.txt")
    assert not store.location.exists(store.name(sha256, fault=True)) and store.faults() == {}


def test_the_parser_version_follows_the_code_that_parses(tmp_path: Path) -> None:
    assert parser_version().startswith(f"{PARSER_VERSION}+") and parser_version() == stage.parser_version()
    package = Path(stage.__file__).resolve().parents[1]
    copy = tmp_path / "pipelines"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert stage.code_digest(copy) == stage.code_digest(package)
    (copy / "report" / "stage.py").write_text("# the stage itself parses nothing\n", encoding="utf-8")
    assert stage.code_digest(copy) == stage.code_digest(package), "changing the stage re-parses nothing"
    template = next((copy / "report" / "templates").glob("*.yaml"))
    template.write_text(template.read_text(encoding="utf-8") + "\n# a changed template\n", encoding="utf-8")
    assert stage.code_digest(copy) != stage.code_digest(package), "changing the form re-parses everything"


def test_the_pool_size_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(stage.WORKERS_ENV, "3")
    assert stage.default_workers() == 3
    monkeypatch.setenv(stage.WORKERS_ENV, "0")
    with pytest.raises(ValueError, match=stage.WORKERS_ENV):
        stage.default_workers()
    monkeypatch.delenv(stage.WORKERS_ENV)
    assert stage.default_workers() >= 1


def test_the_store_keeps_outcomes_on_object_storage(shared, s3_endpoint: str) -> None:
    """The same store on s3:// — a real S3-compatible server (moto) on 127.0.0.1 — for when the archive moves."""
    import fsspec

    fsspec.filesystem("s3").mkdir("govreports-stage")
    store = ReportStore("s3://govreports-stage/archive", "v")
    assert not store.local and store.parsed() == set()
    report = parse_bytes(seed_text(seed_names()[0]).encode(), "seed.txt")
    store.put(ParsedDocument(report.sha256, "seed.txt", "v", report=report))
    lost = stage._failed("f" * 64, "lost.txt", "v", "archive.missing_blob", "lost.txt: blob not in the archive")
    store.put(lost)
    assert store.parsed() == {report.sha256}, "an archive fault is not an outcome: it is retried"
    assert store.faults() == {"f" * 64: "lost.txt"}
    back = store.get(report.sha256)
    assert back is not None and back.report == report
    fault = store.get("f" * 64)
    assert fault is not None and fault.archive_fault
