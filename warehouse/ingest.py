"""Local files into the archive: a user's own downloads become a source of their own (``local:<name>``).

The bytes go through the same content-addressed store and manifest as crawled documents, so ``build`` treats them
alike and the same file ingested twice is one blob (its manifest rows record each ingest).

One file at a time, and one bad file affects only itself: an empty, unreadable, oversized or special file (a pipe,
a device) is skipped and reported with its reason, and the rest are ingested. A folder is walked without ever
leaving it: a symbolic link that points outside the folder is not followed (a link to /etc/passwd in a downloads
folder archives nothing), and files are opened without following a link swapped in after the walk. Files are
copied into the store a chunk at a time, and manifest rows are written every few files, so a killed ingest leaves
every stored file's row behind but the last few (ingest again: the same bytes are the same blob). A fault of the
machine (a read-only or full archive) stops the ingest with the rows of what was stored written first.
"""

from __future__ import annotations

import errno
import os
import stat
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines import crashpoints
from pipelines.archive.manifest import append_records
from pipelines.archive.media import media_type
from pipelines.archive.recovery import lock_dir, recover
from pipelines.archive.store import BlobStore
from pipelines.locks import archive_writer
from pipelines.settings import Settings

SKIPPED_NAMES = (".", "~$")
"""Hidden files and Office's lock files (``~$report.docx``) are never reports."""
MAX_FILE_BYTES = 200 * 1024 * 1024
"""The largest file ingested: as large as the crawler downloads (its DOWNLOAD_MAXSIZE); no report comes near."""
BATCH_FILES = 50
BATCH_SECONDS = 5.0
SNIFF_HEAD, SNIFF_TAIL = 4096, 65536
"""media_type() reads magic at the start and a zip's directory at the end: those bytes of a file suffice."""


class IngestError(ValueError):
    """A path that cannot be ingested at all (nothing given exists); the message names it."""


@dataclass(frozen=True)
class Skipped:
    """A file that was not ingested, and why (for people: one line each)."""

    path: str
    reason: str


@dataclass
class IngestResult:
    run_id: str
    files: int
    new_blobs: int
    skipped: list[Skipped] = field(default_factory=list)


class _Unreadable(Exception):
    """Reading the user's file failed (not the archive): the file is skipped, the ingest goes on."""


@dataclass(frozen=True)
class _Candidate:
    path: Path
    """The name the manifest records (a link's own name, for a link inside the folder)."""
    target: Path
    """What is opened: for a link inside the folder, the file it points to, opened without following links."""
    follow: bool
    """Open through links: only for a path named on the command line (a link there is what the user chose)."""


Skip = Callable[[Path, str], None]


def _walk(root: Path, skip: Skip, real_root: Path | None = None) -> Iterator[_Candidate]:
    """Files under ``root`` in name order, never outside the folder the walk began in."""
    real_root = real_root or root.resolve()
    try:
        entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    except OSError as error:
        skip(root, f"cannot list the folder: {error.strerror}")
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith(SKIPPED_NAMES):
            continue
        if entry.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(real_root):
                skip(path, f"a symbolic link to {target}, outside the folder given; not followed")
            elif target.is_dir():
                skip(path, "a symbolic link to a folder; not followed (its files are ingested where they are)")
            else:
                yield _Candidate(path, target, follow=False)
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(path, skip, real_root)
        else:
            yield _Candidate(path, path, follow=False)


def _candidates(paths: Iterable[Path], skip: Skip) -> Iterator[_Candidate]:
    for given in paths:
        path = given.expanduser().absolute()
        if path.is_dir():
            yield from _walk(path, skip)
        elif path.exists() or path.is_symlink():
            yield _Candidate(path, path, follow=True)
        else:
            raise IngestError(f"{given}: no such file or folder")


class _Source:
    """The user's file, read so that a read error is told apart from an archive write error."""

    def __init__(self, fd: int) -> None:
        self.handle = os.fdopen(fd, "rb")
        self.read_so_far = 0

    def read(self, size: int = -1) -> bytes:
        try:
            chunk = self.handle.read(size)
        except OSError as error:
            raise _Unreadable(f"cannot read: {error.strerror}") from error
        self.read_so_far += len(chunk)
        if self.read_so_far > MAX_FILE_BYTES:
            raise _Unreadable(f"grew beyond {MAX_FILE_BYTES:,} bytes while being read")
        return chunk


def _open(candidate: _Candidate) -> tuple[int, int]:
    """Open a regular file for reading (never blocking on a pipe); return (descriptor, size)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if candidate.follow else os.O_NOFOLLOW)
    try:
        fd = os.open(candidate.target, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link swapped in after the walk
            raise _Unreadable("became a symbolic link while being ingested; not followed") from error
        raise _Unreadable(f"cannot open: {error.strerror}") from error
    info = os.fstat(fd)
    problem = None
    if not stat.S_ISREG(info.st_mode):
        problem = "not a regular file (a pipe, socket or device)"
    elif info.st_size == 0:
        problem = "empty file"
    elif info.st_size > MAX_FILE_BYTES:
        problem = f"{info.st_size:,} bytes, larger than the {MAX_FILE_BYTES:,} a report can be"
    if problem:
        os.close(fd)
        raise _Unreadable(problem)
    os.set_blocking(fd, True)
    return fd, info.st_size


def _sample(fd: int, size: int) -> bytes:
    """The head and tail of the file: what media_type() reads (read in place: the file offset is not moved)."""
    if size <= SNIFF_HEAD + SNIFF_TAIL:
        return os.pread(fd, size, 0)
    return os.pread(fd, SNIFF_HEAD, 0) + os.pread(fd, SNIFF_TAIL, size - SNIFF_TAIL)


def ingest(
    settings: Settings,
    paths: Iterable[Path | str],
    name: str = "files",
    *,
    on_skip: Callable[[Skipped], None] | None = None,
) -> IngestResult:
    """Store every file under ``paths`` in the archive as source ``local:<name>``; return what was done, with
    every skipped file and why (``on_skip`` hears of each as it happens)."""
    archive = settings.archive
    run_id = f"ingest-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    result = IngestResult(run_id, 0, 0)

    def skip(path: Path, reason: str) -> None:
        result.skipped.append(Skipped(str(path), reason))
        if on_skip:
            on_skip(result.skipped[-1])

    candidates = list(_candidates([Path(p) for p in paths], skip))  # every path given exists before we write
    store = BlobStore(archive)
    spool = settings.spool_dir
    with archive_writer(lock_dir(archive, spool), lambda: recover(archive, spool)):
        pending: list[dict[str, Any]] = []
        last_flush = time.monotonic()
        try:
            for candidate in candidates:
                try:
                    pending.append(_store(store, candidate, name, result))
                except _Unreadable as error:
                    skip(candidate.path, str(error))
                    continue
                crashpoints.reached("ingest.stored")
                if len(pending) >= BATCH_FILES or time.monotonic() - last_flush >= BATCH_SECONDS:
                    append_records(archive, run_id, pending)
                    pending, last_flush = [], time.monotonic()
        finally:
            if pending:  # also when the archive failed mid-way: what was stored gets its rows
                append_records(archive, run_id, pending)
    return result


def _store(store: BlobStore, candidate: _Candidate, name: str, result: IngestResult) -> dict[str, Any]:
    """One file into the store; its manifest record. Raises _Unreadable for a file that must be skipped."""
    fd, size = _open(candidate)
    source = _Source(fd)
    with source.handle:
        try:
            sample = _sample(fd, size)
        except OSError as error:
            raise _Unreadable(f"cannot read: {error.strerror}") from error
        sha256, size, new = store.put_file(source)
    result.files += 1
    result.new_blobs += new
    path = candidate.path
    return {
        "source_id": f"local:{name}",
        "url": path.as_uri(),
        "sha256": sha256,
        "media_type": media_type(sample),
        "size": size,
        "role": "file",
        "filename": path.name,
        "title": path.stem,
    }
