"""The crawler's view of the registry: the source model and its loader live at the ground floor
(``pipelines.registry``) so that the warehouse and Dagster read the same; this module keeps the crawler's names."""

from pipelines.registry import (
    DEFAULT_DIR,
    Access,
    Family,
    Hints,
    Lists,
    Registry,
    Source,
    SourceError,
    load_registry,
    load_source,
    load_sources,
)

__all__ = [
    "DEFAULT_DIR",
    "Access",
    "Family",
    "Hints",
    "Lists",
    "Registry",
    "Source",
    "SourceError",
    "load_registry",
    "load_source",
    "load_sources",
]
