"""Library results (dataclasses, mappings, counts) as Dagster metadata, keeping only what the UI can show."""

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

import dagster as dg


def as_metadata(result: Any) -> dict[str, Any]:
    """Scalars as they are, containers as JSON; ``None`` becomes no metadata."""
    if result is None:
        return {}
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        result = dataclasses.asdict(result)
    if not isinstance(result, Mapping):
        return {"result": str(result)}
    metadata: dict[str, Any] = {}
    for key, value in result.items():
        if isinstance(value, bool | int | float | str):
            metadata[str(key)] = value
        elif value is not None:
            metadata[str(key)] = dg.MetadataValue.json(json.loads(json.dumps(value, default=str, ensure_ascii=False)))
    return metadata
