"""Printed cell text → value, as printed: a number, or None for blank / '/' / '-' / '—' / '无' / '不适用'.

Never 0 for a blank: a blank cell and a printed 0 stay distinct. Notes inside cells ('15（其中修订3件）') give
the number and keep the note; units ('86400元') give the number and the unit; thousands separators and
full-width digits are read; decimals stay exact as printed (29458.49, 12829.5518).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

NULL_MARKS = frozenset(
    {"", "/", "／", "\\", "-", "－", "—", "——", "–", "―", "一一", "无", "不适用", "空", "×", "*", "…"}
)
UNITS = ("万元", "亿元", "元", "件", "项", "个", "条", "次", "人次", "人", "%", "％")

_NUMBER = re.compile(
    r"^(?P<sign>[+\-]?)(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<unit>" + "|".join(map(re.escape, UNITS)) + r")?"
    r"(?P<note>[(\[【][^)\]】]*[)\]】])?$"
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class CellValue:
    """A printed cell read: kind is 'number', 'null' (a blank or a dash-like mark) or 'text'."""

    kind: str
    value: int | float | None = None
    unit: str | None = None
    note: str | None = None


def clean(raw: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", raw))


@lru_cache(maxsize=65536)
def read_cell(raw: str) -> CellValue:
    text = clean(raw)
    if text in NULL_MARKS:
        return CellValue("null")
    match = _NUMBER.match(text)
    if not match:
        return CellValue("text")
    digits = match["number"].replace(",", "")
    number: int | float = float(Decimal(digits)) if "." in digits else int(digits)
    if match["sign"] == "-":
        number = -number
    return CellValue("number", number, match["unit"], match["note"])


_DIGITS_RUN = re.compile(r"\d[\d,]*")


def is_value(raw: str) -> bool:
    """A cell that holds a value (a number or a null mark) — or digits of several values whose separators were lost
    ('9,0090': 9,009 and 0) — as opposed to a label."""
    return read_cell(raw).kind != "text" or bool(_DIGITS_RUN.fullmatch(clean(raw)))


def is_number(raw: str) -> bool:
    return read_cell(raw).kind == "number"
