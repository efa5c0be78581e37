"""A page raster made ready for OCR: grayscale without the red seal, straightened, its ink and text size known.

- **The seal**: official seals are stamped in red over the signature and often over a table. In the red channel
  red ink is nearly as light as the paper while black print stays dark (black under red ink too), so the red
  channel, where red ink lies divided by how much red light the ink lets through, is the grayscale the OCR
  engine and the ruling detector see: the seal fades to nothing, while a hairline rule under it stays a rule.
  Where the ink is red (``seal``), what the engine reads is whitened unless it is print under the ink, and nothing
  counts as text the detector missed: the seal's faint trace through a 2 makes it read N, and JPEG leaves dark
  crumbs along its strokes, one shaped like a ring reads 0.
- **Skew**: a sheet fed at an angle tilts every ruling line; the table grid and the text lines need them level.
  The angle is the one whose horizontal projection of the ink is sharpest (rows of text and rules line up),
  searched coarse to fine on a reduced copy, within ±5°.
- **Ink**: adaptive thresholding (uneven scan lighting) of what is also dark outright (a seal's faint remains and
  JPEG halos are not ink), with the page's specks removed.
- **Text size**: the upper quartile of the heights of ink blobs the size of characters — what every length
  threshold (rule kernels, speck size) is scaled by, so 150 dpi scans and 300 dpi scans are read alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

_MAX_SKEW = 5.0  # degrees
_SKEW_SIDE = 1000  # pixels of the reduced copy the angle is searched on
_MIN_SKEW = 0.05  # degrees: less is not worth a rotation (and its interpolation blur)
_INK_LEVEL = 235  # gray levels lighter than this are never ink (a hairline rule at 300 dpi is ~190)
_REDNESS = 40  # red over the larger of green and blue: a seal's ink
_SEAL_RED = 214.0  # a seal ink's red channel where the page has too little of it to measure
_UNDER_SEAL = 150  # under a seal's ink, what is lighter than this is the ink's trace (a faint 2 reads as N)


@dataclass
class Prepared:
    """The straightened grayscale page, its ink mask (255 = ink), where red ink lies (255 = red), the angle it
    was turned by (degrees, counter-clockwise) and the height of its text in pixels."""

    gray: np.ndarray
    ink: np.ndarray
    seal: np.ndarray
    angle: float
    text_size: float


def prepare(rgb: np.ndarray) -> Prepared:
    gray = without_red(rgb) if rgb.ndim == 3 else rgb
    seal = red_ink(rgb) if rgb.ndim == 3 else np.zeros(gray.shape, np.uint8)
    ink = binarise(gray)
    angle = skew_angle(ink)
    if abs(angle) >= _MIN_SKEW:
        gray = rotate(gray, angle)
        seal = rotate(seal, angle, nearest=True, border=0)
        ink = binarise(gray)
    size = text_size(cv2.bitwise_and(ink, cv2.bitwise_not(seal)))
    specks = isolated_specks(ink, size)
    gray = gray.copy()
    gray[specks] = 255
    gray[(seal > 0) & (gray > _UNDER_SEAL)] = 255  # the seal's trace goes; print under it stays (the ink keeps
    ink = ink.copy()  # a hairline rule under the seal for the ruling detector)
    ink[specks] = 0
    return Prepared(gray, ink, seal, angle, size)


def without_red(rgb: np.ndarray) -> np.ndarray:
    """Grayscale from the red channel (or the luminance, where that is lighter: JPEG's cyan halos); where the
    page is inked red, what lies under the ink: its red channel divided by the ink's own (a seal of (214, 38,
    42) passes 84% of red light), so the seal's ink is paper, a hairline rule under it (175, 33, 37) stays a
    line at 208, black print under it stays black. Saturating uint8 arithmetic (OpenCV): a page is 11 million
    values."""
    red, green, blue = cv2.split(np.ascontiguousarray(rgb))
    base = cv2.max(red, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    redness = cv2.subtract(red, cv2.max(green, blue))
    inked = redness > _REDNESS
    if not inked.any():
        return base
    strong = red[redness > 2 * _REDNESS]
    transmitted = float(np.median(strong)) if strong.size > 100 else _SEAL_RED
    under = cv2.convertScaleAbs(red, alpha=255.0 / max(transmitted, 64.0))  # saturates at 255
    return np.where(inked, cv2.max(base, under), base)


def red_ink(rgb: np.ndarray) -> np.ndarray:
    """Where the page is inked red (and the pixels next to it, which JPEG smears): 255, else 0."""
    red, green, blue = cv2.split(np.ascontiguousarray(rgb))
    redness = cv2.subtract(red, cv2.max(green, blue))
    mask = cv2.threshold(redness, _REDNESS, 255, cv2.THRESH_BINARY)[1]
    return cv2.dilate(mask, np.ones((5, 5), np.uint8))


def binarise(gray: np.ndarray) -> np.ndarray:
    block = max(15, (min(gray.shape[:2]) // 50) | 1)
    adaptive = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    return np.where(gray < _INK_LEVEL, adaptive, 0).astype(np.uint8)


def rotate(image: np.ndarray, angle: float, *, nearest: bool = False, border: int | None = None) -> np.ndarray:
    """Turn ``image`` by ``angle`` degrees counter-clockwise about its centre, same size, white outside (black
    for a mask)."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    flags = cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR
    fill = border if border is not None else (0 if nearest else 255)
    return cv2.warpAffine(image, matrix, (width, height), flags=flags, borderValue=fill)


def unrotate_box(
    box: tuple[float, float, float, float], angle: float, width: int, height: int
) -> tuple[int, int, int, int]:
    """The box (in the straightened page) as a box of the image as it was delivered (before the rotation)."""
    if abs(angle) < _MIN_SKEW:
        return (round(box[0]), round(box[1]), round(box[2]), round(box[3]))
    inverse = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64) @ inverse.T
    return (
        round(corners[:, 0].min()),
        round(corners[:, 1].min()),
        round(corners[:, 0].max()),
        round(corners[:, 1].max()),
    )


def skew_angle(ink: np.ndarray) -> float:
    """The rotation (degrees) that levels the page's lines: coarse search, then fine around the best."""
    height, width = ink.shape[:2]
    factor = min(1.0, _SKEW_SIDE / max(height, width))
    small = cv2.resize(
        ink, (max(1, round(width * factor)), max(1, round(height * factor))), interpolation=cv2.INTER_AREA
    )
    if not small.any():
        return 0.0

    def sharpness(angle: float) -> float:
        rows = rotate(small, angle, nearest=True).sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    def search(centre: float, reach: float, step: float) -> float:
        """The sharpest angle on the grid; of equals the smallest turn (too small to move a reduced pixel)."""
        angles = centre + np.arange(-reach, reach + step / 2, step)
        return float(max(angles, key=lambda angle: (sharpness(angle), -abs(angle))))

    best = search(0.0, _MAX_SKEW, 0.25)
    best = search(best, 0.25, 0.05)
    best = search(best, 0.05, 0.01)
    return round(best, 2) + 0.0  # never -0.0


def text_size(ink: np.ndarray) -> float:
    """Height of the page's characters in pixels (upper quartile of character-like blobs); 20 without text."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    character_like = (
        (heights >= 5) & (heights <= 0.1 * ink.shape[0] + 5) & (widths <= 3 * heights) & (3 * widths >= heights)
    )
    if character_like.sum() < 5:
        return 20.0
    return float(np.percentile(heights[character_like], 75))


def isolated_specks(ink: np.ndarray, size: float) -> np.ndarray:
    """Mask of specks: ink blobs no bigger than a full stop of the page's text with no other ink within half a
    character (a decimal point or the dot of 1. sits next to its digits and stays)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    limit = max(2.0, (size * 0.15) ** 2)
    small = np.zeros(count, dtype=bool)
    small[1:] = (stats[1:, cv2.CC_STAT_AREA] <= limit) & (stats[1:, cv2.CC_STAT_HEIGHT] <= size * 0.25)
    if not small.any():
        return np.zeros(ink.shape, dtype=bool)
    speck = small[labels]
    reach = max(3, round(size * 0.5)) | 1
    near_print = cv2.dilate(np.where(speck, 0, ink).astype(np.uint8), np.ones((reach, reach), np.uint8)) > 0
    kept = np.unique(labels[speck & near_print])
    small[kept] = False
    return small[labels]
