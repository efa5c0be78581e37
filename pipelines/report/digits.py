"""Runs of digits → cells, by the form's sums: each run's readings (split.py), narrowed by every rule it takes part in.

A run of part 三 is first cut by its row sum (the six applicant columns sum to 总计); the readings left are checked
against the column rules (新收 + 结转 = 总计 + 结转下年, results = 总计) with the rows already read, one run at a time
(other open runs count as unknown), until nothing changes; what is still open is searched jointly within a bound.
A run with exactly one reading left is read; otherwise its values stay blank and the finding lists the readings.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, product

from pipelines.report.arithmetic import APPLICATIONS, CellRef, Check, Number, Values, checks, evaluate, row_shape
from pipelines.report.form import Form, Template
from pipelines.report.split import Split, split_summed

MAX_JOINT = 4096  # combinations of open runs tried together; beyond it the runs are named ambiguous

Reading = tuple[int | None, ...]


@dataclass
class Resolved:
    """What the digits of one run are: the one reading (values), or the readings that remain (candidates)."""

    readings: list[Reading]
    exhausted: bool = True
    short: bool = False  # read with fewer cells than the form has (a row that printed fewer)

    @property
    def values(self) -> Reading | None:
        return self.readings[0] if len(self.readings) == 1 and self.exhausted else None


def row_readings(digits: str, form: Form) -> Resolved:
    """Readings of one part 三 row's run by its row sum; fewer cells where none fits the form (as printed).

    A run with a digit for every cell but one is the form's row, or a row printed one cell short; a shorter run is a
    row that printed only some of its cells (blank cells leave no trace), read with as many cells as fit. A short
    reading places its cells by the rule of report-json.md: first is 自然人, last is 总计, the printed middle fills
    the legal-person columns from the left and the columns left over are blank.
    """
    blocks, parts = row_shape(form, APPLICATIONS)
    fewest = parts - 1 if len(digits) >= parts - 1 else 2
    for cells in range(min(parts, len(digits)), fewest - 1, -1):
        split = split_summed(digits, blocks, cells)
        if split.candidates or not split.exhausted:
            places = standard_places(cells, parts)
            readings = [
                tuple(c[places.index(i)] if i in places else None for i in range(parts)) for c in split.candidates
            ]
            return Resolved(readings, split.exhausted, short=cells < parts)
    return Resolved([])


def resolve_rows(
    runs: dict[str, str], known: dict[str, list[Number | None]], template: Template, form: Form
) -> dict[str, Resolved]:
    """Every run of part 三 resolved against the form's rules, with the rows printed with cells (``known``)."""
    resolved = {key: row_readings(digits, form) for key, digits in runs.items()}
    rules = [check for check in checks(form, (template,)) if check.rule.part == APPLICATIONS]
    columns = form.column_keys
    involved = {key: [c for c in rules if any(ref[1] == key for ref in c.cells)] for key in runs}

    def lookup(trial: dict[str, Reading]) -> Values:
        def value(ref: CellRef) -> Number | None:
            row, column = ref[1], columns.index(ref[2])
            if row in trial:
                return trial[row][column]
            printed = known.get(row)
            return printed[column] if printed else None

        return value

    def fixed() -> dict[str, Reading]:
        return {key: r.readings[0] for key, r in resolved.items() if len(r.readings) == 1}

    changed = True
    while changed:
        changed = False
        for key, state in resolved.items():
            if len(state.readings) < 2:
                continue
            kept = [r for r in state.readings if _possible(involved[key], lookup({**fixed(), key: r}))]
            if kept and len(kept) < len(state.readings):
                state.readings, changed = kept, True
    open_keys = [key for key, r in resolved.items() if len(r.readings) > 1]
    total = 1
    for key in open_keys:
        total *= len(resolved[key].readings)
    if 1 < total <= MAX_JOINT:
        base = fixed()
        together = {c for key in open_keys for c in involved[key]}
        survivors = [
            combo
            for combo in product(*(resolved[key].readings for key in open_keys))
            if _possible(together, lookup({**base, **dict(zip(open_keys, combo, strict=True))}))
        ]
        if survivors:
            for index, key in enumerate(open_keys):
                resolved[key].readings = sorted({combo[index] for combo in survivors}, key=_order)
    return resolved


def _order(reading: Reading) -> tuple[int, ...]:
    return tuple(-1 if value is None else value for value in reading)


def _possible(rules: list[Check] | set[Check], values: Values) -> bool:
    return all(evaluate(check, values).possible for check in rules)


def block_readings(digits: str, blocks: int, parts: int, spare: int = 3) -> tuple[Split, int]:
    """Readings of part 四's run; where none takes every digit, up to ``spare`` trailing digits are left over
    (a row printed with extra cells). Returns the split and how many digits were left over."""
    split = split_summed(digits, blocks, parts)
    extra = 0
    while not split.candidates and split.exhausted and extra < spare and len(digits) - extra > blocks * parts:
        extra += 1
        split = split_summed(digits[: len(digits) - extra], blocks, parts)
    return split, extra if split.candidates else 0


def standard_places(count: int, width: int) -> tuple[int, ...]:
    """Where the rule of report-json.md puts a row's ``count`` printed cells: the first is 自然人, the last 总计, the
    middle ones fill the legal-person columns from the left."""
    if count >= width:
        return tuple(range(width))
    if count == 1:
        return (0,)
    return (*range(count - 1), width - 1)


def place_short(
    key: str, printed: list[Number | None], known: dict[str, list[Number | None]], template: Template, form: Form
) -> tuple[int, ...] | None:
    """Where a row printed with fewer cells than the form puts them, when the rule's places break a column rule
    of the form that exactly one other placement keeps (a blank 总计 cell, not a blank 其他): those places.
    None where the rule's places hold, or where the sums cannot tell."""
    width = len(form.column_keys)
    rules = [c for c in checks(form, (template,)) if c.rule.part == APPLICATIONS and any(r[1] == key for r in c.cells)]
    columns = form.column_keys

    def possible(places: tuple[int, ...]) -> bool:
        row: list[Number | None] = [None] * width
        for index, place in enumerate(places):
            row[place] = printed[index]

        def value(ref: CellRef) -> Number | None:
            values = row if ref[1] == key else known.get(ref[1])
            return values[columns.index(ref[2])] if values else None

        return _possible(rules, value)

    standard = standard_places(len(printed), width)
    if possible(standard):
        return None
    fits = [places for places in combinations(range(width), len(printed)) if places != standard and possible(places)]
    return fits[0] if len(fits) == 1 else None
