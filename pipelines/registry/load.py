"""Reading the registry: every ``*.yaml`` under ``sources/`` (folders by province allowed), validated, turned into
the organ registry and the column registry. The one loader the crawler, the warehouse and Dagster use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pipelines.registry.model import Level, Source
from pipelines.registry.names import comparable

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "sources"
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SourceError(ValueError):
    """A source file that cannot be read or does not validate; the message names the file."""


@dataclass(frozen=True)
class Organ:
    """One organ of the registry, merged from every source file that names it (by name and region code)."""

    name: str
    region_code: str
    aliases: tuple[str, ...] = ()
    level: Level | None = None
    parent: str | None = None
    portal: str | None = None
    source_ids: tuple[str, ...] = ()
    """The files that describe the organ or one of its columns."""

    @property
    def key(self) -> str:
        """The organ's identity in the registry: region code and name."""
        return f"{self.region_code}:{self.name}"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def load_source(path: Path) -> Source:
    """Read and validate one source file."""
    try:
        data: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise SourceError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise SourceError(f"{path}: expected a mapping of source fields, got {type(data).__name__}")
    try:
        source = Source.model_validate(data)
    except ValidationError as error:
        raise SourceError(f"{path}: {error}") from error
    if source.id != path.stem:
        raise SourceError(f"{path}: id {source.id!r} must match the file name {path.stem!r}")
    return source


def source_files(directory: Path | str | None = None) -> list[Path]:
    """Every source file under ``directory`` (default: the shipped ``sources/``), folders included, in a stable
    order; hidden files and folders are skipped."""
    folder = Path(directory) if directory else DEFAULT_DIR
    if not folder.is_dir():
        raise SourceError(f"{folder}: no such sources directory")
    return sorted(
        path
        for path in folder.rglob("*.yaml")
        if not any(part.startswith((".", "_")) for part in path.relative_to(folder).parts)
    )


@dataclass
class Registry:
    """The organ registry and the column registry of one sources directory."""

    directory: Path
    sources: dict[str, Source] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)

    @classmethod
    def from_sources(cls, sources: Iterable[Source], directory: Path | str = ".") -> Registry:
        registry = cls(Path(directory))
        for source in sources:
            registry.sources[source.id] = source
        registry._check()
        return registry

    @property
    def columns(self) -> list[Source]:
        """The sources whose column is known: what the crawler walks."""
        return [source for source in self.sources.values() if source.has_column]

    @property
    def to_discover(self) -> list[Source]:
        """Organs registered with a portal but no column yet."""
        return [source for source in self.sources.values() if not source.has_column]

    @cached_property
    def organs(self) -> dict[str, Organ]:
        """Every organ by key, its fields merged from the files that name it."""
        merged: dict[str, dict[str, Any]] = {}
        for source in self.sources.values():
            key = f"{source.region_code}:{source.organ}"
            entry = merged.setdefault(
                key, {"name": source.organ, "region_code": source.region_code, "aliases": [], "source_ids": []}
            )
            entry["source_ids"].append(source.id)
            entry["aliases"] += [alias for alias in source.aliases if alias not in entry["aliases"]]
            for name in ("level", "parent", "portal"):
                value = getattr(source, name)
                if value is not None:
                    entry.setdefault(name, value)
        return {
            key: Organ(**(entry | {"aliases": tuple(entry["aliases"]), "source_ids": tuple(entry["source_ids"])}))
            for key, entry in merged.items()
        }

    def organ_of(self, source: Source) -> Organ:
        return self.organs[f"{source.region_code}:{source.organ}"]

    @cached_property
    def _by_name(self) -> dict[str, list[Organ]]:
        index: dict[str, list[Organ]] = {}
        for organ in self.organs.values():
            for name in {comparable(name) for name in organ.names}:
                index.setdefault(name, []).append(organ)
        return index

    def named(self, name: str) -> list[Organ]:
        """Every organ whose name or alias compares equal to ``name``."""
        return list(self._by_name.get(comparable(name), ()))

    def find(self, name: str | None, region_code: str | None = None, prefer: Iterable[str] = ()) -> Organ | None:
        """The one organ ``name`` names: by name or alias; when several share it, the one among ``prefer`` (names),
        then the one nearest ``region_code`` (same code, prefecture, province); None when none or still several."""
        if not name:
            return None
        candidates = self.named(name)
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        preferred = {comparable(other) for other in prefer}
        narrowed = [organ for organ in candidates if comparable(organ.name) in preferred]
        candidates = narrowed or candidates
        if region_code and len(candidates) > 1:
            for width in (6, 4, 2):
                near = [organ for organ in candidates if organ.region_code[:width] == region_code[:width]]
                if near:
                    candidates = near
                    break
        return candidates[0] if len(candidates) == 1 else None

    def parent_of(self, organ: Organ) -> Organ | None:
        """The organ above (its ``parent`` resolved by name, nearest region first)."""
        return self.find(organ.parent, organ.region_code) if organ.parent else None

    def _check(self) -> None:
        """Cross-file rules: one organ's files agree on its level, parent and portal; parents are registered."""
        seen: dict[tuple[str, str], tuple[Any, str]] = {}
        for source in self.sources.values():
            for name in ("level", "parent", "portal"):
                value = getattr(source, name)
                if value is None:
                    continue
                key = (f"{source.region_code}:{source.organ}", name)
                if key in seen and seen[key][0] != value:
                    other = seen[key][1]
                    raise SourceError(
                        f"{self._where(source.id)}: {name} {value!r} of {source.organ} disagrees with "
                        f"{seen[key][0]!r} in {self._where(other)}"
                    )
                seen.setdefault(key, (value, source.id))
        for source in self.sources.values():
            if source.parent and not self.named(source.parent):
                raise SourceError(f"{self._where(source.id)}: parent {source.parent!r} is not a registered organ")

    def _where(self, source_id: str) -> str:
        return str(self.paths.get(source_id) or f"{self.directory}/{source_id}.yaml")


def load_registry(directory: Path | str | None = None) -> Registry:
    """Every source file under ``directory`` (default: the shipped ``sources/``), validated, ids unique."""
    folder = Path(directory) if directory else DEFAULT_DIR
    registry = Registry(folder)
    for path in source_files(folder):
        source = load_source(path)
        if source.id in registry.sources:
            raise SourceError(f"{path}: id {source.id!r} is also used by {registry.paths[source.id]}")
        registry.sources[source.id] = source
        registry.paths[source.id] = path
    registry._check()
    return registry


def load_sources(directory: Path | str | None = None, ids: list[str] | tuple[str, ...] | None = None) -> list[Source]:
    """The columns to crawl under ``directory`` (default: the shipped ``sources/``), or only ``ids`` (an unknown
    id, or one whose column is still to be discovered, is an error)."""
    registry = load_registry(directory)
    if not ids:
        return registry.columns
    unknown = [source_id for source_id in ids if source_id not in registry.sources]
    if unknown:
        known = sorted(source.id for source in registry.columns)
        shown = ", ".join(known[:20]) + (f" … ({len(known)} in all)" if len(known) > 20 else "")
        raise SourceError(f"{registry.directory}: unknown source id(s) {unknown}; known: {shown}")
    waiting = [source_id for source_id in ids if not registry.sources[source_id].has_column]
    if waiting:
        raise SourceError(
            f"{registry.directory}: source(s) {waiting} have no column yet (marked for discovery: "
            "run govreports discover on their portal)"
        )
    return [registry.sources[source_id] for source_id in ids]
