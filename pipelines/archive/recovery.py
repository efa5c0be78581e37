"""What killed archive writers leave behind, cleaned up: blob temporaries, manifest temporaries, open WARC files.

Run by the next writer that has the archive to itself (pipelines.locks.archive_writer), so nothing here belongs to
a live writer. Nothing archived is touched: blobs and manifest parts appear only by an atomic rename, so what a
killed writer left is either whole (kept) or a temporary (removed); a WARC left open keeps every complete record.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.archive import warc
from pipelines.archive.manifest import manifest_dir
from pipelines.archive.store import BlobStore


def recover(archive_dir: Path) -> dict[str, int]:
    """Clean up after killed writers; return what was done (counts)."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    removed = BlobStore(archive_dir).sweep()
    manifest_temporaries = list(manifest_dir(archive_dir).glob(".*.tmp"))
    for temporary in manifest_temporaries:
        temporary.unlink(missing_ok=True)
    recovered = warc.recover(archive_dir)
    return {
        "temporaries_removed": len(removed) + len(manifest_temporaries),
        "warcs_recovered": len(recovered),
    }
