"""OCR results kept beside the archive, per (image sha256, engine, engine version): a re-parse reads none again.

OCR is the one slow step of reading a document (seconds a page, against milliseconds for a text layer), and its
result depends only on the image's pixels, the engine and the way pages are prepared for it. So every page read
is stored as JSON under ``{archive}/ocr/{engine}/{version}/{sha[:2]}/{sha}.json`` — in the archive being parsed
(the parse stage names it, :func:`use_archive`), else the configured one (``GOVREPORTS_DATA``, as everywhere; a
local path or object storage, through the archive's Location), or ``GOVREPORTS_OCR_CACHE`` when set (``off`` keeps
nothing). A new engine version or a new page preparation (``READING_VERSION`` in scan.py) is a new folder:
everything is read again. Files appear whole (atomic rename; an object put), so parallel parse workers and crashes
leave either a whole result or none; an unreadable file is a miss (and is read again), never an error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pipelines.archive.location import Location
from pipelines.document.ocr.engine import slug
from pipelines.settings import Settings

CACHE_ENV = "GOVREPORTS_OCR_CACHE"
OFF = "off"
FOLDER = "ocr"

_archive: str | None = None
"""The archive this process parses (set by the parse stage's workers): its cache is the one used."""


def use_archive(archive: str | os.PathLike[str] | None) -> None:
    """Keep OCR results beside ``archive`` in this process (None: back to the configured archive)."""
    global _archive
    _archive = os.fspath(archive) if archive is not None else None


class OcrCache:
    """JSON results under ``root`` (a local path, an object-storage URI or a Location; None: no cache)."""

    def __init__(self, root: Path | str | Location | None) -> None:
        if root is None or isinstance(root, Location):
            self.location = root
        else:
            self.location = Location(root)

    @property
    def root(self) -> Path | str | None:
        """Where results go: a local directory, or the object-storage URI."""
        if self.location is None:
            return None
        return self.location.local_path if not self.location.remote else str(self.location)

    @classmethod
    def configured(cls) -> OcrCache:
        setting = os.environ.get(CACHE_ENV, "").strip()
        if setting.lower() == OFF:
            return cls(None)
        if setting:
            return cls(setting)
        return cls(Location(_archive or Settings.resolve().archive).child(FOLDER))

    @staticmethod
    def name(sha256: str, engine: str, version: str) -> str:
        return f"{slug(engine)}/{slug(version)}/{sha256[:2]}/{sha256}.json"

    def path(self, sha256: str, engine: str, version: str) -> str | None:
        if self.location is None:
            return None
        return self.location.path(self.name(sha256, engine, version))

    def get(self, sha256: str, engine: str, version: str) -> dict[str, Any] | None:
        if self.location is None:
            return None
        try:
            stored = json.loads(self.location.read_bytes(self.name(sha256, engine, version)).decode("utf-8"))
        except (OSError, ValueError):
            return None
        return stored if isinstance(stored, dict) else None

    def put(self, sha256: str, engine: str, version: str, result: dict[str, Any]) -> None:
        """Store ``result``; a cache that cannot be written (read-only archive, full disk, storage down) is skipped."""
        if self.location is None:
            return
        data = json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            self.location.write_bytes(self.name(sha256, engine, version), data, durable=False)
        except OSError:
            return
