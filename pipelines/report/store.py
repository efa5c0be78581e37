"""The persisted outcomes of the parse stage: one gzipped JSON file per (parser version, document sha256).

Layout ``<archive>/reports/<parser version>/<2 hex>/<sha256>.json.gz``, written through the archive's Location
(a local directory or an object-storage prefix), so the stage's workers write and the warehouse reads the same files
on a laptop or in a bucket, and a file appears whole or not at all. The content is ``ParsedDocument.to_json()`` —
the report JSON of spec/report-json.md with its provenance — so a person can read it with ``zcat``, and
``from_json`` gives the typed object back exactly.

An archive fault (the blob missing or damaged) is kept apart under ``faults/``: it is not the parser's verdict on the
document, so the stage tries that document again on every run (listing only that folder) and removes the fault once
the document reads. ``manifest-cursor.json`` records how far the stage has read the archive's manifest.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from collections.abc import Iterable, Iterator

from pipelines.archive.location import Location
from pipelines.archive.manifest import ManifestCursor
from pipelines.report.outcome import ParsedDocument

REPORTS_DIR = "reports"
SUFFIX = ".json.gz"
FAULTS = "faults"
CURSOR = "manifest-cursor.json"
STALE_TEMP_SECONDS = 3600
"""A temporary file this old belongs to a writer that died (a write takes milliseconds): the sweep removes it."""
COMPRESSION_LEVEL = 6


class StoredOutcomeError(Exception):
    """A persisted outcome that cannot be read back (truncated, not JSON, or not a parsed document)."""


class ReportStore:
    """The outcomes of one parser version in the archive at ``archive`` (a local path, an ``s3://`` URI, or its
    Location)."""

    def __init__(self, archive: str | os.PathLike[str] | Location, version: str) -> None:
        if not version or "/" in version or version.startswith("."):
            raise ValueError(f"parser version {version!r} is not usable as a folder name")
        self.version = version
        archive = archive if isinstance(archive, Location) else Location(archive)
        self.location = archive.child(REPORTS_DIR, version)
        self.uri = str(self.location)
        self.local = not self.location.remote

    @staticmethod
    def name(sha256: str, *, fault: bool = False) -> str:
        return f"{FAULTS}/{sha256}{SUFFIX}" if fault else f"{sha256[:2]}/{sha256}{SUFFIX}"

    def has(self, sha256: str) -> bool:
        """Whether this parser version has the document's outcome (an archive fault is not one)."""
        return self.location.exists(self.name(sha256))

    def parsed(self) -> set[str]:
        """Every document with an outcome (a walk of the whole store: for tests and tools, not for each run)."""
        return {
            name.rsplit("/", 1)[-1].removesuffix(SUFFIX)
            for folder in self.location.folders()
            if folder != FAULTS
            for name in self.location.list(folder, SUFFIX)
        }

    def faults(self) -> dict[str, str]:
        """The documents whose archive fault is kept (sha256 → source): the stage tries them again."""
        found: dict[str, str] = {}
        for name in self.location.list(FAULTS, SUFFIX):
            sha256 = name.rsplit("/", 1)[-1].removesuffix(SUFFIX)
            try:
                outcome = self.get(sha256)
            except StoredOutcomeError:
                outcome = None
            found[sha256] = outcome.source if outcome else sha256
        return found

    def put(self, outcome: ParsedDocument) -> None:
        """Persist ``outcome`` whole (replacing an earlier one); a good outcome clears the document's fault.

        Not fsynced one by one: the stage syncs the archive's filesystem once after a batch."""
        if outcome.parser_version != self.version:
            raise ValueError(f"{outcome.source}: outcome of parser {outcome.parser_version} in store {self.version}")
        text = json.dumps(outcome.to_json(), ensure_ascii=False, separators=(",", ":"))
        data = gzip.compress(text.encode("utf-8"), compresslevel=COMPRESSION_LEVEL, mtime=0)
        self.location.write_bytes(self.name(outcome.sha256, fault=outcome.archive_fault), data, durable=False)
        if not outcome.archive_fault:
            self.location.delete(self.name(outcome.sha256, fault=True))

    def get(self, sha256: str) -> ParsedDocument | None:
        """The document's outcome (or its archive fault); None when this parser version has not seen it."""
        for name in (self.name(sha256), self.name(sha256, fault=True)):
            try:
                data = self.location.read_bytes(name)
            except FileNotFoundError:
                continue
            return _decode(self.location.path(name), data)
        return None

    def get_many(self, sha256s: Iterable[str]) -> Iterator[tuple[str, ParsedDocument | StoredOutcomeError | None]]:
        """Each document's outcome, in the order asked; a file that cannot be read back is returned as its error."""
        for sha256 in sha256s:
            try:
                yield sha256, self.get(sha256)
            except StoredOutcomeError as error:
                yield sha256, error

    def manifest_cursor(self) -> ManifestCursor | None:
        """How far the stage has read the manifest for this parser version (None: it has not run yet)."""
        try:
            return ManifestCursor.from_json(self.location.read_bytes(CURSOR).decode("utf-8"))
        except (FileNotFoundError, UnicodeDecodeError, ValueError):
            return None

    def save_manifest_cursor(self, cursor: ManifestCursor) -> None:
        self.location.write_bytes(CURSOR, cursor.to_json().encode("utf-8"))

    def sweep(self) -> int:
        """Remove temporary files of writers that died mid-write (local stores); return how many."""
        if not self.local or not self.location.local_path.is_dir():
            return 0
        removed = 0
        cutoff = time.time() - STALE_TEMP_SECONDS
        for directory, _, names in os.walk(self.location.local_path):
            for name in names:
                path = os.path.join(directory, name)
                if name.startswith(".") and name.endswith(".tmp") and os.path.getmtime(path) < cutoff:
                    os.unlink(path)
                    removed += 1
        return removed


def _decode(path: str, data: bytes) -> ParsedDocument:
    try:
        return ParsedDocument.from_json(json.loads(gzip.decompress(data)))
    except (OSError, EOFError, ValueError, KeyError, TypeError) as error:
        raise StoredOutcomeError(f"{path}: not a readable parsed document ({error})") from error
