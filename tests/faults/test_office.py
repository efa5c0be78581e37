"""Issue 15 case 9 (LibreOffice half): a DOC that hangs LibreOffice costs one short time limit, conversions hang in
parallel rather than one after another, and no LibreOffice process outlives its conversion — not even when the
process that started it is killed.

The hang is LibreOffice's own behaviour reproduced by a stand-in ``soffice`` put first on PATH: it ignores SIGTERM
and starts a child of its own, as ``soffice`` starts ``soffice.bin``.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipelines.document import office
from pipelines.document.errors import UnreadableDocument
from pipelines.document.read import read_document
from tests.faults.conftest import ROOT

DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "WordDocument".encode("utf-16-le") + b"\0" * 2000


@pytest.fixture
def hanging_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A ``soffice`` that never finishes; returns the marker its processes carry on their command lines."""
    marker = str(random.randint(10**8, 10**9))
    script = tmp_path / "bin" / "soffice"
    script.parent.mkdir()
    script.write_text(f"#!/bin/sh\ntrap '' TERM\nsleep {marker}1 &\nsleep {marker}2\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(office.TIMEOUT_ENV, "2")
    yield marker
    for pid in marked(marker):  # never leave one behind, whatever the test did
        os.kill(pid, signal.SIGKILL)


def marked(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes().decode(errors="replace") \
                    and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_hanging_conversions_end_at_the_limit_in_parallel_and_leave_no_process(hanging_soffice: str) -> None:
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=3) as pool:
        outcomes = list(pool.map(lambda n: _read(f"hang-{n}.doc"), range(3)))
    elapsed = time.monotonic() - started
    assert all(isinstance(o, UnreadableDocument) and "within 2 s" in str(o) for o in outcomes), outcomes
    assert [str(o).split(":")[0] for o in outcomes] == ["hang-0.doc", "hang-1.doc", "hang-2.doc"]
    slots = min(3, os.cpu_count() or 1)
    assert elapsed < (3 / slots) * (2 + office.KILL_AFTER) + 6, elapsed  # not three limits one after another
    assert gone(hanging_soffice)


def gone(marker: str, within: float = 5.0) -> bool:
    """No process of the stand-in left (a killed process takes a moment to be gone on a busy machine)."""
    deadline = time.monotonic() + within
    while marked(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    return marked(marker) == []


def _read(name: str) -> BaseException | None:
    try:
        read_document(DOC, name)
    except UnreadableDocument as error:
        return error
    return None


def test_a_killed_reader_leaves_no_libreoffice_behind(hanging_soffice: str) -> None:
    reader = subprocess.Popen(
        [sys.executable, "-c", "from tests.faults.test_office import _read, DOC; _read('x.doc')"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 20
    while len(marked(hanging_soffice)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marked(hanging_soffice), "the stand-in LibreOffice never started"
    reader.kill()
    reader.wait()
    deadline = time.monotonic() + 2 + office.KILL_AFTER + 5
    while marked(hanging_soffice) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marked(hanging_soffice) == [], "LibreOffice outlived the process that started it"
