"""Files on their way into the warehouse: written beside the tables, moved into place together, swept when their
writer died.

A write stages every new file under ``{root}/_staging/`` (written and fsynced), then writes a journal naming each
move (staged file → its place in a table) and renames the journal into place: that rename is the commit. Then the
files are renamed into place and the journal removed. So a batch of reports lands in all its tables or in none:
- killed before the commit, a writer leaves only staged files; readers saw the old tables all along, and the next
  writer sweeps them;
- killed after it, the next writer — or the next reader that finds the warehouse unlocked — finishes the moves
  (each a rename of a complete file, so finishing twice is harmless).
All of it runs under the warehouse's writer lock (:func:`writing`), so the staging folder holds nothing of a live
writer when it is swept. Object storage has no rename: there a file is written in place by one PUT, which is
already all-or-nothing per file.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from pipelines import crashpoints, locks
from pipelines.archive.store import fsync_dir
from pipelines.settings import Settings, is_uri

STAGING = "_staging"
JOURNAL = "commit.json"
logger = logging.getLogger(__name__)


def lock_path(settings: Settings) -> Path:
    """The warehouse's writer lock (beside the catalog, which it protects too)."""
    return settings.local_root / "warehouse.lock"


@contextmanager
def writing(settings: Settings, *, timeout: float | None = None) -> Iterator[dict[str, int]]:
    """Hold the warehouse's writer lock; on taking it, finish a killed writer's commit and sweep its leftovers.
    Yields what was recovered (counts), for callers that report it."""
    with locks.exclusive(lock_path(settings), "warehouse", timeout=timeout):
        yield recover(settings)


def recover_if_unlocked(settings: Settings) -> None:
    """For readers: finish a commit a killed writer left, when no writer is active (skipped on a read-only data
    directory, and when a writer holds the lock: it finishes its own commit)."""
    if is_uri(settings.data) or not (Path(settings.warehouse) / STAGING / JOURNAL).exists():
        return
    try:
        with locks.exclusive(lock_path(settings), "warehouse", timeout=0):
            recover(settings)
    except (locks.LockTimeout, OSError):
        return


def recover(settings: Settings) -> dict[str, int]:
    """Roll a committed journal forward, then remove every staged file and catalog temporary (call under the lock)."""
    done = {"moves_finished": 0, "staged_removed": 0}
    if is_uri(settings.data):
        return done
    root = Path(settings.warehouse)
    staging = root / STAGING
    journal = staging / JOURNAL
    if journal.exists():
        done["moves_finished"] = _roll_forward(journal)
    leftovers = [*(staging.iterdir() if staging.is_dir() else ()), *root.glob(f"*/{STAGING}/*")]
    leftovers += settings.local_root.glob(f".{settings.catalog_path.name}.*")  # a killed catalog refresh
    for leftover in leftovers:
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        done["staged_removed"] += 1
    if done["moves_finished"] or done["staged_removed"]:
        logger.info("warehouse recovered from a killed writer: %s", done)
    return done


def _roll_forward(journal: Path) -> int:
    try:
        moves = json.loads(journal.read_text(encoding="utf-8"))["moves"]
    except (OSError, ValueError, KeyError):  # torn before its rename: it never committed
        journal.unlink(missing_ok=True)
        return 0
    finished = 0
    for staged, final in moves:
        if os.path.exists(staged):
            os.makedirs(os.path.dirname(final), exist_ok=True)
            os.replace(staged, final)
            finished += 1
            crashpoints.reached("warehouse.commit.moving")
    _fsync_dirs({os.path.dirname(final) for _, final in moves})
    journal.unlink()
    _fsync_dirs({str(journal.parent)})
    return finished


class Commit:
    """Files staged for one all-or-nothing move into a local warehouse (thread-safe: tables are written in
    parallel)."""

    def __init__(self, root: str) -> None:
        self.staging = Path(root) / STAGING
        self.moves: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def stage(self, final: str, write: Callable[[BinaryIO], None]) -> None:
        """Write a file through ``write`` into the staging folder; it moves to ``final`` at :meth:`commit`."""
        self.staging.mkdir(parents=True, exist_ok=True)
        temp = self.staging / f"{os.getpid()}-{uuid.uuid4().hex}.parquet"
        try:
            with open(temp, "wb") as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        with self._lock:
            self.moves.append((str(temp), final))

    def commit(self) -> None:
        """The journal's rename is the commit point; then every staged file moves into place."""
        if not self.moves:
            return
        if len(self.moves) == 1:  # one rename is atomic by itself
            ((staged, final),) = self.moves
            os.makedirs(os.path.dirname(final), exist_ok=True)
            os.replace(staged, final)
            self.moves = []
            _fsync_dirs({os.path.dirname(final)})
            return
        journal = self.staging / JOURNAL
        temp = self.staging / f".{JOURNAL}.{os.getpid()}-{uuid.uuid4().hex}"
        crashpoints.reached("warehouse.commit.staged")
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump({"moves": self.moves}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, journal)
        self.moves = []  # committed: from here on the journal owns the staged files, abort() must not touch them
        _fsync_dirs({str(self.staging)})
        crashpoints.reached("warehouse.commit.journaled")
        _roll_forward(journal)

    def abort(self) -> None:
        for staged, _ in self.moves:
            with suppress(FileNotFoundError):
                os.unlink(staged)
        self.moves = []


def _fsync_dirs(directories: set[str]) -> None:
    """Make renames durable (POSIX: a directory entry lives in its directory)."""
    for directory in directories:
        fsync_dir(directory)
