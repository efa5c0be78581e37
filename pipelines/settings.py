"""Where the product writes: one data directory for archive, warehouse and Dagster storage.

This module sits at the bottom of the import graph so that the crawler, the warehouse, Dagster and the CLI all
resolve the same place the same way: ``--data`` beats ``GOVREPORTS_DATA`` beats ``./data``. A value with a URI
scheme (``s3://bucket/prefix``) puts the archive (blobs, WARC, manifest, crawl state, health) and the warehouse on
object storage; what must stay on this machine (Dagster's sqlite, the DuckDB catalog file, WARC files being
written, logs) goes to ``GOVREPORTS_LOCAL_DATA`` or ``./data``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_ENV = "GOVREPORTS_DATA"
DEFAULT_DATA = "data"


def is_uri(location: str) -> bool:
    """True for ``s3://…``-style locations (object storage), false for local paths."""
    return "://" in location and not location.startswith("file://")


@dataclass(frozen=True)
class Settings:
    """The resolved data locations; every path derives from ``data``."""

    data: str

    @classmethod
    def resolve(cls, data: str | os.PathLike[str] | None = None) -> Settings:
        chosen = str(data) if data else os.environ.get(DATA_ENV) or DEFAULT_DATA
        if not is_uri(chosen):
            chosen = str(Path(chosen.removeprefix("file://")).expanduser().resolve())
        return cls(data=chosen)

    @property
    def local_root(self) -> Path:
        """A local directory for what cannot live in object storage (archive blobs, Dagster sqlite)."""
        if is_uri(self.data):
            return Path(os.environ.get("GOVREPORTS_LOCAL_DATA", DEFAULT_DATA)).resolve()
        return Path(self.data)

    @property
    def archive(self) -> str:
        """The archive's location: a local path, or an object-storage URI when ``data`` is one."""
        return f"{self.data.rstrip('/')}/archive" if is_uri(self.data) else str(Path(self.data) / "archive")

    @property
    def archive_dir(self) -> Path:
        """The archive as a local directory (an archive on object storage has none: use :attr:`archive`)."""
        if is_uri(self.data):
            raise ValueError(f"the archive of {self.data} is on object storage ({self.archive}), not a directory")
        return Path(self.archive)

    @property
    def spool_dir(self) -> Path:
        """Local room for files still being written before they move to the archive (WARC files)."""
        return self.local_root / "spool"

    @property
    def warehouse(self) -> str:
        """Root of the Parquet tables: a local path or an object-storage URI."""
        return f"{self.data.rstrip('/')}/warehouse" if is_uri(self.data) else str(Path(self.data) / "warehouse")

    @property
    def catalog_path(self) -> Path:
        return self.local_root / "catalog.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.local_root / "dagster"
