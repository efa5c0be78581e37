"""Every way to cut digits whose cell boundaries were lost ('12310000124' → 123,1,0,0,0,0,124) into cells.

Plain-text dumps of web pages glue a row's cells together, wholly (a run) or in places (a converter that dropped
some separators: '8' '00' '0' '0' '0' '8'), thousands separators and all ('114,1141,001' is 114,114 and 1,001: a
separator has three digits after it in its number). Only the form's identities can split them: a row of part 三
has its six applicant columns summing to the total, each block of part 四 sums to its total (the shape comes from
the rules: arithmetic.row_shape). Every cut that satisfies them is a candidate; the caller checks the candidates
against the other rules (digits.py) and, where more than one survives, reports them instead of guessing. The
separators that did survive are ``cuts``: no number spans one.

The search is bounded: numbers have at most MAX_DIGITS digits, a block's total is at least as wide as each of its
terms, and a budget of steps stops a pathological run (the caller then names it ambiguous).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

MAX_DIGITS = 9  # no count in these tables has more; bounds the search
MAX_CANDIDATES = 64
STEP_BUDGET = 200_000


@dataclass
class Split:
    """The candidates found, and whether the search stopped early (too many candidates or steps)."""

    candidates: list[list[int]]
    exhausted: bool = True


class _Digits:
    """The digits, the printed separators among them, and the search's budget of steps."""

    def __init__(self, digits: str, cuts: frozenset[int], steps: int, groups: frozenset[int] = frozenset()) -> None:
        self.text = digits
        self.left = steps
        self.groups = groups
        end = len(digits)
        inside = sorted(cut for cut in cuts if 0 < cut < end)
        self.cuts = tuple(inside)
        # for every position: where the next separator after it is, and how many separators follow it
        self.next_cut = [end] * (end + 1)
        self.cuts_after = [0] * (end + 1)
        for at in range(end - 1, -1, -1):
            following = [cut for cut in inside if cut > at]
            self.next_cut[at] = following[0] if following else end
            self.cuts_after[at] = len(following)

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0

    def widest(self, at: int, limit: int) -> int:
        """The widest number that can start at ``at``: no leading zero, no separator inside, at most ``limit``."""
        if self.text[at] == "0":
            return 1
        return min(limit, self.next_cut[at] - at)

    def fits(self, at: int, width: int) -> bool:
        """Whether digits[at:at+width] can be one number with the thousands separators printed among the digits: a
        separator inside a number, never at its edge; one to three digits before the first, three between and
        after them."""
        if not self.groups:
            return True
        end = at + width
        if at in self.groups or end in self.groups:
            return False
        inside = [group for group in sorted(self.groups) if at < group < end]
        if not inside:
            return True
        spacing = all(b - a == 3 for a, b in pairwise(inside))
        return inside[0] - at <= 3 and spacing and end - inside[-1] == 3

    def pieces_from(self, at: int) -> int:
        """How many printed pieces the digits from ``at`` on are at least (each takes one number or more)."""
        return self.cuts_after[at] + 1 if at < len(self.text) else 0

    def number(self, at: int, width: int) -> int:
        return int(self.text[at : at + width])


def _numbers(digits: _Digits, at: int, count: int, widest: int) -> Iterator[list[int]]:
    """Every way to cut digits[at:] into ``count`` numbers of at most ``widest`` digits."""
    rest = len(digits.text) - at
    if count == 0:
        if not rest:
            yield []
        return
    if rest < count or rest > count * widest or digits.pieces_from(at) > count or not digits.spend():
        return
    for width in range(1, digits.widest(at, min(widest, rest - count + 1)) + 1):
        if not digits.fits(at, width):
            continue
        head = digits.number(at, width)
        for tail in _numbers(digits, at + width, count - 1, widest):
            yield [head, *tail]


def _blocks(digits: _Digits, at: int, parts: int) -> Iterator[tuple[list[int], int]]:
    """Cut digits[at:…] into ``parts`` numbers whose last is the sum of the others; yield (numbers, where next)."""
    text = digits.text

    def cut(position: int, taken: list[int], total: int) -> Iterator[tuple[list[int], int]]:
        if not digits.spend():
            return
        if len(taken) == parts - 1:
            printed = str(total)
            end = position + len(printed)
            if (
                text.startswith(printed, position)
                and digits.next_cut[position] >= end
                and digits.fits(position, len(printed))
            ):
                yield [*taken, total], end
            return
        still = parts - 1 - len(taken)  # numbers still to take before the total
        rest = len(text) - position
        if rest < still + len(str(total)):
            return
        for width in range(1, digits.widest(position, min(MAX_DIGITS, rest - still)) + 1):
            number = digits.number(position, width)
            if len(str(total + number)) > rest - width - (still - 1):
                break  # the total would not fit in what is left; wider numbers only make it worse
            if digits.fits(position, width):
                yield from cut(position + width, [*taken, number], total + number)

    yield from cut(at, [], 0)


def _one_block(digits: _Digits, parts: int) -> Iterator[list[int]]:
    """A whole run as one block: the total is a suffix at least as wide as every term (bounded search)."""
    text = digits.text
    for width in range(1, min(MAX_DIGITS, len(text) - parts + 1) + 1):
        start = len(text) - width
        if (width > 1 and text[start] == "0") or digits.next_cut[start] < len(text) or not digits.fits(start, width):
            continue
        total = int(text[start:])
        groups = frozenset(group for group in digits.groups if group < start)
        head = _Digits(text[:start], frozenset(c for c in digits.cuts if c < start), digits.left, groups)
        for terms in _numbers(head, 0, parts - 1, width):
            if sum(terms) == total:
                yield [*terms, total]
        digits.left = head.left


def split_summed(
    digits: str,
    blocks: int,
    parts: int,
    steps: int = STEP_BUDGET,
    cuts: frozenset[int] = frozenset(),
    groups: frozenset[int] = frozenset(),
) -> Split:
    """All splits of ``digits`` into ``blocks`` consecutive blocks of ``parts`` numbers, each summing to its last;
    no number spans a position in ``cuts`` (a separator that survived), and the thousands separators printed at
    ``groups`` sit inside numbers as such separators do."""
    found: list[list[int]] = []
    if not digits.isdigit() or not blocks * parts <= len(digits) <= blocks * parts * MAX_DIGITS:
        return Split(found)
    state = _Digits(digits, cuts, steps, groups)
    if state.pieces_from(0) > blocks * parts:
        return Split(found)
    if blocks == 1:
        for numbers in _one_block(state, parts):
            found.append(numbers)
            if len(found) >= MAX_CANDIDATES:
                return Split(found, exhausted=False)
        return Split(found, exhausted=state.left >= 0)

    def walk(at: int, done: list[int], left: int) -> None:
        if len(found) >= MAX_CANDIDATES:
            return
        if left == 0:
            if at == len(digits):
                found.append(done)
            return
        for block, after in _blocks(state, at, parts):
            walk(after, done + block, left - 1)

    walk(0, [], blocks)
    return Split(found, exhausted=len(found) < MAX_CANDIDATES and state.left >= 0)


def split_free(
    digits: str,
    count: int,
    steps: int = STEP_BUDGET,
    cuts: frozenset[int] = frozenset(),
    groups: frozenset[int] = frozenset(),
) -> Split:
    """All splits with no identity to check (part 二's measures): unique only when the digits leave one way."""
    found: list[list[int]] = []
    if not digits.isdigit():
        return Split(found)
    state = _Digits(digits, cuts, steps, groups)
    for numbers in _numbers(state, 0, count, MAX_DIGITS):
        found.append(numbers)
        if len(found) >= MAX_CANDIDATES:
            return Split(found, exhausted=False)
    return Split(found, exhausted=state.left >= 0)
