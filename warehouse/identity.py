"""Organ identity: the many printings of one organ's name (full, short, OCR slips) resolved to one organ id.

The organs are the source registry's (``pipelines.registry``: names, aliases, region codes — the loader the
crawler and Dagster use too), plus ``identity.yaml`` (aggregates and their units). Names are compared by the
registry's rules (``pipelines.registry.names``: NFKC, radicals folded, spaces dropped, short forms expanded);
failing that, confusable characters are corrected only if that yields exactly one registry organ. Every
resolution is a recorded decision (``organ_names`` table): the name as printed, the organ, the method, the why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from pipelines.registry import SourceError, load_registry
from pipelines.registry.names import comparable, expand, fold_confusables, normalise
from warehouse.schema import spec

__all__ = ["Decision", "Organ", "Registry", "RegistryError", "decisions_table", "expand", "normalise", "organ_id"]


class RegistryError(ValueError):
    """A registry file that cannot be used; the message names the file."""


@cache
def _identity_data() -> dict[str, Any]:
    text = resources.files("warehouse").joinpath("identity.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@dataclass(frozen=True)
class Organ:
    organ_id: str
    name: str
    region_code: str | None
    source_id: str | None = None
    role: str | None = None
    part_of: str | None = None


@dataclass(frozen=True)
class Decision:
    name: str | None
    normalised: str | None
    organ_id: str | None
    method: str
    detail: str
    region_code: str | None


def organ_id(name: str, region_code: str | None) -> str:
    """A stable id: region code and the full normalised name (unregistered organs have no region part)."""
    return f"{region_code or 'unregistered'}:{comparable(name)}"


@dataclass
class Registry:
    """The organs known from the source registry, indexed by comparable name."""

    organs: dict[str, Organ] = field(default_factory=dict)
    by_source: dict[str, Organ] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    """Comparable alias → organ ids that print it (the registry's ``aliases``)."""

    @classmethod
    def load(cls, sources_dir: Path | str | None = None) -> Registry:
        """The organs of the source registry under ``sources_dir`` (default: the shipped sources/), a missing
        directory meaning none, and the aggregates of identity.yaml."""
        registry = cls()
        folder = Path(sources_dir) if sources_dir else None
        if folder is None or folder.is_dir():
            try:
                organs = load_registry(folder).organs.values()
            except SourceError as error:
                raise RegistryError(str(error)) from error
            for entry in organs:
                organ = registry.add(entry.name, entry.region_code, entry.source_ids[0])
                for source_id in entry.source_ids[1:]:
                    registry.by_source[source_id] = organ
                for alias in entry.aliases:
                    registry.aliases.setdefault(comparable(alias), []).append(organ.organ_id)
        registry.add_aggregates(_identity_data().get("aggregates") or [])
        return registry

    def add(self, name: str, region_code: str | None, source_id: str | None = None) -> Organ:
        organ = Organ(organ_id(name, region_code), comparable(name), region_code, source_id)
        existing = self.organs.setdefault(organ.organ_id, organ)
        if source_id:
            self.by_source[source_id] = existing
        return existing

    def add_aggregates(self, entries: list[dict[str, Any]]) -> None:
        """Mark aggregates and their units (entries: {organ, region_code, units: [{organ, region_code}]})."""
        for entry in entries:
            aggregate = self.add(str(entry["organ"]), entry.get("region_code"))
            self.organs[aggregate.organ_id] = _with(aggregate, role="aggregate")
            for unit in entry.get("units", ()):
                member = self.add(str(unit["organ"]), unit.get("region_code"))
                self.organs[member.organ_id] = _with(member, role="unit", part_of=aggregate.organ_id)

    def _match(self, key: str) -> list[Organ]:
        named = [organ for organ in self.organs.values() if organ.name == key]
        aliased = [self.organs[found] for found in self.aliases.get(key, ()) if self.organs[found] not in named]
        return named + aliased

    def resolve(self, name: str | None, source_id: str | None = None, region_code: str | None = None) -> Decision:
        """The organ a report printed as ``name`` (found through source ``source_id``) belongs to, and why."""
        source = self.by_source.get(source_id or "")
        if not name:
            if source:
                return Decision(
                    name, None, source.organ_id, "source", f"no agency printed; source {source_id}", source.region_code
                )
            return Decision(name, None, None, "none", "no agency printed and no registry source", region_code)
        printed = normalise(name)
        full = expand(printed)
        matches = self._match(full)
        if len(matches) > 1 and (region_code or source):
            wanted = region_code or (source.region_code if source else None)
            matches = [organ for organ in matches if organ.region_code == wanted] or matches
        if len(matches) == 1:
            organ = matches[0]
            method = "registry" if full == printed else "abbreviation"
            detail = "exact" if method == "registry" else f"{printed} → {full}"
            return Decision(name, printed, organ.organ_id, method, detail, organ.region_code)
        folded = fold_confusables(full)
        candidates = [
            organ for organ in self.organs.values() if fold_confusables(organ.name) == folded and organ.name != full
        ]
        if len(candidates) == 1:
            organ = candidates[0]
            slips = ", ".join(f"{a}→{b}" for a, b in zip(full, organ.name, strict=False) if a != b)
            return Decision(
                name, printed, organ.organ_id, "ocr_slip", f"{full} → {organ.name} ({slips})", organ.region_code
            )
        if len(matches) > 1:
            ids = ", ".join(sorted(organ.organ_id for organ in matches))
            return Decision(
                name, printed, None, "ambiguous", f"{full} names several registry organs: {ids}", region_code
            )
        region = region_code or (source.region_code if source and source.name == full else None)
        return Decision(name, printed, organ_id(full, region), "unregistered", "no registry organ of this name", region)

    def organs_table(self) -> pa.Table:
        rows = [organ.__dict__ | {"name": organ.name} for organ in self.organs.values()]
        return pa.Table.from_pylist(rows, schema=spec("organs").schema)


def _with(organ: Organ, **changes: Any) -> Organ:
    return Organ(**(organ.__dict__ | changes))


def decisions_table(decisions: list[Decision]) -> pa.Table:
    rows = {}
    for decision in decisions:
        if decision.name:
            rows[(decision.name, decision.organ_id)] = {
                "name": decision.name,
                "normalised": decision.normalised,
                "organ_id": decision.organ_id,
                "method": decision.method,
                "detail": decision.detail,
            }
    return pa.Table.from_pylist(list(rows.values()), schema=spec("organ_names").schema)
