"""Split digits whose cell boundaries were lost ('12310000124' → 123,1,0,0,0,0,124) by the form's own sums.

Plain-text dumps of web pages glue a row's cells together. Only the form's identities can split them: a row of
part 三 has its six applicant columns summing to the total, each block of part 四 sums to its total. Every
split that satisfies them is a candidate; the caller narrows candidates further with column identities and,
where more than one survives, reports them instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterator

MAX_DIGITS = 9  # no count in these tables has more; bounds the search
MAX_CANDIDATES = 64


def _numbers(digits: str, count: int) -> Iterator[list[int]]:
    """Every way to cut ``digits`` into ``count`` numbers without leading zeros."""
    if count == 0:
        if not digits:
            yield []
        return
    if len(digits) < count or len(digits) > count * MAX_DIGITS:
        return
    limit = 1 if digits[0] == "0" else min(MAX_DIGITS, len(digits) - count + 1)
    for width in range(1, limit + 1):
        head = int(digits[:width])
        for tail in _numbers(digits[width:], count - 1):
            yield [head, *tail]


def _summed_block(digits: str, parts: int) -> Iterator[tuple[list[int], str]]:
    """Cut a prefix of ``digits`` into ``parts`` numbers whose last is the sum of the others; yield (numbers, rest)."""

    def cut(rest: str, taken: list[int]) -> Iterator[tuple[list[int], str]]:
        if len(taken) == parts - 1:
            total = str(sum(taken))
            if rest.startswith(total):
                yield [*taken, int(total)], rest[len(total) :]
            return
        if not rest:
            return
        limit = 1 if rest[0] == "0" else min(MAX_DIGITS, len(rest))
        for width in range(1, limit + 1):
            yield from cut(rest[width:], [*taken, int(rest[:width])])

    yield from cut(digits, [])


def split_summed(digits: str, blocks: int, parts: int) -> list[list[int]]:
    """All splits of ``digits`` into ``blocks`` consecutive blocks of ``parts`` numbers, each summing to its last."""
    results: list[list[int]] = []

    def walk(rest: str, done: list[int], left: int) -> None:
        if len(results) >= MAX_CANDIDATES:
            return
        if left == 0:
            if not rest:
                results.append(done)
            return
        for block, remainder in _summed_block(rest, parts):
            walk(remainder, done + block, left - 1)

    walk(digits, [], blocks)
    return results


def split_free(digits: str, count: int) -> list[list[int]]:
    """All splits with no identity to check (part 二's measures): unique only when every number is one digit."""
    results: list[list[int]] = []
    for numbers in _numbers(digits, count):
        results.append(numbers)
        if len(results) >= MAX_CANDIDATES:
            break
    return results
