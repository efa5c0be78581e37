"""Writing source files: one YAML per source, fields in the model's order, defaults left out, in a folder per
province (``sources/河南省/zhengzhou-police.yaml``; central organs under ``中央/``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipelines.regions import region
from pipelines.registry.model import NATIONAL, Source

CENTRAL_FOLDER = "中央"


def folder_for(source: Source) -> str:
    """The province folder a source file goes in (the region code's province; 中央 for central organs)."""
    if source.region_code == NATIONAL:
        return CENTRAL_FOLDER
    known = region(source.region_code[:2] + "0000")
    return known.name if known else source.region_code[:2] + "0000"


def source_yaml(source: Source) -> str:
    """The file text of a source: its set fields in the model's order."""
    data: dict[str, Any] = source.model_dump(mode="json", exclude_defaults=True)
    data = {"id": source.id, "organ": source.organ, "region_code": source.region_code, **data}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def write_source(directory: Path | str, source: Source, *, by_province: bool = True) -> Path:
    """Write ``source`` under ``directory`` (in its province folder unless ``by_province`` is false)."""
    folder = Path(directory) / folder_for(source) if by_province else Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{source.id}.yaml"
    path.write_text(source_yaml(source), encoding="utf-8")
    return path
