"""RapidOCR (rapidocr-onnxruntime): PaddleOCR's PP-OCRv4 detection and recognition models, shipped inside the
wheel (Apache-2.0), run by onnxruntime on the CPU. The chosen engine (benchmarks/ocr_engines.py compares it with
Tesseract's chi_sim on the same pages: cells read exactly, CPU per page).

The package's own pipeline (``RapidOCR()(image)``) is not used as a whole, for two measured reasons: its
detector runs at up to 2000 px a side (5 s of CPU for an A4 page at 200 dpi, against 0.4–0.8 s at the ~110 dpi
used here, with the same boxes), and its recogniser pads every text line to 320 px wide (a lone digit costs as
much as a sentence: 2.5 s against 1.1 s for a table page). So this adapter runs the package's detector model
and box post-processing, and feeds the recogniser each line at its own width, decoding the CTC output per
character with its position, probability and second choice.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import replace
from importlib import metadata

import numpy as np

from pipelines.document.ocr.engine import (
    NUMERIC_SHAPES,
    SPECK,
    Box,
    Char,
    Engine,
    EngineUnavailable,
    Line,
    numeric_cleaned,
)

try:
    import cv2
    from rapidocr_onnxruntime import RapidOCR
except ImportError as error:  # the package is a dependency; this names what is missing
    raise EngineUnavailable(f"rapidocr-onnxruntime is not installed: {error}") from error

THREADS_ENV = "GOVREPORTS_OCR_THREADS"
_DET_AREA = 1.25e6  # pixels the detector sees at most (an A4 page at ~110 dpi): text lines stay ≥ 14 px high
_DET_MIN_SCALE = 0.4
_REC_HEIGHT = 48  # the recogniser's input height (PP-OCRv4)
_REC_STRIDE = 8  # input pixels per CTC frame
_REC_MIN_WIDTH = 320  # what the recogniser pads short lines to in training
_REC_PAD = 128  # what every shorter line is padded to (see recognise)
_DOUBT = 0.85
_DIGITS = frozenset("0123456789")
_NUMERIC_SYMBOLS = "0123456789.,%" + SPECK
_NUMERIC_SHAPES = NUMERIC_SHAPES
_NUMERIC_LINE = 16  # characters a table cell's number has at most


class RapidOcrEngine(Engine):
    name = "rapidocr"

    def __init__(self) -> None:
        threads = int(os.environ.get(THREADS_ENV, "1"))  # one per process: the parse stage runs a process pool
        self._ocr = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
        self._characters: list[str] = self._ocr.text_rec.postprocess_op.character
        self._numeric: np.ndarray | None = None
        self._digit_classes = [self._characters.index(str(digit)) for digit in range(10)]

    @property
    def version(self) -> str:
        return (
            f"rapidocr-onnxruntime {metadata.version('rapidocr-onnxruntime')} PP-OCRv4 "
            f"onnxruntime {metadata.version('onnxruntime')}"
        )

    def detect(self, image: np.ndarray) -> list[Box]:
        height, width = image.shape[:2]
        scale = min(1.0, max(_DET_MIN_SCALE, math.sqrt(_DET_AREA / (height * width))))
        # The model wants sides in multiples of 32 and (pixel / 255 - 0.5) / 0.5 in three equal channels for a
        # grayscale page: one channel computed in float32 and repeated (the package's own step works in float64
        # on three channels: 0.3 s of a page's 2.5).
        size = (max(32, round(width * scale / 32) * 32), max(32, round(height * scale / 32) * 32))
        reduced = cv2.resize(image, size).astype(np.float32) / 127.5 - 1.0
        tensor = np.ascontiguousarray(np.broadcast_to(reduced, (1, 3, size[1], size[0])))
        detector = self._ocr.text_det
        predictions = detector.infer(tensor)[0]
        quads, _ = detector.postprocess_op(predictions, (height, width))
        boxes = []
        for quad in quads:
            x0, y0 = np.floor(quad.min(axis=0)).astype(int)
            x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
            x0, y0, x1, y1 = max(0, x0), max(0, y0), min(width, x1), min(height, y1)
            if x1 - x0 >= 3 and y1 - y0 >= 5:
                boxes.append((int(x0), int(y0), int(x1), int(y1)))
        return boxes

    def recognise(self, image: np.ndarray, boxes: Sequence[Box]) -> list[Line | None]:
        """Each box on its own, at the recogniser's height and its own width: batches would pad every line to
        the batch's widest (measured 1.1 s of CPU for a table page one by one, 1.7 s in eights, 5.5 s in
        sixteens). A line is padded with mid-grey to at least 128 px, as the model saw short lines in training
        (to 320 there): of 654 short lines of the seed scans, 78 read otherwise at their own width than at 320
        (zeros lost, a lone 2 read as N at 0.99), at 128 px none of the digits did, at 9.6 ms a line against 4.2
        (38 at 320). What is read with doubt is read again as in training — a short line padded to 320 px, a
        doubtful character of a long line on its own (a bold 局 read as 同 at 0.4 in a title, as 局 at 0.99
        alone) — and the surer reading kept."""
        return [self._line(image, box) for box in boxes]

    def _line(self, image: np.ndarray, box: Box) -> Line | None:
        resized = self._resized(image, box)
        width = resized.shape[1]
        line = self._read(resized, box, pad_to=_REC_PAD)
        if width < _REC_MIN_WIDTH and (line is None or line.confidence < _DOUBT):
            padded = self._read(resized, box, pad_to=_REC_MIN_WIDTH)
            if padded is not None and (line is None or padded.confidence > line.confidence):
                line = padded
        if line is None or len(line.chars) < 2 or all(char.confidence >= _DOUBT for char in line.chars):
            return line
        chars = list(line.chars)
        for index, char in enumerate(chars):
            if char.confidence >= _DOUBT or char.text.isspace():
                continue
            half = (box[3] - box[1]) * (0.55 if char.text >= "\u2e80" else 0.4)
            centre = (char.x0 + char.x1) / 2
            alone = (max(box[0], round(centre - half)), box[1], min(box[2], round(centre + half)), box[3])
            if alone[2] - alone[0] < 4:
                continue
            again = self._read(self._resized(image, alone), alone, pad_to=_REC_MIN_WIDTH)
            if again is not None and len(again.chars) == 1 and again.chars[0].confidence > char.confidence:
                chars[index] = replace(again.chars[0], x0=char.x0, x1=char.x1)
        text = "".join(char.text for char in chars).strip()
        printed = [char for char in chars if not char.text.isspace()]
        return Line(text, box, sum(char.confidence for char in printed) / len(printed), tuple(chars))

    def _resized(self, image: np.ndarray, box: Box) -> np.ndarray:
        x0, y0, x1, y1 = box
        crop = image[y0:y1, x0:x1]
        width = max(_REC_STRIDE * 2, math.ceil(_REC_HEIGHT * crop.shape[1] / max(1, crop.shape[0])))
        return cv2.resize(crop, (width, _REC_HEIGHT)).astype(np.float32) / 127.5 - 1.0

    def _read(self, resized: np.ndarray, box: Box, pad_to: int = 0) -> Line | None:
        width = resized.shape[1]
        tensor = np.zeros((1, 3, _REC_HEIGHT, max(width, pad_to)), np.float32)  # 0 is mid-grey once normalised
        tensor[0, :, :, :width] = resized
        return self._decode(self._ocr.text_rec.session(tensor)[0][0], box, width)

    def _decode(self, frames: np.ndarray, box: Box, resized_width: int) -> Line | None:
        """Greedy CTC decoding that keeps each character's frames (its position), confidence and the model's
        second choice of digit. A line of nothing but digits and their look-alikes (a table cell) is decoded
        again with each look-alike's probability added to its digit's: 'o', '○' and '０' are one shape, and in a
        cell of numbers that shape is 0 (the recogniser, seeing a lone digit, spreads its belief over them)."""
        runs = _runs(frames.argmax(axis=1).tolist())
        symbols = [self._characters[index] for index, _, _ in runs]
        numeric = False
        if (
            len(symbols) <= _NUMERIC_LINE
            and all(symbol in _NUMERIC_SHAPES for symbol in symbols)
            and (not symbols or any(_NUMERIC_SHAPES[symbol] in _DIGITS for symbol in symbols))
        ):
            # Also a line of nothing but blanks: a lone digit's belief may be spread so thin over its
            # look-alikes that the blank wins every frame, where the shape as a whole does not.
            frames, numeric = frames @ self._numeric_classes(frames.shape[1]), True
            emitting = frames[:, 0] < 0.5  # frames where some character is more likely than none
            shape = frames[emitting, 1:].max(axis=1, initial=0.0)
            if (shape > 1.0 - frames[emitting].sum(axis=1)).all():  # ... and that character is a number's
                runs = _runs(np.where(emitting, 1 + frames[:, 1:].argmax(axis=1), 0).tolist())
            else:  # a frame favours another shape: keep the first reading, each look-alike as its symbol
                runs = [
                    (1 + _NUMERIC_SYMBOLS.index(_NUMERIC_SHAPES[symbol]), first, last)
                    for symbol, (_, first, last) in zip(symbols, runs, strict=True)
                ]
            symbols = [_NUMERIC_SYMBOLS[index - 1] for index, _, _ in runs]
        if not runs or all(_NUMERIC_SHAPES.get(symbol) in (SPECK, ".", ",") for symbol in symbols):
            return None  # nothing, or only what a speck is read as
        x0, y0, x1, y1 = box
        per_frame = (x1 - x0) / resized_width * _REC_STRIDE  # image pixels per frame
        chars: list[Char] = []
        for (index, first, last), text in zip(runs, symbols, strict=True):
            peak = first + int(frames[first : last + 1, index].argmax())
            probabilities = frames[peak]
            confidence = float(probabilities[index]) / max(0.5, 1.0 - float(probabilities[0]))
            alternative = None
            if text in _DIGITS:
                digits = probabilities[1:11] if numeric else probabilities[self._digit_classes]
                ranked = [digit for digit in np.argsort(digits)[::-1].tolist() if str(digit) != text]
                if ranked and digits[ranked[0]] >= 0.02:
                    alternative = str(ranked[0])
            centre = x0 + ((first + last) / 2 + 0.5) * per_frame
            half = (y1 - y0) * (0.45 if text >= "\u2e80" else 0.27)
            chars.append(Char(text, max(x0, centre - half), min(x1, centre + half), min(1.0, confidence), alternative))
        if numeric:
            chars = numeric_cleaned(chars)
        printed = [char for char in chars if not char.text.isspace()]
        if not printed:
            return None
        text = "".join(char.text for char in chars).strip()
        confidence = sum(char.confidence for char in printed) / len(printed)
        return Line(text, box, confidence, tuple(chars))

    def _numeric_classes(self, count: int) -> np.ndarray:
        """Matrix from the model's classes to [blank, each numeric symbol]: a look-alike adds to its symbol."""
        if self._numeric is None or self._numeric.shape[0] != count:
            matrix = np.zeros((count, 1 + len(_NUMERIC_SYMBOLS)), np.float32)
            matrix[0, 0] = 1.0
            for index, character in enumerate(self._characters[:count]):
                symbol = _NUMERIC_SHAPES.get(character)
                if index and symbol is not None:
                    matrix[index, 1 + _NUMERIC_SYMBOLS.index(symbol)] = 1.0
            self._numeric = matrix
        return self._numeric


def _runs(best: list[int]) -> list[tuple[int, int, int]]:
    """(class, first frame, last frame) of each character CTC decoding emits from each frame's best class (class
    0 is the blank)."""
    runs: list[tuple[int, int, int]] = []
    previous = 0
    for frame, index in enumerate(best):
        if index != 0:
            if index == previous and runs and runs[-1][2] == frame - 1:
                runs[-1] = (index, runs[-1][1], frame)
            else:
                runs.append((index, frame, frame))
        previous = index
    return runs
