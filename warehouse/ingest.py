"""Local files into the archive: a user's own downloads become a source of their own (``local:<name>``).

The bytes go through the same content-addressed store and manifest as crawled documents, so ``build`` treats them
alike and the same file ingested twice is one blob (its manifest rows record each ingest).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipelines.archive.manifest import append_records
from pipelines.archive.media import media_type
from pipelines.archive.store import BlobStore, sha256_hex
from pipelines.settings import Settings

SKIPPED_NAMES = (".", "~$")


class IngestError(ValueError):
    """A path that cannot be ingested; the message names it."""


@dataclass
class IngestResult:
    run_id: str
    files: int
    new_blobs: int


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from (p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith(SKIPPED_NAMES))
        elif path.is_file():
            yield path
        else:
            raise IngestError(f"{path}: no such file or folder")


def ingest(settings: Settings, paths: Iterable[Path | str], name: str = "files") -> IngestResult:
    """Store every file under ``paths`` in the archive as source ``local:<name>``; return what was done."""
    files = list(_files(Path(p).expanduser().resolve() for p in paths))
    store = BlobStore(settings.archive)
    run_id = f"ingest-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    records, new = [], 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise IngestError(f"{path}: cannot read: {error.strerror}") from error
        if not data:
            raise IngestError(f"{path}: empty file")
        new += not store.exists(sha256_hex(data))
        digest = store.put(data)
        records.append(
            {
                "source_id": f"local:{name}",
                "url": path.as_uri(),
                "sha256": digest,
                "media_type": media_type(data),
                "size": len(data),
                "role": "file",
                "filename": path.name,
                "title": path.stem,
            }
        )
    append_records(settings.archive, run_id, records)
    return IngestResult(run_id, len(records), new)
