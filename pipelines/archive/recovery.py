"""What killed archive writers leave behind, cleaned up: blob temporaries, manifest temporaries, open WARC files,
large bodies spooled locally for an archive on object storage.

Run by the next writer that has the archive to itself (pipelines.locks.archive_writer), so nothing here belongs to
a live writer. Nothing archived is touched: blobs and manifest parts appear only by an atomic rename, so what a
killed writer left is either whole (kept) or a temporary (removed); a WARC left open keeps every complete record.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.archive import warc
from pipelines.archive.location import Location
from pipelines.archive.manifest import FOLDER as MANIFEST_FOLDER
from pipelines.archive.store import BlobStore

SPOOLED_BODIES = "bodies"
"""The local spool's folder of large response bodies waiting for their upload (an archive on object storage)."""


def recover(archive: Path | str | Location, spool: Path | None = None) -> dict[str, int]:
    """Clean up after killed writers (their WARC files may be in the local ``spool`` when the archive is on
    object storage); return what was done (counts)."""
    location = archive if isinstance(archive, Location) else Location(archive)
    manifest_temporaries: list[Path] = []
    if not location.remote:
        location.local_path.mkdir(parents=True, exist_ok=True)
        manifest_temporaries = list(Path(location.path(MANIFEST_FOLDER)).rglob(".*.tmp"))
        for temporary in manifest_temporaries:
            temporary.unlink(missing_ok=True)
    removed = BlobStore(location).sweep()
    bodies = [path for path in (Path(spool) / SPOOLED_BODIES).glob("*") if path.is_file()] if spool else []
    for body in bodies:  # a killed crawl's bodies never uploaded; the crawl that re-fetches them spools them anew
        body.unlink(missing_ok=True)
    recovered = warc.recover(location, spool)
    return {
        "temporaries_removed": len(removed) + len(manifest_temporaries) + len(bodies),
        "warcs_recovered": len(recovered),
    }


def lock_dir(archive: Path | str | Location, spool: Path | None = None) -> Path:
    """Where the archive's writers meet (pipelines.locks.archive_writer): the archive itself when local, else the
    local spool its WARC files are written in."""
    location = archive if isinstance(archive, Location) else Location(archive)
    if location.remote:
        if spool is None:
            raise ValueError(f"an archive on object storage ({location}) needs a local spool for its writers' lock")
        return Path(spool)
    return location.local_path
