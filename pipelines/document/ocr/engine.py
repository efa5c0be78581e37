"""The OCR engine adapter: what an engine reads from a prepared image, and how the configured one is loaded.

An engine does two things on a grayscale page (dark text on white, straightened, ruling lines erased): it
finds where text lines are, and it reads given boxes as text lines — each with its confidence and every
character's position and confidence, so the table builder can put characters into cells as it does a PDF's
glyphs, and the report stage can name the digit an engine was unsure of. The two are apart because the scan
reader changes the boxes in between (cut at a table's column rules, ink the detector missed added:
regions.py). Engines are plugged in by name (``GOVREPORTS_OCR_ENGINE``); everything they
need ships in a registry package (models inside the wheel, Debian's traineddata): nothing is downloaded at run
time. One missing (or ``GOVREPORTS_OCR_ENGINE=off``) is `EngineUnavailable`, and the readers then say so
instead of reading.
"""

from __future__ import annotations

import importlib
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import numpy as np

ENGINE_ENV = "GOVREPORTS_OCR_ENGINE"
DEFAULT_ENGINE = "rapidocr"
OFF = "off"  # no OCR: image pages give a finding and no text
# Engine name → "module:Class", imported on first use (an engine's libraries load only when it is chosen).
ENGINES: dict[str, str] = {
    "rapidocr": "pipelines.document.ocr.rapid:RapidOcrEngine",
    "tesseract": "pipelines.document.ocr.tesseract:TesseractEngine",
}


class EngineUnavailable(Exception):
    """The chosen engine cannot run here (its package or program is not installed); the message says which."""


@dataclass(frozen=True, slots=True)
class Char:
    """One character as read: its horizontal extent in the image (pixels) and the engine's confidence (0–1).
    ``alternative`` is the engine's second choice where it is a digit (the model's own confusion)."""

    text: str
    x0: float
    x1: float
    confidence: float
    alternative: str | None = None

    def to_json(self) -> list[Any]:
        row: list[Any] = [self.text, round(self.x0, 1), round(self.x1, 1), round(self.confidence, 4)]
        return [*row, self.alternative] if self.alternative else row

    @classmethod
    def from_json(cls, data: list[Any]) -> Char:
        return cls(data[0], data[1], data[2], data[3], data[4] if len(data) > 4 else None)


@dataclass(frozen=True, slots=True)
class Line:
    """One text line as read: its box (x0, y0, x1, y1 in pixels), text, mean confidence and characters."""

    text: str
    box: tuple[int, int, int, int]
    confidence: float
    chars: tuple[Char, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "box": list(self.box),
            "confidence": round(self.confidence, 4),
            "chars": [char.to_json() for char in self.chars],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Line:
        x0, y0, x1, y1 = data["box"]
        return cls(data["text"], (x0, y0, x1, y1), data["confidence"], tuple(map(Char.from_json, data["chars"])))


Box = tuple[int, int, int, int]

# What a character read in a cell of numbers stands for: digits (full-width too) and the shapes engines confuse
# with them in table fonts — the letter o and the circle for 0, l, I and | for 1 — decimal and thousands marks,
# and the marks a speck of dust is read as (SPECK). A line made only of these is a number (no label of the form
# is); its specks are dropped, and so is a mark at either end (a number neither starts nor ends with '.').
SPECK = "'"
NUMERIC_SHAPES: dict[str, str] = {
    **{str(digit): str(digit) for digit in range(10)},
    **{chr(0xFF10 + digit): str(digit) for digit in range(10)},
    **dict.fromkeys("oOоО○〇◯。", "0"),  # a lone small 0 reads as the ideographic full stop (specks are gone)
    **dict.fromkeys("lI|丨ǀ", "1"),
    **dict.fromkeys(".．", "."),
    **dict.fromkeys(",，", ","),
    **dict.fromkeys("%％", "%"),
    **dict.fromkeys(":;'`\"°·‘’“”、﹒*^~¨˙•∙‧ ：；!?！？", SPECK),
}
_NOISE_CONFIDENCE = 0.9
_NOISE = re.compile(r"[A-Za-z:;'`\"!?：；！？]{1,2}")


def noise(line: Line) -> bool:
    """A line of one or two Latin letters or marks, no digit nor Chinese, read with doubt: what a speck, or a digit
    smudged by specks, reads as ('C', 'Q', '!', '：'). No label of the form is one; a cell holding it is left
    blank, and the checker names a blank beside numbers. A printed '/' or '-' (a blank marked) is not noise."""
    return line.confidence < _NOISE_CONFIDENCE and _NOISE.fullmatch(line.text.replace(" ", "")) is not None


def numeric_cleaned(chars: Sequence[Char]) -> list[Char]:
    """A number's characters without specks (nor spaces), without a mark before its first or after its last
    digit; a comma not followed by three digits is the decimal point engines read as one ('29458,49')."""
    kept = [char for char in chars if char.text != SPECK]
    while kept and not kept[0].text.isdigit():
        kept.pop(0)
    while kept and not kept[-1].text.isdigit() and kept[-1].text != "%":
        kept.pop()
    text = "".join(char.text for char in kept)
    if text.count(",") == 1 and "." not in text and not re.search(r",\d{3}(?!\d)", text):
        at = text.index(",")
        kept[at] = replace(kept[at], text=".")
    return kept


class Engine(ABC):
    """An OCR engine behind the one method the scan reader needs."""

    name: ClassVar[str]

    @property
    @abstractmethod
    def version(self) -> str:
        """The engine and model versions: part of the OCR cache key, so a new model re-reads every image."""

    @abstractmethod
    def detect(self, image: np.ndarray) -> list[Box]:
        """Boxes (x0, y0, x1, y1; pixels) of the text lines of a grayscale uint8 image, dark text on white."""

    @abstractmethod
    def recognise(self, image: np.ndarray, boxes: Sequence[Box]) -> list[Line | None]:
        """Each box read as one text line (None where nothing legible is in it), in the order given."""


def slug(text: str) -> str:
    """A version string as one path component."""
    return re.sub(r"[^A-Za-z0-9._+-]+", "_", text).strip("_")


def engine_name() -> str:
    return os.environ.get(ENGINE_ENV, "").strip() or DEFAULT_ENGINE


def load_engine(name: str | None = None) -> Engine:
    """The engine called ``name`` (default: the configured one), loaded once per process."""
    return _load(name or engine_name())


@cache
def _load(name: str) -> Engine:
    if name == OFF:
        raise EngineUnavailable(f"OCR is switched off ({ENGINE_ENV}={OFF})")
    spec = ENGINES.get(name)
    if spec is None:
        raise EngineUnavailable(f"unknown OCR engine {name!r} (known: {', '.join(sorted(ENGINES))})")
    module, _, attribute = spec.partition(":")
    try:
        engine_class = getattr(importlib.import_module(module), attribute)
    except ImportError as error:
        raise EngineUnavailable(f"OCR engine {name!r} is not installed: {error}") from error
    return engine_class()
