"""Writer locks: one writer at a time for the warehouse; archive clean-up only while nobody else writes the archive.

A lock is flock(2) on a file in the data directory. The kernel drops it when its holder dies — even by SIGKILL — so
a lock is never stale and nothing has to be cleaned up by hand. The holder writes who it is (pid, command, start
time) into the file, so whoever finds the lock taken can say who holds it.

Two kinds:
- :func:`exclusive` — the warehouse (Parquet tables and catalog). A second ``govreports build`` *waits* (with one
  line saying for whom) rather than failing: a build is idempotent, so the second one finds the first one's work
  done and finishes quickly, and a nightly job and a person running a build at the same time both succeed
  without a retry. The wait is bounded (``GOVREPORTS_LOCK_TIMEOUT`` seconds, default one hour); past it the
  error names the holder.
- :func:`archive_writer` — the archive. Crawls and ingests write it together safely (content-addressed blobs,
  append-only manifest parts), so they share the lock; the clean-up of what killed writers left (blob
  temporaries, open WARC files) needs the archive to itself, and is done only when the lock can be had alone.

Locks are re-entrant within a thread (a build refreshes the catalog under the lock it already holds).
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from pipelines.archive.store import pid_alive

TIMEOUT_ENV = "GOVREPORTS_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 3600.0
POLL_SECONDS = 0.2
logger = logging.getLogger("govreports.locks")
T = TypeVar("T")


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as it wrote itself into the lock file."""

    pid: int
    command: str
    since: str
    host: str

    def describe(self) -> str:
        return f"{self.command} (pid {self.pid} on {self.host}, since {self.since})"


class LockTimeout(Exception):
    """The lock stayed taken longer than the caller would wait; the message names what and who."""

    def __init__(self, what: str, path: Path, holder: Holder | None, waited: float) -> None:
        who = holder.describe() if holder else "another process"
        super().__init__(
            f"the {what} is being written by {who}; waited {waited:.0f} s for it (lock file {path}). "
            f"Run again when it has finished, or raise {TIMEOUT_ENV}."
        )
        self.what, self.path, self.holder, self.waited = what, path, holder, waited


@dataclass
class _Held:
    """A lock this process holds: its descriptor and how many times its thread entered it."""

    fd: int
    count: int


_REGISTRY: dict[str, _Held] = {}
_REGISTRY_LOCK = threading.Lock()
_THREAD_LOCKS: dict[str, threading.RLock] = {}


def _forget_in_child() -> None:
    """A forked child (a parse worker) must not keep its parent's locks alive: close its copies."""
    for held in _REGISTRY.values():
        os.close(held.fd)
    _REGISTRY.clear()
    _THREAD_LOCKS.clear()


os.register_at_fork(after_in_child=_forget_in_child)


def timeout_from_env() -> float:
    try:
        return float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def holder(path: Path) -> Holder | None:
    """The holder recorded in ``path`` when it is a live process; None when unknown."""
    try:
        record = json.loads(path.read_text(encoding="utf-8") or "null")
        found = Holder(int(record["pid"]), str(record["command"]), str(record["since"]), str(record["host"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if found.host == socket.gethostname() and not pid_alive(found.pid):
        return None
    return found


def _command() -> str:
    """This process's command line, short: ``govreports --data D build``, ``python -m crawler.run …``."""
    words = list(getattr(sys, "orig_argv", sys.argv))
    if words and Path(words[0]).name.startswith("python"):
        words[0] = "python"
        if len(words) > 1 and words[1].endswith(("/govreports", "/dagster")):  # a console script run by python
            words = words[1:]
    if words:
        words[0] = Path(words[0]).name
    text = " ".join(words)
    return text if len(text) <= 160 else text[:157] + "…"


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)


def _try(fd: int, operation: int) -> bool:
    try:
        fcntl.flock(fd, operation | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _record(fd: int) -> None:
    record = {
        "pid": os.getpid(),
        "command": _command(),
        "since": datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S"),
        "host": socket.gethostname(),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(record).encode("utf-8"), 0)


@contextmanager
def exclusive(path: Path, what: str, *, timeout: float | None = None) -> Iterator[None]:
    """Hold ``path`` alone (waiting up to ``timeout`` s, default from the environment); ``what`` names the
    protected thing in messages ("warehouse")."""
    key = str(path.absolute())
    with _REGISTRY_LOCK:
        thread_lock = _THREAD_LOCKS.setdefault(key, threading.RLock())
    limit = timeout_from_env() if timeout is None else timeout
    started = time.monotonic()
    if not thread_lock.acquire(timeout=limit if limit >= 0 else -1):
        raise LockTimeout(what, path, None, time.monotonic() - started)
    try:
        held = _REGISTRY.get(key)
        if held is not None:  # re-entered by the thread that holds it
            held.count += 1
            try:
                yield
            finally:
                held.count -= 1
            return
        fd = _open(path)
        try:
            _wait(fd, fcntl.LOCK_EX, path, what, limit, started)
            _record(fd)
            _REGISTRY[key] = _Held(fd, 1)
            try:
                yield
            finally:
                del _REGISTRY[key]
                os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # closing the descriptor releases the flock
    finally:
        thread_lock.release()


def _wait(fd: int, operation: int, path: Path, what: str, limit: float, started: float) -> None:
    """Take the lock, saying once for whom it waits; raise LockTimeout past ``limit`` seconds."""
    if _try(fd, operation):
        return
    found = holder(path)
    logger.warning("waiting for the %s: %s is writing it", what, found.describe() if found else "another process")
    while True:
        waited = time.monotonic() - started
        if waited >= limit:
            raise LockTimeout(what, path, holder(path), waited)
        time.sleep(min(POLL_SECONDS, max(limit - waited, 0.01)))
        if _try(fd, operation):
            logger.warning("the %s is free again after %.1f s; going on", what, time.monotonic() - started)
            return


@contextmanager
def archive_writer(
    archive_dir: Path, clean_up: Callable[[], T] | None = None, *, timeout: float | None = None
) -> Iterator[T | None]:
    """Write the archive beside other writers. When no other writer is active, ``clean_up`` runs first (with the
    archive to itself) and its result is yielded; otherwise it is skipped (a later writer does it) and None is
    yielded."""
    path = Path(archive_dir) / "writers.lock"
    fd = _open(path)
    try:
        result = None
        if _try(fd, fcntl.LOCK_EX):
            _record(fd)
            try:
                result = clean_up() if clean_up else None
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_SH)  # let other writers in
        else:
            limit = timeout_from_env() if timeout is None else timeout
            _wait(fd, fcntl.LOCK_SH, path, "archive", limit, time.monotonic())
        yield result
    finally:
        os.close(fd)
