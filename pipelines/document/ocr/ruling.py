"""A table's ruling lines found in a page image: the strokes the table builder rebuilds the grid from.

Morphological opening with a line-shaped kernel a little longer than a character keeps only ink that runs on in
one direction (rules; a character's longest stroke is shorter). What survives counts as a rule when it is long
(six characters or more) or when both its ends meet a rule of the other direction (the border of a narrow cell);
a dash printed in a cell ('——') is neither and stays text, and so are the strokes of a bold title ('开工', one
stroke over two characters; the bars of 局, which meet its stem but no rule). Short breaks (a speck removed,
JPEG blur) are closed along the line first. All lengths are in units of the page's text size, so any resolution
reads alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

Box = tuple[int, int, int, int]


@dataclass
class Ruling:
    """The page's rules: horizontal and vertical strokes as pixel boxes (x0, y0, x1, y1; x1/y1 exclusive), and
    their pixels (255), to paint out exactly — a box's margin would take the edge of a digit printed against a
    rule, as browsers print them."""

    across: list[Box]
    down: list[Box]
    mask: np.ndarray

    @property
    def boxes(self) -> list[Box]:
        return self.across + self.down

    def erase(self, image: np.ndarray, value: int = 255) -> np.ndarray:
        """The page with the rules' pixels (and the one next to each: anti-aliasing) painted ``value``."""
        cleaned = image.copy()
        cleaned[cv2.dilate(self.mask, np.ones((3, 3), np.uint8)) > 0] = value
        return cleaned


def strokes(ink: np.ndarray, text_size: float, seal: np.ndarray | None = None) -> Ruling:
    """The ruling strokes of the ink; where the seal's ink (``seal``, 255) crosses a rule and took it with it (a
    hairline under red ink is as light as the ink), the rule is carried on through the seal."""
    kernel = max(8, round(text_size * 1.2))
    bridge = max(3, round(text_size * 0.3))
    through_seal = max(bridge, round(text_size * 2.5))
    shapes = {}
    for name, line, span, gap in (("across", (kernel, 1), (bridge, 1), (through_seal, 1)),
                                  ("down", (1, kernel), (1, bridge), (1, through_seal))):  # fmt: skip
        opened = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, line))
        closed = cv2.morphologyEx(opened, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, span))
        if seal is not None and seal.any():
            bridged = cv2.morphologyEx(opened, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, gap))
            gaps = cv2.bitwise_and(bridged, cv2.bitwise_not(closed))
            count, labels = cv2.connectedComponents(gaps, connectivity=8)
            if count > 1:
                crossed = np.zeros(count, dtype=bool)
                crossed[np.unique(labels[(gaps > 0) & (seal > 0)])] = True
                crossed[0] = False
                closed = cv2.bitwise_or(closed, crossed[labels].astype(np.uint8) * 255)
        shapes[name] = closed
    horizontal, vertical = shapes["across"], shapes["down"]
    across, across_labels = _boxes(horizontal)
    down, down_labels = _boxes(vertical)
    long = 6 * text_size
    reach = max(3, round(text_size * 0.25))
    long_across = [box for box in across if box[2] - box[0] >= long]
    long_down = [box for box in down if box[3] - box[1] >= long]
    # Framed by rules, never by a character's own strokes (局's bars meet its stem): rules first, then the
    # short strokes between them, then the short strokes between those.
    rules_down = long_down + [box for box in down if box[3] - box[1] < long and _framed(box, long_across, reach, False)]
    rules_across = long_across + [
        box for box in across if box[2] - box[0] < long and _framed(box, rules_down, reach, True)
    ]
    rules_down = long_down + [
        box for box in down if box[3] - box[1] < long and _framed(box, rules_across, reach, False)
    ]
    mask = np.zeros(ink.shape, np.uint8)
    for boxes, kept, labels in ((across, rules_across, across_labels), (down, rules_down, down_labels)):
        chosen = np.zeros(len(boxes) + 1, dtype=bool)
        number = {box: index + 1 for index, box in enumerate(boxes)}
        for box in kept:
            chosen[number[box]] = True
        mask[chosen[labels]] = 255
    return Ruling(rules_across, rules_down, cv2.bitwise_and(mask, ink))  # the pixels printed (a bridge is none)


def _boxes(mask: np.ndarray) -> tuple[list[Box], np.ndarray]:
    """The boxes of the mask's blobs, and its label image (blob n is label n + 1)."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, _ in stats[1:]], labels


def _framed(box: Box, others: list[Box], reach: int, horizontal: bool) -> bool:
    """Both ends of ``box`` meet a stroke of the other direction."""
    x0, y0, x1, y1 = box
    ends: list[tuple[float, float]]
    if horizontal:
        middle = (y0 + y1) / 2
        ends = [(x0, middle), (x1, middle)]
    else:
        middle = (x0 + x1) / 2
        ends = [(middle, y0), (middle, y1)]
    return all(
        any(ox0 - reach <= x <= ox1 + reach and oy0 - reach <= y <= oy1 + reach for ox0, oy0, ox1, oy1 in others)
        for x, y in ends
    )
