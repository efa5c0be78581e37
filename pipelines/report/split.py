"""Every way to cut digits whose cell boundaries were lost ('12310000124' → 123,1,0,0,0,0,124) into cells.

Plain-text dumps of web pages glue a row's cells together. Only the form's identities can split them: a row of
part 三 has its six applicant columns summing to the total, each block of part 四 sums to its total (the shape
comes from the rules: arithmetic.row_shape). Every cut that satisfies them is a candidate; the caller checks the
candidates against the other rules (digits.py) and, where more than one survives, reports them instead of guessing.

The search is bounded: numbers have at most MAX_DIGITS digits, a block's total is at least as wide as each of its
terms, and a budget of steps stops a pathological run (the caller then names it ambiguous).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

MAX_DIGITS = 9  # no count in these tables has more; bounds the search
MAX_CANDIDATES = 64
STEP_BUDGET = 200_000


@dataclass
class Split:
    """The candidates found, and whether the search stopped early (too many candidates or steps)."""

    candidates: list[list[int]]
    exhausted: bool = True


class _Budget:
    def __init__(self, steps: int) -> None:
        self.left = steps

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0


def _numbers(digits: str, count: int, widest: int, budget: _Budget) -> Iterator[list[int]]:
    """Every way to cut ``digits`` into ``count`` numbers of at most ``widest`` digits, without leading zeros."""
    if count == 0:
        if not digits:
            yield []
        return
    if len(digits) < count or len(digits) > count * widest or not budget.spend():
        return
    limit = 1 if digits[0] == "0" else min(widest, len(digits) - count + 1)
    for width in range(1, limit + 1):
        head = int(digits[:width])
        for tail in _numbers(digits[width:], count - 1, widest, budget):
            yield [head, *tail]


def _blocks(digits: str, parts: int, budget: _Budget) -> Iterator[tuple[list[int], str]]:
    """Cut a prefix of ``digits`` into ``parts`` numbers whose last is the sum of the others; yield (numbers, rest)."""

    def cut(rest: str, taken: list[int], total: int) -> Iterator[tuple[list[int], str]]:
        if not budget.spend():
            return
        if len(taken) == parts - 1:
            printed = str(total)
            if rest.startswith(printed):
                yield [*taken, total], rest[len(printed) :]
            return
        still = parts - 1 - len(taken)  # numbers still to take before the total
        if len(rest) < still + len(str(total)):
            return
        limit = 1 if rest[0] == "0" else min(MAX_DIGITS, len(rest) - still)
        for width in range(1, limit + 1):
            number = int(rest[:width])
            if len(str(total + number)) > len(rest) - width - (still - 1):
                break  # the total would not fit in what is left; wider numbers only make it worse
            yield from cut(rest[width:], [*taken, number], total + number)

    yield from cut(digits, [], 0)


def _one_block(digits: str, parts: int, budget: _Budget) -> Iterator[list[int]]:
    """A whole run as one block: the total is a suffix at least as wide as every term (bounded search)."""
    for width in range(1, min(MAX_DIGITS, len(digits) - parts + 1) + 1):
        head, tail = digits[:-width], digits[-width:]
        if len(tail) > 1 and tail[0] == "0":
            continue
        total = int(tail)
        for terms in _numbers(head, parts - 1, width, budget):
            if sum(terms) == total:
                yield [*terms, total]


def split_summed(digits: str, blocks: int, parts: int, steps: int = STEP_BUDGET) -> Split:
    """All splits of ``digits`` into ``blocks`` consecutive blocks of ``parts`` numbers, each summing to its last."""
    found: list[list[int]] = []
    budget = _Budget(steps)
    if not digits.isdigit() or not blocks * parts <= len(digits) <= blocks * parts * MAX_DIGITS:
        return Split(found)
    if blocks == 1:
        for numbers in _one_block(digits, parts, budget):
            found.append(numbers)
            if len(found) >= MAX_CANDIDATES:
                return Split(found, exhausted=False)
        return Split(found, exhausted=budget.left >= 0)

    def walk(rest: str, done: list[int], left: int) -> None:
        if len(found) >= MAX_CANDIDATES:
            return
        if left == 0:
            if not rest:
                found.append(done)
            return
        for block, remainder in _blocks(rest, parts, budget):
            walk(remainder, done + block, left - 1)

    walk(digits, [], blocks)
    return Split(found, exhausted=len(found) < MAX_CANDIDATES and budget.left >= 0)


def split_free(digits: str, count: int, steps: int = STEP_BUDGET) -> Split:
    """All splits with no identity to check (part 二's measures): unique only when every number is one digit."""
    found: list[list[int]] = []
    budget = _Budget(steps)
    for numbers in _numbers(digits, count, MAX_DIGITS, budget):
        found.append(numbers)
        if len(found) >= MAX_CANDIDATES:
            return Split(found, exhausted=False)
    return Split(found, exhausted=budget.left >= 0)
