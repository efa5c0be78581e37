"""Match printed rows to the form's rows: label similarity within the form's fixed row order.

Printed labels are wrapped, mangled ('其他法律行政止公开'), cut loose from their numbers or missing. Matching each
row on its own fails on exactly those; aligning the whole sequence against the form's order (a small dynamic
programme, like sequence alignment) lets clear labels anchor the rows around them, so an unlabelled row of
numbers between two labelled rows lands where the form says it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipelines.report.form import Label
from pipelines.report.normalize import fold, similarity

_ORDINAL = re.compile(r"(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|(?<![\d.])\d{1,2}[.、](?!\d))")

UNLABELLED = 0.3  # what an unlabelled row scores anywhere: enough to fill a gap in order, never to win a fight
WEAK = 0.45  # below this a printed label is not evidence for the row
SKIP_PRINTED = -0.5
SKIP_FORM = -0.4


@dataclass(frozen=True)
class Segment:
    ordinal: str | None
    text: str


@lru_cache(maxsize=16384)
def segments(label: str) -> tuple[Segment, ...]:
    """Split a (possibly wrapped, group-prefixed) label at its ordinals: '三、…结果（一）予以公开' → two segments."""
    text = fold(label)
    cuts = [match.start() for match in _ORDINAL.finditer(text)]
    if not cuts or cuts[0] != 0:
        cuts = [0, *cuts]
    parts = [text[start:end] for start, end in zip(cuts, [*cuts[1:], len(text)], strict=True)]
    result = []
    for part in parts:
        match = _ORDINAL.match(part)
        ordinal = match.group(0).strip("、.()") if match else None
        body = part[match.end() :] if match else part
        if body or ordinal:
            result.append(Segment(ordinal, body))
    return tuple(result)


@lru_cache(maxsize=65536)
def label_score(printed: tuple[Segment, ...], row: Label) -> float:
    best = 0.0
    ordinal = fold(row.ordinal).strip("()") if row.ordinal else None
    for segment in printed:
        if not segment.text:
            continue
        score = max(similarity(segment.text, printing) for printing in row.printings)
        if segment.ordinal and ordinal:
            score += 0.15 if segment.ordinal == ordinal else -0.1
        best = max(best, score)
    return best


_CACHE_SIZE = 50_000
_row_scores: dict[tuple[tuple[Segment, ...], tuple[str, ...]], tuple[float, ...]] = {}
_alignments: dict[tuple[tuple[tuple[Segment, ...], ...], tuple[str, ...]], tuple[list[int | None], float]] = {}


def _scores(printed: tuple[Segment, ...], rows: tuple[Label, ...], keys: tuple[str, ...]) -> tuple[float, ...]:
    """One printed label scored against every form row (printed labels repeat across reports: kept)."""
    key = (printed, keys)
    scores = _row_scores.get(key)
    if scores is None:
        if len(_row_scores) > _CACHE_SIZE:
            _row_scores.clear()
        scores = _row_scores[key] = tuple(_pair(printed, row) for row in rows)
    return scores


def align(printed: list[tuple[Segment, ...]], rows: tuple[Label, ...]) -> tuple[list[int | None], float]:
    """For each printed row, the index of the form row it is (None: not a form row), and the alignment score."""
    keys = tuple(row.key for row in rows)
    cache_key = (tuple(printed), keys)
    cached = _alignments.get(cache_key)
    if cached is None:
        if len(_alignments) > _CACHE_SIZE // 10:
            _alignments.clear()
        cached = _alignments[cache_key] = _align(printed, rows, keys)
    return list(cached[0]), cached[1]


def _align(printed: list[tuple[Segment, ...]], rows: tuple[Label, ...], keys: tuple[str, ...]):
    n, m = len(printed), len(rows)
    scores = [_scores(printed[i], rows, keys) for i in range(n)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    step = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            options = []
            if i and j:
                options.append((best[i - 1][j - 1] + scores[i - 1][j - 1], "match"))
            if i:
                options.append((best[i - 1][j] + SKIP_PRINTED, "printed"))
            if j:
                options.append((best[i][j - 1] + SKIP_FORM, "form"))
            best[i][j], step[i][j] = max(options)
    assignment: list[int | None] = [None] * n
    i, j = n, m
    while i or j:
        move = step[i][j]
        if move == "match":
            assignment[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif move == "printed":
            i -= 1
        else:
            j -= 1
    return assignment, best[n][m]


def _pair(printed: tuple[Segment, ...], row: Label) -> float:
    if not any(segment.text for segment in printed):
        return UNLABELLED
    score = label_score(printed, row)
    return score if score >= WEAK else score - 0.3


def unsettled(printed: list[tuple[Segment, ...]], rows: tuple[Label, ...], assignment: list[int | None]) -> dict:
    """Printed rows that only the form's order placed (their labels weak or missing) in a gap of more form rows
    than such rows: which form row each is, the order does not say. printed index → the form rows it could be."""
    keys = tuple(row.key for row in rows)
    placed = [(i, j) for i, j in enumerate(assignment) if j is not None]
    strong = [_scores(printed[i], rows, keys)[j] >= WEAK for i, j in placed]
    out: dict[int, list[int]] = {}
    start = 0
    while start < len(placed):
        if strong[start]:
            start += 1
            continue
        end = start
        while end < len(placed) and not strong[end]:
            end += 1
        low = placed[start - 1][1] if start else -1
        high = placed[end][1] if end < len(placed) else len(rows)
        weak = end - start
        if high - low - 1 > weak:
            for t, (i, _) in enumerate(placed[start:end]):
                out[i] = list(range(low + 1 + t, high - (weak - t) + 1))
        start = end
    return out
