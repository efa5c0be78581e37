"""Word binary (DOC, and WPS 文字's .wps, which is the same compound-file format) and RTF (many a '.doc' on a
portal) → DOCX with LibreOffice, then the DOCX reader.

No Python library reads merged cells of Word binary tables correctly; LibreOffice (installed by run.sh) does.
Each conversion runs headless in its own temporary directory with its own user profile (concurrent runs would
otherwise fight over one profile lock) and a timeout, so a hostile file costs at most that long.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from pipelines.document import docx, sniff
from pipelines.document.errors import UnreadableDocument
from pipelines.document.model import Document

DOC_MEDIA_TYPE = sniff.DOC
RTF_MEDIA_TYPE = sniff.RTF
TIMEOUT_SECONDS = 120


def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, source: str, suffix: str, target: str, *, input_filter: str | None = None) -> bytes:
    """Convert ``data`` (a file ending in ``suffix``) to ``target`` (a LibreOffice --convert-to argument)."""
    binary = soffice()
    if binary is None:
        raise UnreadableDocument(source, "LibreOffice (soffice) is not installed; run `bash run.sh setup`")
    with tempfile.TemporaryDirectory(prefix="govreports-office-") as work:
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
        # Its own process group: soffice starts soffice.bin as a child, and a timeout must end both.
        process = subprocess.Popen(
            command, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            process.wait(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise UnreadableDocument(source, f"LibreOffice did not convert it within {TIMEOUT_SECONDS} s") from error
        extension = target.split(":", 1)[0]
        produced = list((folder / "out").glob(f"*.{extension}"))
        if not produced:
            raise UnreadableDocument(source, f"LibreOffice could not convert it to {extension}")
        return produced[0].read_bytes()


def read(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    """DOC or WPS → DOCX → Document; the document keeps the sha256 and media type of the original bytes."""
    converted = convert(data, source, ".doc", "docx:MS Word 2007 XML")
    return docx.read(converted, source, sha256, media_type=DOC_MEDIA_TYPE)


def read_rtf(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Document:
    converted = convert(data, source, ".rtf", "docx:MS Word 2007 XML")
    return docx.read(converted, source, sha256, media_type=RTF_MEDIA_TYPE)
