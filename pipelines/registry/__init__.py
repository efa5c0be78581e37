"""The registry of organs and their report columns (``sources/``): one loader for the crawler, the warehouse's
organ identity, Dagster and discovery. Ground floor: it imports nothing above ``pipelines``."""

from pipelines.registry.load import (
    DEFAULT_DIR,
    Organ,
    Registry,
    SourceError,
    load_registry,
    load_source,
    load_sources,
    source_files,
)
from pipelines.registry.model import NATIONAL, Access, Evidence, Family, Hints, Level, Lists, Source
from pipelines.registry.write import folder_for, source_yaml, write_source

__all__ = [
    "DEFAULT_DIR",
    "NATIONAL",
    "Access",
    "Evidence",
    "Family",
    "Hints",
    "Level",
    "Lists",
    "Organ",
    "Registry",
    "Source",
    "SourceError",
    "folder_for",
    "load_registry",
    "load_source",
    "load_sources",
    "source_files",
    "source_yaml",
    "write_source",
]
