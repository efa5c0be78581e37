"""Tesseract (Debian's tesseract-ocr with the chi_sim traineddata, through pytesseract): the second engine behind
the adapter, compared with RapidOCR in benchmarks/ocr_engines.py and chosen with ``GOVREPORTS_OCR_ENGINE=tesseract``.

Tesseract finds and reads words in one pass, so detection runs it over the page once (sparse text, page
segmentation mode 11) and keeps the words; a box the scan reader asks for is read from the words inside it,
and only a box holding none (ink the first pass missed) costs a run of its own (one line, mode 7). Its word
confidence (0–100) is each character's; a word's box is shared evenly among its characters.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from pipelines.document.ocr.engine import NUMERIC_SHAPES, Box, Char, Engine, EngineUnavailable, Line, numeric_cleaned

try:
    import pytesseract
except ImportError as error:  # a dependency; this names what is missing
    raise EngineUnavailable(f"pytesseract is not installed: {error}") from error

LANGUAGE = "chi_sim"


class TesseractEngine(Engine):
    name = "tesseract"

    def __init__(self) -> None:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core per process, as the parse pool expects
        try:
            self._version = str(pytesseract.get_tesseract_version())
            languages = pytesseract.get_languages(config="")
        except (pytesseract.TesseractNotFoundError, OSError) as error:
            raise EngineUnavailable(f"the tesseract program is not installed: {error}") from error
        if LANGUAGE not in languages:
            raise EngineUnavailable(f"tesseract has no {LANGUAGE} traineddata (apt-get install tesseract-ocr-chi-sim)")
        self._words: list[Word] = []
        self._image_id = 0

    @property
    def version(self) -> str:
        return f"tesseract {self._version} {LANGUAGE}"

    def detect(self, image: np.ndarray) -> list[Box]:
        self._words = _words(image, "--psm 11")
        self._image_id = id(image)
        lines: dict[tuple[int, int, int], list[Box]] = {}
        for box, _, _, line in self._words:
            lines.setdefault(line, []).append(box)
        return [
            (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
            for boxes in lines.values()
        ]

    def recognise(self, image: np.ndarray, boxes: Sequence[Box]) -> list[Line | None]:
        words = self._words if self._image_id == id(image) else []
        lines: list[Line | None] = []
        for box in boxes:
            x0, y0, x1, y1 = box
            inside = [word for word in words if _centre_in(word[0], box)]
            if not inside:  # ink the page's pass did not read: this box alone, as one line
                inside = [
                    ((bx0 + x0, by0 + y0, bx1 + x0, by1 + y0), text, confidence, line)
                    for (bx0, by0, bx1, by1), text, confidence, line in _words(image[y0:y1, x0:x1], "--psm 7")
                ]
            lines.append(_line(box, sorted(inside, key=lambda word: word[0][0])))
        return lines


Word = tuple[Box, str, float, tuple[int, int, int]]  # box, text, confidence (0–1), (block, paragraph, line)


def _centre_in(inner: Box, outer: Box) -> bool:
    x, y = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= x <= outer[2] and outer[1] <= y <= outer[3]


def _words(image: np.ndarray, config: str) -> list[Word]:
    data = pytesseract.image_to_data(image, lang=LANGUAGE, config=config, output_type=pytesseract.Output.DICT)
    words = []
    for index, text in enumerate(data["text"]):
        confidence = float(data["conf"][index])
        if data["level"][index] != 5 or not text.strip() or confidence < 0:
            continue
        left, top = data["left"][index], data["top"][index]
        box = (left, top, left + data["width"][index], top + data["height"][index])
        line = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        words.append((box, text.strip(), confidence / 100, line))
    return words


def _line(box: Box, words: list[Word]) -> Line | None:
    chars: list[Char] = []
    for (x0, y0, x1, y1), text, confidence, _ in words:
        if chars and x0 - chars[-1].x1 > 0.4 * (y1 - y0):  # Tesseract splits CJK runs into one-glyph words
            chars.append(Char(" ", x0, x0, confidence))
        step = (x1 - x0) / len(text)
        chars.extend(Char(ch, x0 + i * step, x0 + (i + 1) * step, confidence) for i, ch in enumerate(text))
    printed = [char for char in chars if not char.text.isspace()]
    if printed and all(char.text in NUMERIC_SHAPES for char in printed):
        chars = numeric_cleaned([Char(NUMERIC_SHAPES[c.text], c.x0, c.x1, c.confidence) for c in printed])
        printed = chars
    if not printed:
        return None
    text = "".join(char.text for char in chars).strip()
    return Line(text, box, sum(char.confidence for char in printed) / len(printed), tuple(chars))
