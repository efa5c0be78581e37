"""The persisted outcomes of the parse stage: one gzipped JSON file per (parser version, document sha256).

Layout ``<root>/<parser version>/<2 hex>/<sha256>.json.gz`` beside the archive (``<archive>/reports/``), where
``root`` is a local path or an object-storage URI (fsspec): the stage's workers write and the warehouse reads the
same files on a laptop or in a bucket. A file appears whole or not at all: on a local disk by renaming a finished
temporary file into place, on object storage by one PUT. The content is ``ParsedDocument.to_json()`` — the report
JSON of spec/report-json.md with its provenance — so a person can read it with ``zcat``, and ``from_json`` gives
the typed object back exactly.

An archive fault (the blob missing or damaged) is kept apart as ``<sha256>.fault.json.gz``: it is not the parser's
verdict on the document, so the stage tries that document again on every run and removes the fault once it reads.
"""

from __future__ import annotations

import gzip
import json
import os
import time
import uuid
from collections.abc import Iterable, Iterator

import fsspec
from fsspec.implementations.local import LocalFileSystem

from pipelines.report.outcome import ParsedDocument

SUFFIX = ".json.gz"
FAULT_SUFFIX = ".fault.json.gz"
TEMP_PREFIX = ".tmp-"
STALE_TEMP_SECONDS = 3600
"""A temporary file this old belongs to a writer that died (a write takes milliseconds): the sweep removes it."""
COMPRESSION_LEVEL = 6


class StoredOutcomeError(Exception):
    """A persisted outcome that cannot be read back (truncated, not JSON, or not a parsed document)."""


class ReportStore:
    """The outcomes of one parser version under ``root`` (a local path or an ``s3://`` URI)."""

    def __init__(self, root: str | os.PathLike[str], version: str) -> None:
        if not version or "/" in version or version.startswith("."):
            raise ValueError(f"parser version {version!r} is not usable as a folder name")
        self.version = version
        self.uri = f"{str(root).rstrip('/')}/{version}"
        self.fs, self.root = fsspec.core.url_to_fs(self.uri)
        self.local = isinstance(self.fs, LocalFileSystem)

    def path(self, sha256: str, *, fault: bool = False) -> str:
        return f"{self.root}/{sha256[:2]}/{sha256}{FAULT_SUFFIX if fault else SUFFIX}"

    def _listing(self) -> list[str]:
        try:
            return [path.rsplit("/", 1)[-1] for path in self.fs.find(self.root)]
        except FileNotFoundError:
            return []

    def parsed(self) -> set[str]:
        """The documents this parser version has an outcome for (archive faults excluded: they are retried)."""
        return {
            name.removesuffix(SUFFIX)
            for name in self._listing()
            if name.endswith(SUFFIX) and not name.endswith(FAULT_SUFFIX) and not name.startswith(TEMP_PREFIX)
        }

    def has(self, sha256: str) -> bool:
        return bool(self.fs.exists(self.path(sha256)))

    def put(self, outcome: ParsedDocument) -> None:
        """Persist ``outcome`` whole (replacing an earlier one); a good outcome clears the document's fault."""
        if outcome.parser_version != self.version:
            raise ValueError(f"{outcome.source}: outcome of parser {outcome.parser_version} in store {self.version}")
        text = json.dumps(outcome.to_json(), ensure_ascii=False, separators=(",", ":"))
        data = gzip.compress(text.encode("utf-8"), compresslevel=COMPRESSION_LEVEL, mtime=0)
        target = self.path(outcome.sha256, fault=outcome.archive_fault)
        if self.local:
            _replace_locally(target, data)
        else:
            self.fs.pipe_file(target, data)
        if not outcome.archive_fault:
            fault = self.path(outcome.sha256, fault=True)
            if self.fs.exists(fault):
                self.fs.rm_file(fault)

    def get(self, sha256: str) -> ParsedDocument | None:
        """The document's outcome (or its archive fault); None when this parser version has not seen it."""
        for path in (self.path(sha256), self.path(sha256, fault=True)):
            try:
                data = self.fs.cat_file(path)
            except FileNotFoundError:
                continue
            return _decode(path, data)
        return None

    def get_many(self, sha256s: Iterable[str]) -> Iterator[tuple[str, ParsedDocument | StoredOutcomeError | None]]:
        """Each document's outcome, in the order asked; a file that cannot be read back is returned as its error."""
        for sha256 in sha256s:
            try:
                yield sha256, self.get(sha256)
            except StoredOutcomeError as error:
                yield sha256, error

    def sweep(self) -> int:
        """Remove temporary files of writers that died mid-write; return how many."""
        if not self.local or not os.path.isdir(self.root):
            return 0
        removed = 0
        cutoff = time.time() - STALE_TEMP_SECONDS
        for directory, _, names in os.walk(self.root):
            for name in names:
                path = os.path.join(directory, name)
                if name.startswith(TEMP_PREFIX) and os.path.getmtime(path) < cutoff:
                    os.unlink(path)
                    removed += 1
        return removed


def _decode(path: str, data: bytes) -> ParsedDocument:
    try:
        return ParsedDocument.from_json(json.loads(gzip.decompress(data)))
    except (OSError, EOFError, ValueError, KeyError, TypeError) as error:
        raise StoredOutcomeError(f"{path}: not a readable parsed document ({error})") from error


def _replace_locally(target: str, data: bytes) -> None:
    directory = os.path.dirname(target)
    os.makedirs(directory, exist_ok=True)
    temp = os.path.join(directory, f"{TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
