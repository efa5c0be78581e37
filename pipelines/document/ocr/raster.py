"""Image bytes → page rasters: PNG, JPEG, TIFF (every frame a page), BMP and GIF, decoded by Pillow.

A picture's resolution, where it records one (PNG pHYs, JPEG density, TIFF resolution), says how big its text
was printed; without one the scan reader measures the text instead. Decompression bombs (a few KB that inflate
to gigapixels) are refused by Pillow's own limit, raised to what a 600 dpi A3 scan needs.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from pipelines.document.errors import UnreadableDocument

MAX_PIXELS = 7016 * 9933  # A3 at 600 dpi
MAX_FRAMES = 200
_PLAUSIBLE_DPI = (96.0, 1200.0)  # 72 is what most writers put when they know nothing


@dataclass
class Raster:
    """One page as RGB pixels (height × width × 3, uint8) and its resolution when the file records one."""

    pixels: np.ndarray
    dpi: float | None = None

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def rasters(data: bytes, source: str) -> Iterator[Raster]:
    """Every page of an image file; UnreadableDocument when Pillow cannot decode it."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as error:
        raise UnreadableDocument(source, f"not a readable image: {error}") from error
    with image:
        dpi = _dpi(image)
        for number, frame in enumerate(ImageSequence.Iterator(image)):
            if number >= MAX_FRAMES:
                raise UnreadableDocument(source, f"more than {MAX_FRAMES} frames")
            try:
                pixels = np.asarray(_rgb(frame))
            except (OSError, ValueError) as error:
                raise UnreadableDocument(source, f"frame {number + 1} cannot be decoded: {error}") from error
            yield Raster(pixels, dpi)
            if image.format == "GIF":  # an animated GIF's later frames are animation, not pages
                break


def from_pil(image: Image.Image, dpi: float | None) -> Raster:
    return Raster(np.asarray(_rgb(image)), dpi)


def _rgb(image: Image.Image) -> Image.Image:
    """RGB on white: transparency is composed over a white page (a transparent PNG's text stays dark)."""
    if image.mode in ("RGBA", "LA", "P", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        page = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        page.alpha_composite(rgba)
        return page.convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        array = np.asarray(image, dtype=np.float64)
        top = array.max() or 1.0
        return Image.fromarray((array / top * 255).astype(np.uint8)).convert("RGB")
    return image.convert("RGB")


def _dpi(image: Image.Image) -> float | None:
    value = image.info.get("dpi")
    if not value:
        return None
    try:
        dpi = float(value[0])
    except (TypeError, ValueError, IndexError):
        return None
    return dpi if _PLAUSIBLE_DPI[0] <= dpi <= _PLAUSIBLE_DPI[1] else None
