"""THE form model: templates, parts, rows, columns, labels and arithmetic rules, loaded from templates/*.yaml.

Everything that knows a form key or a printed label reads it from here: the parser matches labels, the validator
evaluates the rules, the warehouse derives its schema and the docs list the rows. Nothing else spells a label.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import yaml


@dataclass(frozen=True)
class Label:
    """A printed label (without its ordinal) and the other printings seen in real reports."""

    key: str
    label: str
    variants: tuple[str, ...] = ()
    ordinal: str | None = None
    group: str | None = None

    @property
    def printings(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


@dataclass(frozen=True)
class ApplicationRow(Label):
    role: str = "result"  # input | result | total | output


@dataclass(frozen=True)
class Measure(Label):
    """A column of part 二: a count, or an amount (decimals as printed); ``signed`` where it can be negative."""

    amount: bool = False
    signed: bool = False


@dataclass(frozen=True)
class Item(Label):
    """A row of part 二 (规章, 行政许可 …) with the measures its columns hold."""

    band: str = ""
    measures: tuple[Measure, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A linear identity of the form: sum(left) = sum(right), per column, row or block of one part."""

    id: str
    part: str
    kind: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Template:
    """One printing of the form: part 二's items, part 三's rows, and what tells it apart from the others.

    ``markers`` are part 二 header labels only this template prints; ``first_year``/``last_year`` the years of the
    reports that print it (None: open).
    """

    id: str
    reported_as: str
    description: str
    markers: tuple[str, ...]
    items: tuple[Item, ...]
    rows: tuple[ApplicationRow, ...]
    first_year: int | None = None
    last_year: int | None = None

    def covers(self, year: int | None) -> bool:
        """Whether reports on ``year`` print this template (the years it was prescribed or seen for)."""
        if year is None or (self.first_year is None and self.last_year is None):
            return False
        return (self.first_year or year) <= year <= (self.last_year or year)

    @property
    def has_tables(self) -> bool:
        return bool(self.rows)

    def row(self, key: str) -> ApplicationRow:
        return next(row for row in self.rows if row.key == key)

    @property
    def result_rows(self) -> tuple[ApplicationRow, ...]:
        return tuple(row for row in self.rows if row.role == "result")

    @property
    def measures(self) -> tuple[Measure, ...]:
        """Every distinct measure of part 二, in first-seen order."""
        seen: dict[str, Measure] = {}
        for item in self.items:
            for measure in item.measures:
                seen.setdefault(measure.key, measure)
        return tuple(seen.values())


@dataclass(frozen=True, eq=False)
class Form:
    """The whole form (hashed by identity: there is one, load_form()'s, and functions cache on it)."""

    templates: dict[str, Template]
    sections: tuple[Label, ...]
    columns: tuple[Label, ...]
    groups: tuple[Label, ...]
    review_blocks: tuple[Label, ...]
    review_measures: tuple[Label, ...]
    rules: tuple[Rule, ...]
    headers: dict[str, str]
    plausible: dict[str, float]  # the largest value any organ prints, per part (and "amount" for part 二 amounts)

    @property
    def review_keys(self) -> tuple[str, ...]:
        """The 15 cells of part 四 as `block_measure` keys, in printed order."""
        return tuple(f"{block.key}_{measure.key}" for block in self.review_blocks for measure in self.review_measures)

    @property
    def column_keys(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.columns)

    def all_application_rows(self) -> tuple[ApplicationRow, ...]:
        """Every row key any template uses, in form order (the warehouse schema's row domain)."""
        seen: dict[str, ApplicationRow] = {}
        for template in self.templates.values():
            for row in template.rows:
                seen.setdefault(row.key, row)
        order = list(next(t for t in self.templates.values() if t.has_tables).rows)
        other_at = next(i for i, row in enumerate(order) if row.role == "total")
        extra = [row for key, row in seen.items() if key not in {r.key for r in order}]
        return tuple(order[:other_at] + extra + order[other_at:])

    def all_items(self) -> tuple[Item, ...]:
        seen: dict[str, Item] = {}
        for template in self.templates.values():
            for item in template.items:
                seen.setdefault(item.key, item)
        return tuple(seen.values())


LabelType = TypeVar("LabelType", bound=Label)


def _label(cls: type[LabelType], data: dict[str, Any], **extra: Any) -> LabelType:
    return cls(
        key=data["key"],
        label=data["label"],
        variants=tuple(data.get("variants", ())),
        ordinal=data.get("ordinal"),
        group=data.get("group"),
        **extra,
    )


# libyaml's loader where PyYAML was built with it (its wheels are): the form is read in every fresh process, and the
# pure-Python loader made that the largest part of a first parse (≈30 ms of CPU against ≈4 ms; shapes_speed.py).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(name: str) -> Any:
    text = resources.files("pipelines.report").joinpath("templates", name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER)


def _items(data: dict[str, Any]) -> tuple[Item, ...]:
    measures = {
        key: Measure(
            key=key,
            label=spec["label"],
            variants=tuple(spec.get("variants", ())),
            amount=spec.get("amount", False),
            signed=spec.get("signed", False),
        )
        for key, spec in data["measures"].items()
    }
    return tuple(
        _label(Item, item, band=item.get("band", ""), measures=tuple(measures[m] for m in item["measures"]))
        for item in data["items"]
    )


@cache
def load_form() -> Form:
    parts = _read("parts.yaml")
    row_lists = {
        name: tuple(_label(ApplicationRow, row, role=row["role"]) for row in rows)
        for name, rows in parts["application_rows"].items()
    }
    raw = {str(name): _read(f"{name}.yaml") for name in parts["templates"]}
    templates: dict[str, Template] = {}
    for name, data in raw.items():
        disclosure = data.get("active_disclosure")
        markers = data.get("markers", ())
        if disclosure and "same_as" in disclosure:
            markers = markers or raw[disclosure["same_as"]].get("markers", ())
            disclosure = raw[disclosure["same_as"]]["active_disclosure"]
        years = data.get("years", {})
        rows = tuple(row for part in data.get("applications", {}).get("rows", ()) for row in row_lists[part])
        templates[name] = Template(
            id=str(data["id"]),
            reported_as=str(data["reported_as"]),
            description=data.get("description", ""),
            markers=tuple(markers),
            items=_items(disclosure) if disclosure else (),
            rows=rows,
            first_year=years.get("from"),
            last_year=years.get("until"),
        )
    return Form(
        templates=templates,
        sections=tuple(_label(Label, s) for s in parts["sections"]),
        columns=tuple(_label(Label, c) for c in parts["applicant_columns"]),
        groups=tuple(
            Label(key=k, label=g["label"], ordinal=g.get("ordinal")) for k, g in parts["application_groups"].items()
        ),
        review_blocks=tuple(_label(Label, b) for b in parts["review_litigation"]["blocks"]),
        review_measures=tuple(_label(Label, m) for m in parts["review_litigation"]["measures"]),
        headers=dict(parts["headers"]),
        plausible={key: float(value) for key, value in parts["plausible"].items()},
        rules=tuple(
            Rule(r["id"], r["part"], r["kind"], tuple(r["left"]), tuple(r["right"]), r["description"])
            for r in _read("rules.yaml")
        ),
    )
