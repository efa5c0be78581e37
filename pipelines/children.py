"""Child processes tied to their parent: a crawl started by ``govreports crawl`` (or by Dagster) never outlives it.

The parent starts the child in a process group of its own (:class:`TiedChild`), so a Ctrl-C in the terminal reaches
only the parent, which asks the child to stop cleanly (SIGTERM to its group: Scrapy closes the spiders, the last
manifest rows are written, the WARC is closed) and, on a second Ctrl-C or past a grace period, kills the group.
The child ties itself back (:func:`tie_to_parent`): the kernel sends it SIGTERM when the parent dies — even by
SIGKILL, when no handler of the parent runs — and a watchdog kills it if a clean stop takes longer than the grace
period. Either way nothing archived is lost: the archive is safe against SIGKILL at any point.

Exit statuses are the child's own, never a negative number turned into 247: :func:`exit_status`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import threading
import time
from contextlib import suppress
from types import FrameType
from typing import Any

PARENT_ENV = "GOVREPORTS_PARENT_PID"
GRACE_SECONDS = 20.0
"""How long a child may take to stop cleanly once asked (or once its parent died) before it is killed."""
PR_SET_PDEATHSIG = 1

KILLED = 3
"""Exit status of a parent whose child died of a signal it did not ask for (killed, crashed)."""
INTERRUPTED = 130
"""Exit status after a Ctrl-C (the shell's 128 + SIGINT)."""
TERMINATED = 143
"""Exit status after a SIGTERM or a hang-up (128 + SIGTERM)."""


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def exit_status(returncode: int, asked_to_stop: int | None = None) -> int:
    """A parent's exit status for its child's return code (negative: killed by that signal)."""
    if asked_to_stop is not None:
        return INTERRUPTED if asked_to_stop == signal.SIGINT else TERMINATED
    if returncode < 0:
        return KILLED
    return returncode


class TiedChild:
    """``subprocess.Popen`` in its own process group, stopped with the parent (use as a context manager).

    While the block runs, SIGINT, SIGTERM and SIGHUP to the parent are passed on to the child's group as SIGTERM
    (a second one kills it); :attr:`asked_to_stop` records the first. A parent with signal handling of its own
    (Dagster's step process) passes ``forward_signals=False`` and keeps it. Leaving the block (normally or by an
    exception, Dagster's interruption included) stops a child still running: SIGTERM, then SIGKILL after the grace
    period.
    """

    def __init__(
        self, command: list[str], *, grace: float = GRACE_SECONDS, forward_signals: bool = True, **popen: Any
    ) -> None:
        env = dict(popen.pop("env", None) or os.environ)
        env[PARENT_ENV] = str(os.getpid())
        self.grace = grace
        self.forward_signals = forward_signals
        self.asked_to_stop: int | None = None
        self._previous: dict[int, Any] = {}
        self.process = subprocess.Popen(command, env=env, start_new_session=True, **popen)

    def __enter__(self) -> subprocess.Popen:
        if self.forward_signals and threading.current_thread() is threading.main_thread():
            for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                self._previous[number] = signal.signal(number, self._pass_on)
        return self.process

    def __exit__(self, *exc: object) -> None:
        try:
            if self.process.poll() is None:
                self.stop()
        finally:
            for number, handler in self._previous.items():
                signal.signal(number, handler)
            self.process.__exit__(None, None, None)  # close its pipes

    def _pass_on(self, number: int, frame: FrameType | None) -> None:
        if self.asked_to_stop is None:
            self.asked_to_stop = number
            self._signal(signal.SIGTERM)
        else:
            self._signal(signal.SIGKILL)

    def _signal(self, number: int) -> None:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, number)

    def stop(self) -> int:
        """Ask the child's group to stop, kill it after the grace period; return the child's return code."""
        self._signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=self.grace)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            return self.process.wait()


def tie_to_parent(grace: float = GRACE_SECONDS) -> None:
    """In a child started by :class:`TiedChild`: get SIGTERM when the parent dies, and be killed when a clean stop
    takes longer than ``grace`` seconds after that. Does nothing outside such a child (run by hand)."""
    parent = os.environ.get(PARENT_ENV)
    if not parent or not parent.isdigit():
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        told_kernel = libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux: the watchdog alone notices the parent's death
        told_kernel = False
    if os.getppid() != int(parent):  # the parent died before the kernel was told
        told_kernel = False
    watchdog = threading.Thread(target=_watch, args=(int(parent), grace, told_kernel), daemon=True)
    watchdog.start()


def _watch(parent: int, grace: float, told_kernel: bool) -> None:
    """Poll the parent; once it is gone, allow ``grace`` seconds for the clean stop SIGTERM began, then SIGKILL."""
    while os.getppid() == parent:
        time.sleep(0.5)
    if not told_kernel:  # else the kernel sent SIGTERM already (a second one would force an unclean stop)
        os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(grace)
    os.kill(os.getpid(), signal.SIGKILL)
