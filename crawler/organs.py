"""The organ of a listed report. A title names its organ (the words before the year); the column's own organ is
only the fallback (portals.md, real markup 2). In a many-organ column (a platform, a district column with every
township's report) the title's organ is resolved against the organ registry, nearest the column's region first,
so the report carries the registered name and region code; an organ the registry does not know keeps the name
the title prints and the column's region.

The registry is read once per process from the directory the crawl was given (``GOVREPORTS_SOURCES_DIR``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from scrapy.settings import BaseSettings

from crawler.sources import Lists, Registry, Source, SourceError, load_registry
from pipelines.titles import Title

SOURCES_SETTING = "GOVREPORTS_SOURCES_DIR"


@lru_cache(maxsize=4)
def _registry(directory: str) -> Registry | None:
    try:
        return load_registry(Path(directory) if directory else None)
    except SourceError:
        return None


def organ_of_report(settings: BaseSettings, source: Source, title: Title) -> tuple[str | None, str]:
    """(organ name, region code) of a report ``title`` listed in ``source``'s column."""
    printed = title.organ or source.organ
    if source.lists is not Lists.MANY or printed == source.organ:
        return printed, source.region_code
    registry = _registry(settings.get(SOURCES_SETTING) or "")
    organ = registry.find(printed, source.region_code, prefer=source.organs) if registry else None
    if organ is None:
        return printed, source.region_code
    return organ.name, organ.region_code
