"""OCR results kept beside the archive, per (image sha256, engine, engine version): a re-parse reads none again.

OCR is the one slow step of reading a document (seconds a page, against milliseconds for a text layer), and its
result depends only on the image's pixels, the engine and the way pages are prepared for it. So every page read
is stored as JSON under ``{archive}/ocr/{engine}/{version}/{sha[:2]}/{sha}.json`` — where the archive is
(``GOVREPORTS_DATA``, as everywhere), or ``GOVREPORTS_OCR_CACHE`` when set (``off`` keeps nothing). A new engine
version or a new page preparation (``READING_VERSION`` in scan.py) is a new folder: everything is read again.
Files appear by atomic rename, so parallel parse workers and crashes leave either a whole result or none; an
unreadable file is a miss (and is read again), never an error.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from pipelines.document.ocr.engine import slug
from pipelines.settings import Settings

CACHE_ENV = "GOVREPORTS_OCR_CACHE"
OFF = "off"


class OcrCache:
    """JSON results under ``root`` (None: no cache)."""

    def __init__(self, root: Path | str | None) -> None:
        self.root = Path(root) if root is not None else None

    @classmethod
    def configured(cls) -> OcrCache:
        setting = os.environ.get(CACHE_ENV, "").strip()
        if setting.lower() == OFF:
            return cls(None)
        return cls(Path(setting) if setting else Settings.resolve().archive_dir / "ocr")

    def path(self, sha256: str, engine: str, version: str) -> Path | None:
        if self.root is None:
            return None
        return self.root / slug(engine) / slug(version) / sha256[:2] / f"{sha256}.json"

    def get(self, sha256: str, engine: str, version: str) -> dict[str, Any] | None:
        path = self.path(sha256, engine, version)
        if path is None:
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, sha256: str, engine: str, version: str, result: dict[str, Any]) -> None:
        """Store ``result``; a cache that cannot be written (read-only archive, full disk) is skipped."""
        path = self.path(sha256, engine, version)
        if path is None:
            return
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(result, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)
