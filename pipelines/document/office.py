"""Word binary (DOC, and WPS 文字's .wps, which is the same compound-file format) and RTF (many a '.doc' on a
portal) → DOCX with LibreOffice, then the DOCX reader.

No Python library reads merged cells of Word binary tables correctly; LibreOffice (installed by run.sh) does.
Each conversion runs headless in its own temporary directory with its own user profile, so conversions run in
parallel (one per parse worker, or per thread, up to one per CPU) instead of fighting over one profile lock.

A hostile file can hang LibreOffice, so a conversion has a time limit, ``GOVREPORTS_OFFICE_TIMEOUT`` seconds
(default 30: a report converts in 1.5–3 s here, measured), and runs in a process group of its own under
coreutils' ``timeout``, which ends the whole group (``soffice`` starts ``soffice.bin`` as a child) at the limit —
even when this process is gone by then (a parse worker ended for its own time limit, or killed). Whatever way
a conversion ends, its process group is killed before its folder is removed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from contextlib import suppress
from pathlib import Path

from pipelines.document import docx, sniff
from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Document

DOC_MEDIA_TYPE = sniff.DOC
RTF_MEDIA_TYPE = sniff.RTF
TIMEOUT_ENV = "GOVREPORTS_OFFICE_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
KILL_AFTER = 5
"""Seconds between timeout's TERM and its KILL, for a LibreOffice that ignores the TERM."""
TIMED_OUT = 124
"""coreutils timeout's exit status when the time limit ended the command."""
_SLOTS = threading.BoundedSemaphore(os.cpu_count() or 1)
"""Conversions at once in this process (threads); processes each have their own."""


def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def time_limit() -> float:
    try:
        return max(1.0, float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


def convert(data: bytes, source: str, suffix: str, target: str, *, input_filter: str | None = None) -> bytes:
    """Convert ``data`` (a file ending in ``suffix``) to ``target`` (a LibreOffice --convert-to argument)."""
    binary = soffice()
    if binary is None:
        raise UnreadableDocument(source, "LibreOffice (soffice) is not installed; run `bash run.sh setup`")
    limit = time_limit()
    with _SLOTS, tempfile.TemporaryDirectory(prefix="govreports-office-") as work:
        folder = Path(work)
        original = folder / f"input{suffix}"
        original.write_bytes(data)
        command = [
            binary,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
        ]
        if input_filter:
            command.append(f"--infilter={input_filter}")
        command += ["--convert-to", target, "--outdir", str(folder / "out"), str(original)]
        guard = shutil.which("timeout")
        if guard:
            command = [guard, f"--kill-after={KILL_AFTER}", f"{limit:g}", *command]
        process = subprocess.Popen(
            command, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            status = process.wait(timeout=limit + KILL_AFTER + 5)
        except subprocess.TimeoutExpired:
            status = TIMED_OUT
        finally:
            _end_group(process)
        if status in (TIMED_OUT, -signal.SIGKILL, 128 + signal.SIGKILL):  # timeout's TERM, or its KILL after it
            raise UnreadableDocument(source, f"LibreOffice did not convert it within {limit:g} s")
        extension = target.split(":", 1)[0]
        produced = list((folder / "out").glob(f"*.{extension}"))
        if not produced:
            raise UnreadableDocument(source, f"LibreOffice could not convert it to {extension}")
        return produced[0].read_bytes()


def _end_group(process: subprocess.Popen[bytes]) -> None:
    """Kill whatever of the conversion's process group is left (soffice.bin outlives its launcher)."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def read(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    """DOC or WPS → DOCX → Document; the document keeps the sha256 and media type of the original bytes."""
    converted = convert(data, source, ".doc", "docx:MS Word 2007 XML")
    return docx.read(converted, source, sha256, media_type=DOC_MEDIA_TYPE)


def read_rtf(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    converted = convert(data, source, ".rtf", "docx:MS Word 2007 XML")
    return docx.read(converted, source, sha256, media_type=RTF_MEDIA_TYPE)
