"""Organ identity: the many printings of one organ's name (full, short, OCR slips) resolved to one organ id.

The registry is the crawler's ``sources/*.yaml`` (organ, region_code), read as plain YAML because the warehouse
must not import the crawler, plus ``identity.yaml`` (abbreviations, confusable characters, aggregates). A name
is normalised (NFKC, radicals folded, spaces dropped), short forms expanded, and matched against the registry;
failing that, confusable characters are corrected only if that yields exactly one registry organ. Every
resolution is a recorded decision (``organ_names`` table): the name as printed, the organ, the method, the why.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from warehouse.schema import spec

DEFAULT_SOURCES = Path(__file__).resolve().parent.parent / "sources"
_SPACE = re.compile(r"[\s\u3000\u00a0\u2002·•]+")


class RegistryError(ValueError):
    """A registry file that cannot be used; the message names the file."""


@cache
def _identity_data() -> dict[str, Any]:
    text = resources.files("warehouse").joinpath("identity.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def normalise(name: str) -> str:
    """The comparable form of a printed name: NFKC, CJK radical forms folded, no spaces or dots."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(_identity_data()["radicals"].get(char, char) for char in text)
    return _SPACE.sub("", text).strip()


def expand(name: str) -> str:
    """``name`` with every known short form replaced by its full form (longest short forms first)."""
    pairs = sorted(_identity_data()["abbreviations"].items(), key=lambda pair: -len(pair[0]))
    for short, full in pairs:
        if short in name and full not in name:
            name = name.replace(short, full)
    return name


def _fold(name: str) -> str:
    table = {slip: right for slip, right in _identity_data()["confusables"]}
    return "".join(table.get(char, char) for char in name)


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
    return f"{region_code or 'unregistered'}:{expand(normalise(name))}"


@dataclass
class Registry:
    """The organs known from the source registry, indexed by comparable name."""

    organs: dict[str, Organ] = field(default_factory=dict)
    by_source: dict[str, Organ] = field(default_factory=dict)

    @classmethod
    def load(cls, sources_dir: Path | str | None = None) -> Registry:
        """Read every ``*.yaml`` under ``sources_dir`` (default: the repository's sources/) and identity.yaml."""
        registry = cls()
        folder = Path(sources_dir) if sources_dir else DEFAULT_SOURCES
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
                raise RegistryError(f"{path}: {error}") from error
            if not isinstance(data, dict) or not data.get("organ"):
                raise RegistryError(f"{path}: a source needs an 'organ' field")
            registry.add(str(data["organ"]), str(data.get("region_code") or "") or None, data.get("id") or path.stem)
        registry.add_aggregates(_identity_data().get("aggregates") or [])
        return registry

    def add(self, name: str, region_code: str | None, source_id: str | None = None) -> Organ:
        organ = Organ(organ_id(name, region_code), expand(normalise(name)), region_code, source_id)
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
        return [organ for organ in self.organs.values() if organ.name == key]

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
        folded = _fold(full)
        candidates = [organ for organ in self.organs.values() if _fold(organ.name) == folded and organ.name != full]
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
