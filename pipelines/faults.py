"""Faults of the machine, in one line for people: what failed and what to do — never a traceback.

A read-only or full disk, a permission, a lock held too long or memory running out is not a bug to report but a
condition to fix; every command (the CLI, the crawl child) turns it into one line naming the file and the remedy.
Libraries report the same condition differently (an ``OSError`` with an errno; DuckDB and Arrow as text), so the
cause chain is searched for either.
"""

from __future__ import annotations

import errno
import os
import re

from pipelines.locks import LockTimeout

_ELSEWHERE = "or choose another data directory with --data DIR (or GOVREPORTS_DATA)"
_SPACE = "free space on that disk and run again (nothing archived is lost; the warehouse keeps its last complete data)"
_REMEDIES = {
    errno.EROFS: f"remount it read-write, {_ELSEWHERE}",
    errno.EACCES: f"give this user write access to the data directory, {_ELSEWHERE}",
    errno.EPERM: f"give this user write access to the data directory, {_ELSEWHERE}",
    errno.ENOSPC: _SPACE,
    errno.EDQUOT: _SPACE,
    errno.EIO: "check the disk, then run again",
    errno.EMFILE: "raise the limit of open files (ulimit -n) and run again",
    errno.ENFILE: "close some programs and run again",
    errno.ENOMEM: "close other programs (or give the machine more memory) and run again",
}
_TEXTS = {
    "read-only file system": errno.EROFS,
    "permission denied": errno.EACCES,
    "no space left on device": errno.ENOSPC,
    "disk quota exceeded": errno.EDQUOT,
    "input/output error": errno.EIO,
    "too many open files": errno.EMFILE,
    "cannot allocate memory": errno.ENOMEM,
}
_QUOTED_PATH = re.compile(r"""["'](/[^"']+)["']""")


def _chain(error: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def fault_message(error: BaseException) -> str | None:
    """One line for a fault of the machine anywhere in ``error``'s cause chain; None when it is not one."""
    for cause in _chain(error):
        if isinstance(cause, LockTimeout):
            return str(cause)
        if isinstance(cause, MemoryError):
            return f"out of memory: {_REMEDIES[errno.ENOMEM]}"
        code = cause.errno if isinstance(cause, OSError) and cause.errno in _REMEDIES else None
        text = str(cause)
        if code is None:
            code = next((number for phrase, number in _TEXTS.items() if phrase in text.lower()), None)
        if code is None:
            continue
        path = getattr(cause, "filename", None) or _path_in(text)
        return f"{f'{path}: ' if path else ''}{os.strerror(code).lower()}: {_REMEDIES[code]}"
    return None


def _path_in(text: str) -> str | None:
    match = _QUOTED_PATH.search(text)
    return match.group(1) if match else None
