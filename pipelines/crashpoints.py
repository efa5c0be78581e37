"""Named points where the fault-injection suite (tests/faults) kills the process with SIGKILL, to prove that a
crash exactly there loses and corrupts nothing: ``GOVREPORTS_CRASH_AT=<name>`` in the environment.

A timer cannot hit a window of a millisecond (between two renames of one commit); a named point can. Unset, a
point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "GOVREPORTS_CRASH_AT"


def reached(name: str) -> None:
    """SIGKILL this process when the environment names this point."""
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
