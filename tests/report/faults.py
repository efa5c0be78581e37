"""A parser that breaks the way real ones do, on documents that ask for it: the parse stage's fault injection.

The parse stage takes its parser as an argument (bytes, source → Report); the tests hand it this one, which
parses like the real one unless the document's bytes carry a marker — then it raises, segfaults, is killed as
the kernel's OOM killer would kill it, or hangs. It runs in the stage's worker processes, so it must live in an
importable module (not a test file).
"""

from __future__ import annotations

import ctypes
import os
import signal
import time

from pipelines.report.model import Report
from pipelines.report.parse import parse_bytes

RAISES = "【故障:异常】"
SEGFAULT = "【故障:段错误】"
KILLED = "【故障:被杀】"
HANGS = "【故障:挂起】"
MARKERS = (RAISES, SEGFAULT, KILLED, HANGS)


def parse_with_faults(data: bytes, source: str) -> Report:
    if RAISES.encode() in data:
        raise RuntimeError("the parser met something it did not expect")
    if SEGFAULT.encode() in data:
        ctypes.string_at(0)  # reads address 0: SIGSEGV, as a native reader's bug would
    if KILLED.encode() in data:
        os.kill(os.getpid(), signal.SIGKILL)
    if HANGS.encode() in data:
        time.sleep(3600)
    return parse_bytes(data, source)


ENVIRONMENT_PROBE = "GOVREPORTS_TEST_PROBE"


def parse_naming_the_environment(data: bytes, source: str) -> Report:
    """Fails every document with the worker's value of ``ENVIRONMENT_PROBE``: which environment the worker has."""
    raise RuntimeError(f"probe={os.environ.get(ENVIRONMENT_PROBE)}")
