"""Numbers whose cell boundaries were lost, wholly or in places → cells, by the form's sums.

A row's numbers reach the part parsers as printed: cells the reader told apart, or one run of digits whose
separators were all lost ('12310000124'), or — where a converter dropped only some separators — cells of which some
hold two or more numbers ('8' '00' '0' '0' '0' '8', '80' for '8' '0'). Each is a ``Printed`` row: pieces of digits
with the separators that survived between them. A row whose pieces are as many as the form's cells is read as
printed; any other is open, and its readings come in tiers, most printed cells first:

1. the digits cut into all of the form's cells, each block summing to its total (split.py, no number across a
   surviving separator);
2. cut into fewer cells whose own sum holds, placed by the rule of report-json.md (first is 自然人, last is 总计, the
   middle fill the legal-person columns from the left) — a row that printed only some of its cells;
3. last, placed readings: the printed numbers as they stand (a run: cut into one cell fewer than the form) at every
   place the sums allow — a row with a blank 总计, or one whose printed numbers break its own sum; the rule's places
   are preferred where the sums allow them — then a run read without a stray digit or two at either end. Cells
   printed blank ('', '/') leave the row sum open: such rows have placed readings only.

Readings by the sums are checked against every rule of the part with the rows already read (other open rows count
as unknown, a blank as a count not yet known: never negative), a row at a time until nothing changes, then jointly
within a bound; a row the sums read one way only is read so, as a printed row is (a column sum the report breaks is
the validator's to name). Placed readings are checked after, against every row read, and never decide another
row's. A row none of whose readings fits goes on to its next tier. A row with exactly one reading left (or its
rule's placement) is read; otherwise its values stay blank and the finding lists the readings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, combinations, product

from pipelines.report.arithmetic import (
    APPLICATIONS,
    REVIEW,
    CellRef,
    Check,
    Number,
    Values,
    checks,
    evaluate,
    row_shape,
    sum_holds,
)
from pipelines.report.cells import clean, read_cell
from pipelines.report.form import Form, Template
from pipelines.report.split import split_free, split_summed

MAX_JOINT = 4096  # combinations of open rows tried together; beyond it the rows are named ambiguous
SPARE_DIGITS = 3  # digits a run of part 四 may print beyond its fifteen numbers (a row printed with extra cells)

Reading = tuple[int | None, ...]
_DIGITS = re.compile(r"\d(?:[\d,]*\d)?")  # digits, thousands separators among them
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")  # one number printed with thousands separators


@dataclass(frozen=True)
class Printed:
    """A row's numbers as printed: pieces, each between separators that survived (a printed cell) — digits, or ''
    for a cell printed blank ('', '/', '-') — or one run whose separators were all lost."""

    pieces: tuple[str, ...]
    run: bool = False

    @classmethod
    def of(cls, texts: list[str]) -> Printed | None:
        """The printed cells' digits; None where a cell prints anything but digits (thousands separators among them)
        or a blank (a decimal, a note)."""
        pieces = []
        for text in texts:
            piece = clean(text)
            if not _DIGITS.fullmatch(piece):
                if read_cell(text).kind != "null":
                    return None
                piece = ""
            pieces.append(piece)
        return cls(tuple(pieces)) if any(pieces) else None

    @classmethod
    def run_of(cls, text: str) -> Printed | None:
        """A run of digits (thousands separators among them), or None where it prints anything else."""
        digits = clean(text)
        return cls((digits,), run=True) if _DIGITS.fullmatch(digits) else None

    @property
    def sizes(self) -> tuple[int, ...]:
        """How many digits each piece prints."""
        return tuple(len(piece.replace(",", "")) for piece in self.pieces)

    @property
    def digits(self) -> str:
        return "".join(self.pieces).replace(",", "")

    @property
    def cuts(self) -> frozenset[int]:
        return frozenset(accumulate(self.sizes[:-1]))

    @property
    def groups(self) -> frozenset[int]:
        """Where thousands separators were printed among the digits (before the digit at that position)."""
        found, at = set(), 0
        for char in "".join(self.pieces):
            if char == ",":
                found.add(at)
            else:
                at += 1
        return frozenset(found)

    @property
    def blanks(self) -> int:
        return sum(1 for piece in self.pieces if not piece)

    @property
    def as_printed(self) -> Reading | None:
        """Each piece one number (a blank one None) — None for a run, or where a piece cannot be one printed number:
        a leading zero ('00': two cells glued — no count is printed so), separators not three digits apart."""
        if self.run or any(
            (len(piece) > 1 and piece[0] == "0") or ("," in piece and not _GROUPED.fullmatch(piece))
            for piece in self.pieces
        ):
            return None
        return tuple(int(piece.replace(",", "")) if piece else None for piece in self.pieces)

    def with_blanks(self, numbers: list[int]) -> Reading:
        """Numbers cut from the digits, with the printed blanks put back where they were printed."""
        out: list[int | None] = []
        numbers_at = list(accumulate(len(str(number)) for number in numbers))
        taken, at = 0, 0
        for piece, size in zip(self.pieces, self.sizes, strict=True):
            if not piece:
                out.append(None)
                continue
            at += size
            while taken < len(numbers) and numbers_at[taken] <= at:
                out.append(numbers[taken])
                taken += 1
        return tuple(out)


@dataclass
class Tier:
    """Readings of one kind (the digits cut into so many cells, or placed where the sums allow)."""

    readings: list[Reading]
    exhausted: bool = True
    preferred: Reading | None = None  # the rule of report-json.md's placement, taken where the sums allow it
    dropped: int = 0  # trailing digits left over (part 四 printed with extra cells)
    placed: bool = False  # the numbers as they stand, placed where the sums allow: weaker than a reading by sums


class Resolved:
    """What one row's digits are: the readings left of its current tier, and the tiers still to try."""

    def __init__(self, tiers: Iterator[Tier]) -> None:
        self._tiers = tiers
        self.tier = next(tiers, Tier([]))
        self.first = list(self.tier.readings)  # what the row's own digits and sum allow, before any other row

    @property
    def candidates(self) -> list[Reading]:
        """The readings left — or, where the sums left none, those the row's own digits and sum allowed."""
        return self.readings or self.first

    @property
    def readings(self) -> list[Reading]:
        return self.tier.readings

    @readings.setter
    def readings(self, readings: list[Reading]) -> None:
        self.tier.readings = readings

    @property
    def exhausted(self) -> bool:
        return self.tier.exhausted

    def advance(self) -> bool:
        """Go on to the next tier; False where there is none."""
        following = next(self._tiers, None)
        if following is None:
            return False
        self.tier = following
        return True

    @property
    def values(self) -> Reading | None:
        tier = self.tier
        if tier.preferred is not None and tier.preferred in tier.readings:
            return tier.preferred
        return tier.readings[0] if len(tier.readings) == 1 and tier.exhausted else None


def standard_places(count: int, width: int) -> tuple[int, ...]:
    """Where the rule of report-json.md puts a row's ``count`` printed cells: the first is 自然人, the last 总计, the
    middle ones fill the legal-person columns from the left."""
    if count >= width:
        return tuple(range(width))
    if count == 1:
        return (0,)
    return (*range(count - 1), width - 1)


def _placed(numbers: Sequence[int | None], places: tuple[int, ...], width: int) -> Reading:
    slots: list[int | None] = [None] * width
    for number, place in zip(numbers, places, strict=True):
        slots[place] = number
    return tuple(slots)


# --- part 三 ---------------------------------------------------------------------------------------------------


def row_tiers(printed: Printed, form: Form) -> Iterator[Tier]:
    """The tiers of readings of one part 三 row (see the module's docstring)."""
    blocks, parts = row_shape(form, APPLICATIONS)
    digits, cuts = printed.digits, printed.cuts
    if printed.blanks:
        yield from _tiers_with_blanks(printed, parts)
        return
    fewest = len(printed.pieces)  # each printed cell one number or more
    if printed.run:
        fewest = parts - 1 if len(digits) >= parts - 1 else 2
    for cells in range(min(parts, len(digits)), fewest - 1, -1):
        split = split_summed(digits, blocks, cells, cuts=cuts, groups=printed.groups)
        if split.candidates or not split.exhausted:
            places = standard_places(cells, parts)
            yield Tier([_placed(c, places, parts) for c in split.candidates], split.exhausted)
            if not split.exhausted:
                return
    yield from _placements(printed, parts)
    if printed.run:
        yield from _stray_digits(digits, printed.groups, blocks, parts)


def _tiers_with_blanks(printed: Printed, width: int) -> Iterator[Tier]:
    """Readings of cells some of which are printed blank: a blank leaves the row sum open, so the digits are cut
    every way into all of the form's cells (the printed blanks where they were printed), then into fewer — as
    printed last — placed by the rule of report-json.md; the sums judge them all, and as no sum vouches for them
    they are placed readings (weaker than a reading by sums)."""
    for cells in range(width, len(printed.pieces) - 1, -1):
        split = split_free(printed.digits, cells - printed.blanks, cuts=printed.cuts, groups=printed.groups)
        if not split.candidates and split.exhausted:
            continue
        places = standard_places(cells, width)
        readings = [_placed(printed.with_blanks(c), places, width) for c in split.candidates]
        yield Tier(readings, split.exhausted, placed=True)
        if not split.exhausted:
            return


def _placements(printed: Printed, width: int) -> Iterator[Tier]:
    """The printed numbers as they stand at every place (the rule's places preferred); a run cut into one cell fewer
    than the form (a blank cell leaves no trace in its digits)."""
    numbers = printed.as_printed
    if numbers is not None and len(numbers) == width:  # a whole row as printed (its lost separator was elsewhere)
        yield Tier([numbers])
    elif numbers is not None and len(numbers) < width:
        readings = [_placed(numbers, places, width) for places in combinations(range(width), len(numbers))]
        yield Tier(readings, preferred=_placed(numbers, standard_places(len(numbers), width), width), placed=True)
    elif printed.run and len(printed.digits) >= width - 1:
        split = split_free(printed.digits, width - 1, cuts=printed.cuts, groups=printed.groups)
        places = list(combinations(range(width), width - 1))
        yield Tier([_placed(c, p, width) for c in split.candidates for p in places], split.exhausted, placed=True)


def _stray_digits(digits: str, groups: frozenset[int], blocks: int, parts: int) -> Iterator[Tier]:
    """A run with a digit or two more than its row (a stray number glued to it — a page number, a fragment — at
    either end): the rest cut into the form's cells by the sums, placed readings."""
    for extra in range(1, SPARE_DIGITS):
        readings: set[Reading] = set()
        end = len(digits) - extra
        for rest, kept in (
            (digits[extra:], frozenset(g - extra for g in groups if g > extra)),
            (digits[:end], frozenset(g for g in groups if g < end)),
        ):
            readings |= {tuple(c) for c in split_summed(rest, blocks, parts, groups=kept).candidates}
        if readings:
            yield Tier(sorted(readings, key=_order), placed=True, dropped=extra)


def row_readings(digits: str, form: Form) -> Resolved:
    """The first tier of readings of a run of one part 三 row, by its row sum alone."""
    return Resolved(row_tiers(Printed((digits,), run=True), form))


def resolve_rows(
    rows: dict[str, Printed], known: dict[str, list[Number | None]], template: Template, form: Form
) -> dict[str, Resolved]:
    """Every open row of part 三 resolved against the form's rules, with the rows read as printed (``known``)."""
    resolved = {key: Resolved(row_tiers(printed, form)) for key, printed in rows.items()}
    rules = [check for check in checks(form, (template,)) if check.rule.part == APPLICATIONS]
    columns = form.column_keys
    involved = {key: [c for c in rules if any(ref[1] == key for ref in c.cells)] for key in rows}

    def lookup(trial: dict[str, Reading]) -> Values:
        def value(ref: CellRef) -> Number | None:
            row, column = ref[1], columns.index(ref[2])
            if row in trial:
                return trial[row][column]
            printed = known.get(row)
            return printed[column] if printed else None

        return value

    def fixed(weakest: bool) -> dict[str, Reading]:
        """The rows read so far: one reading left, no weaker than ``weakest`` (placed readings are weaker)."""
        return {k: r.readings[0] for k, r in resolved.items() if len(r.readings) == 1 and r.tier.placed <= weakest}

    # Readings by the sums first, checked only against each other; placed readings after, against them all, so
    # that a row whose digits the sums cannot split never decides another's. A row is checked again only when a row
    # it shares a rule with has changed. A row the sums read one way only is read so, as printed rows are: where a
    # column sum breaks, the report may print it broken.
    neighbours = {key: {ref[1] for c in involved[key] for ref in c.cells} & rows.keys() - {key} for key in rows}
    for weakest in (False, True):
        pending = [key for key in rows if resolved[key].readings and resolved[key].tier.placed == weakest]
        while pending:
            key = pending.pop(0)
            state = resolved[key]
            if not state.readings or state.tier.placed != weakest or (len(state.readings) == 1 and not weakest):
                continue  # one reading by the sums stands: a broken column sum may be the report's own
            others = {k: v for k, v in fixed(weakest).items() if k != key}
            kept = [r for r in state.readings if _possible(involved[key], lookup({**others, key: r}))]
            if len(kept) == len(state.readings):
                continue
            if kept:
                state.readings = kept
            elif not state.advance():
                state.readings = []
            if state.readings and state.tier.placed == weakest:
                pending.append(key)  # its new tier is checked in turn
            pending += [k for k in neighbours[key] if k not in pending]
        open_keys = [k for k, r in resolved.items() if len(r.readings) > 1 and r.tier.placed == weakest]
        _joint(open_keys, resolved, fixed(weakest), involved, lookup)
    return resolved


def _joint(
    open_keys: list[str],
    resolved: dict[str, Resolved],
    base: dict[str, Reading],
    involved: dict[str, list[Check]],
    lookup: Callable[[dict[str, Reading]], Values],
) -> None:
    """The open rows' readings tried together (within MAX_JOINT combinations): each keeps the readings that are
    part of some combination every rule allows."""
    total = 1
    for key in open_keys:
        total *= len(resolved[key].readings)
    if not 1 < total <= MAX_JOINT:
        return
    together = {c for key in open_keys for c in involved[key]}
    survivors = [
        combo
        for combo in product(*(resolved[key].readings for key in open_keys))
        if _possible(together, lookup({**base, **dict(zip(open_keys, combo, strict=True))}))
    ]
    if survivors:
        for index, key in enumerate(open_keys):
            resolved[key].readings = sorted({combo[index] for combo in survivors}, key=_order)


def _order(reading: Reading) -> tuple[int, ...]:
    return tuple(-1 if value is None else value for value in reading)


def _possible(rules: list[Check] | set[Check], values: Values) -> bool:
    return all(evaluate(check, values).possible for check in rules)


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


def recut(printed: Printed, form: Form, part: str) -> list[Reading]:
    """Other readings of a whole row printed as the form's cells that breaks its own sums: its digits cut into one
    number more (two cells whose separator was lost) of which the form's cells, in a run, keep the sums (the row
    printed an extra cell). Empty where the row keeps its sums or no such reading exists."""
    numbers = printed.as_printed
    width = len(printed.pieces)
    if numbers is None or None in numbers or sum_holds(form, part, list(numbers)):
        return []
    split = split_free(printed.digits, width + 1, cuts=printed.cuts, groups=printed.groups)
    found: set[Reading] = set()
    for candidate in split.candidates:
        for start in (0, 1):
            window = candidate[start : start + width]
            if sum_holds(form, part, list(window)):
                found.add(tuple(window))
    return sorted(found, key=_order)


# --- part 四 ---------------------------------------------------------------------------------------------------


def review_readings(printed: Printed, template: Template, form: Form) -> Resolved:
    """Part 四's row: its digits cut into its blocks by their sums; a run may print up to SPARE_DIGITS trailing
    digits more (extra cells); printed cells fewer than the form stand as printed (the first ones) where the
    blocks' sums allow it."""
    rules = [check for check in checks(form, (template,)) if check.rule.part == REVIEW]
    refs = [(REVIEW, block.key, measure.key) for block in form.review_blocks for measure in form.review_measures]

    def fits(reading: Reading) -> bool:
        return _possible(rules, dict(zip(refs, reading, strict=True)).get)

    def tiers() -> Iterator[Tier]:
        blocks, parts = row_shape(form, REVIEW)
        digits, cuts = printed.digits, printed.cuts
        spare = SPARE_DIGITS if printed.run else 0
        for extra in range(spare + 1):
            if len(digits) - extra < blocks * parts:
                break
            split = split_summed(digits[: len(digits) - extra], blocks, parts, cuts=cuts, groups=printed.groups)
            if split.candidates or not split.exhausted:
                yield Tier([tuple(c) for c in split.candidates], split.exhausted, dropped=extra)
                return
        numbers = printed.as_printed
        if numbers is not None and len(numbers) < len(refs):
            reading = _placed(numbers, tuple(range(len(numbers))), len(refs))
            yield Tier([reading] if fits(reading) else [])

    return Resolved(tiers())


# --- part 二 ---------------------------------------------------------------------------------------------------


def item_readings(printed: Printed, count: int, lost: bool = False) -> Tier:
    """A part 二 row's readings: no sum ties its measures, so only the digits decide — each printed piece one
    number where there are as many as measures (and no separator is known lost); otherwise every cut into
    ``count`` numbers, with the printed numbers as they stand (the first measures) where no more were printed, and
    every run of ``count`` of them where more were."""
    numbers = printed.as_printed
    if numbers is not None and len(numbers) == count and not lost:
        return Tier([numbers])
    if numbers is not None and len(numbers) > count:
        windows = {numbers[start : start + count] for start in range(len(numbers) - count + 1)}
        return Tier(sorted(windows, key=lambda window: [(v is None, v or 0) for v in window]))  # blanks too
    split = split_free(printed.digits, count, cuts=printed.cuts, groups=printed.groups)
    readings: list[Reading] = [tuple(c) for c in split.candidates]
    if numbers is not None and _placed(numbers, tuple(range(len(numbers))), count) not in readings:
        readings.append(_placed(numbers, tuple(range(len(numbers))), count))
    return Tier(readings, split.exhausted)


@dataclass
class Cut:
    """Where one number of a reading was printed: the piece (cell) and the span of its digits in it."""

    piece: int
    start: int
    end: int
    whole: bool = field(default=False)  # the number is the whole piece, as printed


def cuts_of(printed: Printed, reading: Reading) -> list[Cut | None]:
    """For each number of the reading, the piece it was read from and its digits' span in the piece (cleaned
    digits); None for a blank. Digits the reading does not take (a stray digit before the row) are skipped."""
    out: list[Cut | None] = []
    piece, at = 0, 0
    taken = "".join(str(number) for number in reading if number is not None)
    if printed.run and taken != printed.digits and printed.digits.endswith(taken):
        at = len(printed.digits) - len(taken)
    for number in reading:
        if number is None:
            out.append(None)
            continue
        text = str(number)
        while piece < len(printed.pieces) and at >= printed.sizes[piece]:
            piece, at = piece + 1, 0
        whole = at == 0 and printed.pieces[piece].replace(",", "") == text
        out.append(Cut(piece, at, at + len(text), whole))
        at += len(text)
    return out
