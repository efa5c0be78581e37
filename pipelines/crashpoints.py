"""Named points where the fault-injection suite (tests/faults) kills the process with SIGKILL, to prove that a
crash exactly there loses and corrupts nothing: ``GOVREPORTS_CRASH_AT=<name>`` kills at the first time the point
is reached, ``<name>:<n>`` at the n-th.

A timer cannot hit a window of a millisecond (between two renames of one commit); a named point can. Unset, a
point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "GOVREPORTS_CRASH_AT"
_REACHED: Counter[str] = Counter()


def reached(name: str) -> None:
    """SIGKILL this process when the environment names this point (and this is the time it names)."""
    wanted = os.environ.get(ENV)
    if not wanted or not wanted.startswith(name):
        return
    point, _, times = wanted.partition(":")
    if point != name:
        return
    _REACHED[name] += 1
    if _REACHED[name] >= (int(times) if times.isdigit() else 1):
        os.kill(os.getpid(), signal.SIGKILL)
