"""Report text damaged at random the way converters damage it: the property test's material.

A material (a seed, or a seed as a 2019-form report: tests/report/shapes.py) is laid out in one of the shapes
whose cell boundaries are separators — tab-separated rows, space-separated PDF text, one cell per tab-led line
(seed 004's shape), Markdown tables, a page dump on one line — and then, separator by separator and line by line,
damaged at random: two neighbouring numbers glued ('0' '0' → '00', '8' '0' → '80'), a label glued to its first
number, a cell line that lost its leading tab (it continues the cell above), a pipe lost between two Markdown
cells, a line break or the blank line between two rows lost (two rows run together), a page footer dropped between
lines — a large organ's numbers printed with thousands separators ('114,114') glued as well, a row's 总计 cell
printed blank. Every damage is one
that real text shows; the parser must give the material's values exactly or leave a value blank with a finding
naming it — never a wrong number. A trial is reproducible from its seed (``trial(seed)``).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from itertools import pairwise

from tests.report.shapes import FOOTERS, Material, as_large, blank_total, grid, materials, tab_text, thousands

BASES = ("tabs", "spaces", "cells", "dump", "markdown")
LARGE = 0.25  # trials with a large organ's numbers, printed with thousands separators
BLANK_TOTAL = 0.2  # trials with a part 三 row's 总计 printed blank (结转下年 mostly, as real reports do)


@dataclass(frozen=True)
class Damage:
    """The chance of each damage at each place it can happen."""

    glue: float = 0.06  # two neighbouring numbers lose the separator between them
    label: float = 0.1  # a row's label loses the separator before its first number
    tab: float = 0.1  # a cell line (one cell per line) loses its leading tab
    join: float = 0.05  # a line break (or the blank line between two rows) is lost
    footer: float = 0.04  # a page footer between two lines


@dataclass
class Trial:
    seed: int
    material: Material
    base: str
    text: str

    @property
    def source(self) -> str:
        return f"fuzz-{self.seed}-{self.material.name}-{self.base}.txt"


_NUMBER = re.compile(r"^[\s\u3000]*\d[\d,]*(?:\.\d+)?[\s\u3000]*$")


def _number(cell: str) -> bool:
    return bool(_NUMBER.match(cell))


def _row_text(cells: list[str], sep: str, rng: random.Random, damage: Damage, glued: str = "") -> str:
    """Cells joined by ``sep``; where a number follows a number (or a label) the separator may be lost (the two
    then joined by ``glued``)."""
    out = cells[0] if cells else ""
    for before, cell in pairwise(cells):
        lost = (_number(before) and _number(cell) and rng.random() < damage.glue) or (
            not _number(before) and before.strip() and _number(cell) and rng.random() < damage.label
        )
        out += glued + cell.strip() if lost else sep + cell
    return out


def _blocks(material: Material, base: str, rng: random.Random, damage: Damage) -> list[list[str]]:
    """The document as blocks of lines, one block per paragraph or printed table row (a large organ's numbers with
    thousands separators)."""
    blocks = [[line] for line in (material.seed.title, *material.seed.before)]
    large = material.name.endswith("-large")
    for part, table in material.tables.items():
        blocks.append([material.heading(part)])
        for index, printed in enumerate(grid(table)):
            row = [thousands(cell) for cell in printed] if large else printed
            if base == "markdown":  # a lost pipe leaves the two cells' text in one, a space between or not
                line = "| " + _row_text(row, " | ", rng, damage, rng.choice(("", " "))) + " |"
                blocks.append([line, "|" + "---|" * len(row)] if index == 0 else [line])
            elif base == "tabs":
                blocks.append([_row_text(row, "\t", rng, damage)])
            elif base == "spaces":
                blocks.append([_row_text([cell for cell in row if cell], " ", rng, damage)])
            else:
                blocks.append(_cell_lines(row, rng, damage))
    return [*blocks, *([line] for line in material.seed.after)]


def _cell_lines(row: list[str], rng: random.Random, damage: Damage) -> list[str]:
    """A row as seed 004 prints it: one tab-led line per cell, then a blank line; a cell line may lose its tab (it
    then continues the cell above) and two number lines may be glued into one."""
    lines: list[str] = []
    for cell in row:
        if lines and _number(cell) and _number(lines[-1]) and rng.random() < damage.glue:
            lines[-1] = lines[-1].rstrip() + cell.strip()
            continue
        lost_tab = lines and _number(cell) and rng.random() < damage.tab
        lines.append(cell if lost_tab else "\t" + cell)
    return [*lines, ""]


def _joined(blocks: list[list[str]], rng: random.Random, damage: Damage, joiner: str) -> str:
    """Blocks one after the other; where a line break between two is lost they run together (one cell per line:
    the blank line between two rows is lost); page footers dropped in between."""
    out: list[str] = []
    page = 1
    for block in blocks:
        if out and rng.random() < damage.join:
            if not out[-1]:
                out.pop()
                out += block
            else:
                out[-1] += joiner + block[0]
                out += block[1:]
            continue
        if out and rng.random() < damage.footer:
            out.append(FOOTERS[page % len(FOOTERS)].format(page))
            page += 1
        out += block
    return "\n".join(out)


def render(material: Material, base: str, rng: random.Random, damage: Damage = Damage()) -> str:
    if base == "dump":
        blocks = _blocks(material, "spaces", rng, damage)
        return " ".join(line for block in blocks for line in block if line)
    joiner = "" if base == "cells" else rng.choice(("", " "))
    if base == "markdown":  # a Markdown table's lines do not run together; its damage is a lost pipe
        damage = replace(damage, join=0.0)
    return _joined(_blocks(material, base, rng, damage), rng, damage, joiner)


def own_text(material: Material, rng: random.Random, damage: Damage = Damage()) -> str:
    """A seed's own text, damaged: numbers glued across their separator, cell lines without their tab."""
    text = material.text if not material.name.endswith("-2019") else tab_text(material)
    lines: list[str] = []
    for line in text.split("\n"):
        if lines and _number(line.lstrip("\t")) and line.startswith("\t") and _number(lines[-1].lstrip("\t")):
            if rng.random() < damage.glue:
                lines[-1] = lines[-1].rstrip() + line.strip().replace("\u3000", "")
                continue
            if rng.random() < damage.tab:
                line = line.lstrip("\t")
        cells = line.split("\t")
        lines.append(_row_text(cells, "\t", rng, damage) if len(cells) > 1 else line)
    return "\n".join(lines)


_MATERIALS: list[Material] = []


def trial(seed: int, damage: Damage = Damage()) -> Trial:
    """The damaged text of trial ``seed``: its material, base shape and damages drawn from ``random.Random(seed)``."""
    if not _MATERIALS:
        _MATERIALS.extend(materials())
    rng = random.Random(seed)
    material = rng.choice(_MATERIALS)
    base = rng.choice((*BASES, "own"))
    if base != "own" and rng.random() < LARGE:
        material = as_large(material)
    if base != "own" and rng.random() < BLANK_TOTAL:
        # a row of numbers (in a row of zeros no sum tells which cell is the blank one: report-json.md's rule
        # places it, and that is the reading)
        rows = [key for key, values in material.expected["applications"].items() if values[-1]]
        if rows:
            row = "carried_forward" if rng.random() < 0.5 and "carried_forward" in rows else rng.choice(rows)
            material = blank_total(material, row)
    text = own_text(material, rng, damage) if base == "own" else render(material, base, rng, damage)
    return Trial(seed, material, base, text)
