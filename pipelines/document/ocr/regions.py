"""Where the text lines of a page are: the detector's boxes cut at the table's column rules, fitted to the ink
they hold, plus the ink they missed.

A detector sees text, not tables: its box may run from one cell into the next ('114' and the '1' beside it, one
box) or, widened as detectors widen their boxes, reach over a rule into the neighbour's text. So each box is cut
where a column rule runs through it, and a piece whose ink another detected box mostly holds (the overhang) or
that holds no ink is dropped. A detector working on a reduced page also clips what it found (the foot of a '1', the
top stroke of a large 工, read as 上) and misses what is small and alone (a lone '1' in a cell), so each box is
grown to the blobs of ink it mostly holds, and ink no box holds becomes boxes of its own: nothing printed goes
unread, and nothing is read twice. Every box is then narrowed to its ink and given a fixed margin, up to the
nearest column rule, never over it: a recogniser reads a digit cropped to its ink badly ('0' at 0.6 confidence,
or nothing) and invents characters in a long blank ('2' read as '2個').
"""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np

Box = tuple[int, int, int, int]
_HELD = 0.25  # a blob belongs to a box holding this share of its height


def text_boxes(detected: list[Box], ink: np.ndarray, columns: list[Box], text_size: float) -> list[Box]:
    """The boxes to read: ``detected`` cut at the ``columns`` (vertical rule boxes) and fitted to the ink,
    plus boxes round the ink none holds."""
    rules = [((x0 + x1) // 2, y0, y1) for x0, y0, x1, y1 in columns]
    least_ink = max(4, round(0.03 * text_size * text_size))
    boxes: list[Box] = []
    for index, box in enumerate(detected):
        pieces = _cut(box, rules)
        if len(pieces) > 1:
            others = detected[:index] + detected[index + 1 :]
            pieces = [piece for piece in pieces if _overhang(piece, others, ink) < 0.5]
        boxes.extend(piece for piece in pieces if _ink(ink, piece) >= least_ink)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    held = np.zeros(count, dtype=bool)
    boxes = [_grow(box, labels, stats, held, text_size) for box in boxes]
    for box in _unheld(labels, stats, held, text_size):
        boxes.extend(piece for piece in _cut(box, rules) if _ink(ink, piece) >= least_ink)
    height, width = ink.shape[:2]
    return [_widen(_trim(box, ink), columns, text_size, width, height) for box in boxes]


def _cut(box: Box, rules: list[tuple[int, int, int]], margin: int = 2) -> list[Box]:
    """The box cut at every rule through its middle height."""
    x0, y0, x1, y1 = box
    middle = (y0 + y1) / 2
    cuts = sorted({x for x, top, bottom in rules if x0 + margin < x < x1 - margin and top <= middle <= bottom})
    if not cuts:
        return [box]
    edges = [x0, *cuts, x1]
    return [(a, y0, b, y1) for a, b in pairwise(edges) if b - a > margin]


def _grow(box: Box, labels: np.ndarray, stats: np.ndarray, held: np.ndarray, text_size: float) -> Box:
    """The box grown to the blobs of ink it holds a good share of (marked as held); no larger than a line."""
    x0, y0, x1, y1 = box
    found = np.unique(labels[y0:y1, x0:x1])
    found = found[found > 0]
    gx0, gy0, gx1, gy1 = box
    for label in found.tolist():
        bx, by, bw, bh = (int(v) for v in stats[label, :4])
        inside = min(by + bh, y1) - max(by, y0)
        if inside < _HELD * bh:
            continue
        held[label] = True
        if bh <= 2 * text_size:  # not a stray rule fragment or a picture
            gx0, gy0, gx1, gy1 = min(gx0, bx), min(gy0, by), max(gx1, bx + bw), max(gy1, by + bh)
    if gy1 - gy0 > max(2.5 * text_size, 1.5 * (y1 - y0)):  # joined to a neighbouring line: keep what was found
        return box
    return (gx0, gy0, gx1, gy1)


def _unheld(labels: np.ndarray, stats: np.ndarray, held: np.ndarray, text_size: float) -> list[Box]:
    """Boxes round ink no box holds, grouped into words (gaps under half a character closed)."""
    small = stats[:, cv2.CC_STAT_HEIGHT] < 0.15 * text_size
    free = ~held & ~small
    free[0] = False
    if not free.any():
        return []
    rest = free[labels].astype(np.uint8) * 255
    reach_x, reach_y = max(1, round(text_size * 0.25)), max(1, round(text_size * 0.08))
    joined = cv2.dilate(rest, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach_x + 1, 2 * reach_y + 1)))
    _, _, groups, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found = []
    for x, y, w, h, _ in groups[1:]:
        x, y, w, h = int(x) + reach_x, int(y) + reach_y, int(w) - 2 * reach_x, int(h) - 2 * reach_y  # undo the joining
        if 0.4 * text_size <= h <= 3 * text_size:  # not a fragment, nor a picture (a logo, the seal's remains)
            found.append((x, y, x + w, y + h))
    return found


def _overhang(piece: Box, others: list[Box], ink: np.ndarray) -> float:
    """The share of the piece's ink that other detected boxes hold (a box reaching over a rule into the
    neighbour's text holds, beyond the rule, only what the neighbour's box holds)."""
    total = _ink(ink, piece)
    if not total:
        return 1.0
    held = 0
    for other in others:
        x0, y0 = max(piece[0], other[0]), max(piece[1], other[1])
        x1, y1 = min(piece[2], other[2]), min(piece[3], other[3])
        if x1 > x0 and y1 > y0:
            held += _ink(ink, (x0, y0, x1, y1))
    return min(1.0, held / total)


def _share(box: Box, other: Box) -> float:
    """The share of ``box``'s area inside ``other``."""
    width = min(box[2], other[2]) - max(box[0], other[0])
    height = min(box[3], other[3]) - max(box[1], other[1])
    area = (box[2] - box[0]) * (box[3] - box[1])
    return width * height / area if width > 0 and height > 0 and area > 0 else 0.0


def _ink(ink: np.ndarray, box: Box) -> int:
    x0, y0, x1, y1 = box
    return int(np.count_nonzero(ink[y0:y1, x0:x1]))


def _trim(box: Box, ink: np.ndarray) -> Box:
    """The box narrowed to its ink (a piece cut off at a rule keeps the blank up to it)."""
    x0, y0, x1, y1 = box
    columns = np.flatnonzero(ink[y0:y1, x0:x1].any(axis=0))
    if columns.size == 0:
        return box
    return (x0 + int(columns[0]), y0, x0 + int(columns[-1]) + 1, y1)


def _widen(box: Box, columns: list[Box], text_size: float, width: int, height: int) -> Box:
    """The box with a margin of a third of a character on each side and an eighth of its height above and below,
    stopping short of the column rules beside it."""
    x0, y0, x1, y1 = box
    middle = (y0 + y1) / 2
    side, edge = round(text_size * 0.33), max(2, round((y1 - y0) * 0.12))
    beside = [column for column in columns if column[1] <= middle <= column[3]]
    left = max([right_edge + 1 for _, _, right_edge, _ in beside if right_edge <= x0 + 2], default=0)
    right = min([left_edge - 1 for left_edge, _, _, _ in beside if left_edge >= x1 - 2], default=width)
    return (
        max(0, left, min(x0, x0 - side)),
        max(0, y0 - edge),
        min(width, right, max(x1, x1 + side)),
        min(height, y1 + edge),
    )
