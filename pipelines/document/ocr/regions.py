"""Where the text lines of a page are: the detector's boxes cut at the table's column rules, plus the ink it missed.

A detector sees text, not tables: its box may run from one cell into the next ('114' and the '1' beside it, one
box) or, widened as detectors widen their boxes, reach over a rule into the neighbour's text. So each box is
cut where a column rule runs through it, and a piece that lies mostly inside another detected box (the overhang)
or holds no ink is dropped. A detector working on a reduced page also misses what is small and alone — a lone
'1' in a cell — so ink that no box covers becomes a box of its own: nothing printed goes unread. Every box then
gets a margin up to the nearest column rule, never over it: a recogniser reads a digit cropped to its ink badly
('0' at 0.6 confidence, or nothing), and a large title's top stroke clipped changes the character (工 read as 上).
"""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np

Box = tuple[int, int, int, int]


def text_boxes(detected: list[Box], ink: np.ndarray, columns: list[Box], text_size: float) -> list[Box]:
    """The boxes to read: ``detected`` cut at the ``columns`` (vertical rule boxes), plus uncovered ink."""
    rules = [((x0 + x1) // 2, y0, y1) for x0, y0, x1, y1 in columns]
    least_ink = max(4, round(0.03 * text_size * text_size))
    boxes: list[Box] = []
    for index, box in enumerate(detected):
        pieces = _cut(box, rules)
        if len(pieces) > 1:
            others = detected[:index] + detected[index + 1 :]
            pieces = [piece for piece in pieces if not any(_share(piece, other) >= 0.5 for other in others)]
        boxes.extend(piece for piece in pieces if _ink(ink, piece) >= least_ink)
    for box in _uncovered(ink, boxes, text_size):
        boxes.extend(piece for piece in _cut(box, rules) if _ink(ink, piece) >= least_ink)
    height, width = ink.shape[:2]
    return [_widen(box, rules, text_size, width, height) for box in boxes]


def _widen(box: Box, rules: list[tuple[int, int, int]], text_size: float, width: int, height: int) -> Box:
    """The box with a margin of a third of a character on each side and a tenth above and below, stopping short
    of the column rules beside it."""
    x0, y0, x1, y1 = box
    middle = (y0 + y1) / 2
    side, edge = round(text_size * 0.33), round(text_size * 0.1)
    left = max([x + 2 for x, top, bottom in rules if x <= x0 + 2 and top <= middle <= bottom], default=0)
    right = min([x - 1 for x, top, bottom in rules if x >= x1 - 2 and top <= middle <= bottom], default=width)
    return (
        max(0, left, min(x0, x0 - side)),
        max(0, y0 - edge),
        min(width, right, max(x1, x1 + side)),
        min(height, y1 + edge),
    )


def _cut(box: Box, rules: list[tuple[int, int, int]], margin: int = 2) -> list[Box]:
    """The box cut at every rule through its middle height."""
    x0, y0, x1, y1 = box
    middle = (y0 + y1) / 2
    cuts = sorted({x for x, top, bottom in rules if x0 + margin < x < x1 - margin and top <= middle <= bottom})
    if not cuts:
        return [box]
    edges = [x0, *cuts, x1]
    return [(a, y0, b, y1) for a, b in pairwise(edges) if b - a > margin]


def _share(box: Box, other: Box) -> float:
    """The share of ``box``'s area inside ``other``."""
    width = min(box[2], other[2]) - max(box[0], other[0])
    height = min(box[3], other[3]) - max(box[1], other[1])
    area = (box[2] - box[0]) * (box[3] - box[1])
    return width * height / area if width > 0 and height > 0 and area > 0 else 0.0


def _ink(ink: np.ndarray, box: Box) -> int:
    x0, y0, x1, y1 = box
    return int(np.count_nonzero(ink[y0:y1, x0:x1]))


def _uncovered(ink: np.ndarray, boxes: list[Box], text_size: float) -> list[Box]:
    """Boxes around ink no box covers, grouped into words (gaps under half a character closed)."""
    rest = ink.copy()
    for x0, y0, x1, y1 in boxes:
        rest[y0:y1, x0:x1] = 0
    if not rest.any():
        return []
    reach_x, reach_y = max(1, round(text_size * 0.25)), max(1, round(text_size * 0.08))
    joined = cv2.dilate(rest, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach_x + 1, 2 * reach_y + 1)))
    _, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    height, width = ink.shape[:2]
    pad = max(2, round(text_size * 0.15))
    near = max(2, round(text_size * 0.3))
    found = []
    for x, y, w, h, _ in stats[1:]:
        x, y, w, h = int(x) + reach_x, int(y) + reach_y, int(w) - 2 * reach_x, int(h) - 2 * reach_y  # undo the joining
        if h < 0.4 * text_size or h > 3 * text_size:  # a fragment, or a picture (a logo, the seal's remains)
            continue
        if any(_share((x - near, y, x + w + near, y + h), box) > 0 for box in boxes):
            continue  # the edge of a character a box holds, not text of its own
        found.append((max(0, x - pad), max(0, y - pad), min(width, x + w + pad), min(height, y + h + pad)))
    return found
