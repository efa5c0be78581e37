"""The format-neutral document: what every reader produces and the parser consumes.

A document is a sequence of blocks in reading order: paragraphs of text and tables. A table is a list of
printed rows, each a list of the cells printed in it (a cell merged over several rows or columns is printed once,
in the first row it spans, and says how far it spans). Every cell keeps its raw string and where it was, so every
value the parser takes can point back at the page, line or table cell it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipelines.findings import Finding


@dataclass(slots=True)
class Location:
    """Where a piece of text was printed. Text formats fill line; HTML fills table/row/col; PDF adds page/bbox.

    span is a character range inside that line, paragraph or cell, for text the parser cut out of a longer
    printing (a row of a whole page dumped on one line, digits glued to their label).
    """

    table: int | None = None
    row: int | None = None
    col: int | None = None
    line: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    span: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            key: (list(value) if isinstance(value, tuple) else value)
            for key in self.__slots__
            if (value := getattr(self, key)) is not None
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Location:
        """The location ``to_json()`` printed (lists back to tuples); raises ValueError on a key it does not have."""
        if not data:
            return cls()
        unknown = set(data) - set(cls.__slots__)
        if unknown:
            raise ValueError(f"location {data!r}: unknown key(s) {sorted(unknown)}")
        fields: dict[str, Any] = {
            key: tuple(value) if isinstance(value, list) else value for key, value in data.items()
        }
        return cls(**fields)

    def describe(self) -> str:
        parts = [f"{key} {value}" for key, value in self.to_json().items() if key not in ("bbox", "span")]
        if self.span:
            parts.append(f"characters {self.span[0]}–{self.span[1]}")
        return ", ".join(parts)


@dataclass
class Cell:
    text: str
    location: Location = field(default_factory=Location)
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Paragraph:
    text: str
    location: Location = field(default_factory=Location)


@dataclass
class Table:
    rows: list[list[Cell]]
    index: int = 0
    location: Location = field(default_factory=Location)


Block = Paragraph | Table


@dataclass
class Document:
    """What a reader made of one file: its blocks, a title where the format carries one, and reader findings."""

    source: str
    sha256: str
    media_type: str
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def text(self) -> str:
        """All text in reading order, one line per paragraph or table row (tab-separated cells)."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                lines.extend("\t".join(cell.text for cell in row) for row in block.rows)
        return "\n".join(lines)
